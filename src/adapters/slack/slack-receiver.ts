import type http from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { buildContentResponse } from '@slack/bolt/dist/receivers/HTTPModuleFunctions';
import type { Logger } from '../../app/logger';
import { ShipgateError } from '../../shared/shipgate-error';
import { userMessage } from './user-message';

/** Slack waits 3 s for the ack; a request no listener acknowledged is answered just before that. */
export const UNHANDLED_REQUEST_MS = 2900;

/** A `/slack/events` request the route verified and parsed, as Bolt's HTTPReceiver would have parsed it. */
export interface VerifiedSlackRequest {
  /** Slash command form fields, the interaction `payload` JSON, or the Events API JSON. */
  body: Record<string, unknown>;
  /** `x-slack-retry-num` / `x-slack-retry-reason`, as Bolt reads them. */
  retryNum?: number;
  retryReason?: string;
}

/**
 * Bolt's receiver as shipgate uses it: bound to no port, it gets only what the `/slack/events`
 * route (src/adapters/http/slack-events-route.ts) passes on — requests already verified
 * (signature, ±5 min, not a replay), parsed and schema-checked, meant for a registered listener —
 * so nothing is buffered, verified or parsed a second time (Bolt's HTTPReceiver would re-read and
 * re-parse the body). The first `ack()` writes the HTTP response the way HTTPReceiver does
 * (`buildContentResponse`); a request nobody acknowledged within
 * {@link UNHANDLED_REQUEST_MS} gets HTTPReceiver's 404; an error thrown before a listener
 * acknowledged becomes a 200 with the one user-facing error message, never a 500.
 */
export class SlackReceiver implements Receiver {
  private app: App | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly unhandledMs = UNHANDLED_REQUEST_MS,
  ) {}

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Hands a verified request to Bolt; resolves when its listeners are done (after the ack, often much later). */
  async dispatch(request: VerifiedSlackRequest, res: http.ServerResponse): Promise<void> {
    const app = this.app;
    if (!app) throw new ShipgateError('internal', 'the Slack receiver is not attached to a Bolt app');
    let answered: 'no' | 'acked' | 'timed out' = 'no';
    const timer = setTimeout(() => {
      if (answered !== 'no') return;
      answered = 'timed out';
      this.logger.error({ timeoutMs: this.unhandledMs }, 'a Slack request was not acknowledged in time; answered 404');
      if (!res.headersSent) res.writeHead(404).end();
    }, this.unhandledMs);
    const event: ReceiverEvent = {
      body: request.body,
      ...(request.retryNum !== undefined ? { retryNum: request.retryNum } : {}),
      ...(request.retryReason !== undefined ? { retryReason: request.retryReason } : {}),
      ack: async (response?: unknown) => {
        if (answered === 'timed out') return; // answered 404 at the timeout: Slack has given up on this request
        if (answered === 'acked') throw new ShipgateError('internal', 'ack() was called twice for one Slack request');
        answered = 'acked';
        clearTimeout(timer);
        buildContentResponse(res, response);
      },
    };
    try {
      await app.processEvent(event);
    } catch (e) {
      const text = userMessage(e, this.logger.child({ where: 'slack receiver' }));
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ response_type: 'ephemeral', text }));
      if (answered === 'no') answered = 'acked';
      clearTimeout(timer);
    }
  }
}
