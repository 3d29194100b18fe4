import { App, LogLevel } from '@slack/bolt';
import { registerSlackListeners } from '../adapters/slack/slack-listeners';
import { SlackListenerRegistry } from '../adapters/slack/listener-registry';
import { createSlackReceiver } from '../adapters/slack/slack-receiver';
import { slackEventsRoute } from '../adapters/http/slack-events-route';
import type { RouteHandler } from '../adapters/http/http-server';
import type { Adapters } from './build-adapters';
import type { WebUseCases } from './build-use-cases';
import type { ShipgateOptions } from './shipgate-options';

export interface SlackApp {
  app: App;
  /** Socket Mode (SLACK_APP_TOKEN): Bolt connects out, start() and stop() it; else HTTP events on `route`. */
  socketMode: boolean;
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
  const receiver = socketMode ? undefined : createSlackReceiver(env.SLACK_SIGNING_SECRET ?? '', logger);
  const app = new App({
    // our own auth.test (SlackAuthMonitor) instead of Bolt's: Bolt's runs once, retries for half an
    // hour without a timeout and holds every request until it answers; ours backs off and recovers
    authorize: async () => ({ botToken: env.SLACK_BOT_TOKEN, ...a.slack.auth.identity() }),
    ...(socketMode ? { socketMode: true, appToken: env.SLACK_APP_TOKEN } : { receiver: receiver! }),
    logLevel: LogLevel.ERROR,
    // respond() and the listeners' client use the same abortable fetch and bounded retries
    clientOptions: a.slack.boltClientOptions,
  });
  app.use(({ next }) => tracked(next()));
  const listeners = new SlackListenerRegistry();
  registerSlackListeners(listeners.recording(app), { commitUrl: a.github.commitUrl, config, useCases, repo: a.repo, chat: a.slack.chat, logger });
  return {
    app,
    socketMode,
    ...(receiver ? { route: slackEventsRoute({ signingSecret: env.SLACK_SIGNING_SECRET ?? '', receiver, listeners, replays: a.once, logger }) } : {}),
  };
}
