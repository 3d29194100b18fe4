import { HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Logger } from '../../app/logger';
import { userMessage } from './user-message';

/**
 * Bolt's HTTP receiver as shipgate uses it: never bound to a port of its own, it only sees what the
 * `/slack/events` route (src/adapters/http/slack-events-route.ts) passes on — requests already
 * verified (signature, ±5 min, not a replay), schema-checked and meant for a registered listener —
 * so it does not verify them a second time. An error thrown before a listener acknowledged becomes
 * a 200 with the one user-facing error message, never a 500.
 */
export function createSlackReceiver(signingSecret: string, logger: Logger): HTTPReceiver {
  return new HTTPReceiver({
    signingSecret,
    signatureVerification: false,
    endpoints: '/slack/events',
    logLevel: LogLevel.ERROR,
    unhandledRequestTimeoutMillis: 2900,
    processEventErrorHandler: async ({ error, response }) => {
      const text = userMessage(error, logger.child({ where: 'slack receiver' }));
      if (!response.headersSent) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ response_type: 'ephemeral', text }));
      // false: Bolt must not acknowledge (write) again
      return false;
    },
  });
}
