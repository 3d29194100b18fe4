import type { SlackAuthMonitor } from '../slack/slack-auth-monitor';
import { sendJson, type RouteHandler } from './http-server';

export interface ReadinessRouteDeps {
  /** Redis PING. */
  ping: () => Promise<string>;
  slackAuth: Pick<SlackAuthMonitor, 'whenChecked'>;
  /** Number of configured services (shown with `config: loaded`). */
  services: number;
  /** How long Redis and Slack may take to answer (default 1 s each). */
  timeoutMs?: number;
}

/** `GET /readyz`: ready = Redis answers PING, the config is loaded and Slack accepted the bot token (auth.test). */
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
      ...(slack.status === 'failed' ? [`slack auth.test failed: ${slack.error}`] : slack.status === 'pending' ? ['slack auth.test has not answered yet'] : []),
    ];
    const body = { config: 'loaded', services: d.services, slack };
    if (!reasons.length) return sendJson(res, 200, { status: 'ready', ...body });
    sendJson(res, 503, { status: redisState?.startsWith('redis unreachable') ? 'redis unreachable' : 'not ready', reasons, ...body });
  };
}
