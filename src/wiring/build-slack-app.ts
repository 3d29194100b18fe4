import { registerRollbackOffer } from '../adapters/slack/rollback-offer-listener';
// Bolt's App module, not its index: the index also loads the Express and AWS Lambda receivers (express and
// its dependencies, ~5 MB of RSS) that shipgate never uses
import App, { LogLevel } from '@slack/bolt/dist/App';
import { registerSlackListeners } from '../adapters/slack/slack-listeners';
import { SlackListenerRegistry } from '../adapters/slack/listener-registry';
import { SlackReceiver } from '../adapters/slack/slack-receiver';
import { createSocketModeReceiver } from '../adapters/slack/socket-mode-receiver';
import { slackEventsRoute } from '../adapters/http/slack-events-route';
import type { RouteHandler } from '../adapters/http/http-server';
import type { Adapters } from './build-adapters';
import type { WebUseCases } from './build-use-cases';
import type { ShipgateOptions } from './shipgate-options';

export interface SlackApp {
  app: App;
  /** Socket Mode (SLACK_APP_TOKEN): Bolt connects out, start() and stop() it; else HTTP events on `route`. */
  socketMode: boolean;
  /** Socket Mode: true while a WebSocket to Slack is open (behind /readyz). */
  socketConnected?: () => boolean;
  /** Socket Mode: stops the app and waits for the WebSocket's close handshake. */
  stop: () => Promise<void>;
  /** `POST /slack/events` (HTTP mode only). */
  route?: RouteHandler;
}

/**
 * Bolt with shipgate's listeners (web role). `tracked` lets close() wait for listener work that
 * continues after ack().
 */
export function buildSlackApp(a: Adapters, useCases: WebUseCases, o: ShipgateOptions, tracked: <T>(work: Promise<T>) => Promise<T>): SlackApp {
  const { env, config, logger } = o;
  const socketMode = Boolean(env.SLACK_APP_TOKEN);
  const receiver = socketMode ? undefined : new SlackReceiver(logger);
  const slackApiUrl = a.slack.boltClientOptions.slackApiUrl;
  const socket = env.SLACK_APP_TOKEN
    ? createSocketModeReceiver({ appToken: env.SLACK_APP_TOKEN, logger, ...(slackApiUrl ? { slackApiUrl } : {}), ...(o.socketClientPingTimeoutMs ? { clientPingTimeoutMs: o.socketClientPingTimeoutMs } : {}) })
    : undefined;
  const app = new App({
    // our own auth.test (SlackAuthMonitor) instead of Bolt's: Bolt's runs once, retries for half an
    // hour without a timeout and holds every request until it answers; ours backs off and recovers
    authorize: async () => ({ botToken: env.SLACK_BOT_TOKEN, ...a.slack.auth.identity() }),
    receiver: socket ? socket.receiver : receiver!,
    logLevel: LogLevel.ERROR,
    // respond() and the listeners' client use the same abortable fetch and bounded retries
    clientOptions: a.slack.boltClientOptions,
  });
  app.use(({ next }) => tracked(next()));
  // Socket Mode has no /slack/events route in front: re-delivered envelopes are dropped here
  if (socket) app.use(socket.dedup(a.once));
  const listeners = new SlackListenerRegistry();
  registerSlackListeners(listeners.recording(app), { commitUrl: a.github.commitUrl, config, useCases, repo: a.repo, chat: a.slack.chat, logger });
  registerRollbackOffer(listeners.recording(app), { rollback: useCases.rollback, repo: a.repo, logger });
  return {
    app,
    socketMode,
    ...(socket ? { socketConnected: socket.connected } : {}),
    stop: async () => {
      if (socket) await socket.stop();
    },
    ...(receiver ? { route: slackEventsRoute({ signingSecret: env.SLACK_SIGNING_SECRET ?? '', receiver, listeners, replays: a.once, logger }) } : {}),
  };
}
