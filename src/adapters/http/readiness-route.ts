import type { SlackAuthMonitor } from '../slack/slack-auth-monitor';
import { sendJson, type RouteHandler } from './http-server';

export interface ReadinessRouteDeps {
  /** Redis PING. */
  ping: () => Promise<string>;
  slackAuth: Pick<SlackAuthMonitor, 'whenChecked'>;
  /** Number of configured services (shown with `config: loaded`). */
  services: number;
  /** Socket Mode: whether a WebSocket to Slack is open (not ready while none is). */
  socketConnected?: () => boolean;
  /** How long Redis and Slack may take to answer (default 1 s each). */
  timeoutMs?: number;
}

/**
 * `GET /readyz`: ready = Redis answers PING, the config is loaded, Slack accepted the bot token
 * (auth.test) and, in Socket Mode, a WebSocket to Slack is open.
 */
export function readinessRoute(d: ReadinessRouteDeps): RouteHandler {
  const timeoutMs = d.timeoutMs ?? 1000;
  return async (_req, res) => {
    const [redisState, slack] = await Promise.all([
      Promise.race([d.ping(), new Promise<string>((_, rej) => setTimeout(() => rej(new Error('timeout')), timeoutMs).unref())]).then(
        (pong) => (pong === 'PONG' ? undefined : 'redis not ready'),
        (e: unknown) => `redis unreachable: ${e instanceof Error ? e.message : String(e)}`,
      ),
      d.slackAuth.whenChecked(timeoutMs),
    ]);
    const reasons = [
      ...(redisState ? [redisState] : []),
      ...(d.socketConnected && !d.socketConnected() ? ['slack socket mode: no WebSocket connected'] : []),
      ...(slack.status === 'failed' ? [`slack auth.test failed: ${slack.error}`] : slack.status === 'pending' ? ['slack auth.test has not answered yet'] : []),
    ];
    const body = { config: 'loaded', services: d.services, slack, ...(d.socketConnected ? { socketMode: { connected: d.socketConnected() } } : {}) };
    if (!reasons.length) return sendJson(res, 200, { status: 'ready', ...body });
    sendJson(res, 503, { status: redisState?.startsWith('redis unreachable') ? 'redis unreachable' : 'not ready', reasons, ...body });
  };
}
