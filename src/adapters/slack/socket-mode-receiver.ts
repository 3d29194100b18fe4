import { createHash } from 'node:crypto';
import type { Middleware, AnyMiddlewareArgs, Logger as BoltLogger } from '@slack/bolt';
import { LogLevel } from '@slack/web-api';
import SocketModeReceiver from '@slack/bolt/dist/receivers/SocketModeReceiver';
import type { Logger } from '../../app/logger';
import type { OnceGuard } from '../../app/ports/once-guard';

/** How long an envelope's payload is remembered against re-delivery (Slack retries within minutes). */
const REDELIVERY_WINDOW_MS = 10 * 60 * 1000;

export interface SocketModeOptions {
  appToken: string;
  /** Web API base of `apps.connections.open` (SLACK_API_URL), e.g. the emulator's `/api/`. */
  slackApiUrl?: string;
  /** The client's pong wait; also the pause before each reconnect (socket-mode's default 5 s). */
  clientPingTimeoutMs?: number;
  logger: Logger;
}

export interface ShipgateSocketMode {
  receiver: SocketModeReceiver;
  /** True while a WebSocket to Slack is open (after its `hello`). */
  connected(): boolean;
  /** Closes the WebSocket with a close handshake; resolves once it is closed (Bolt's stop() does not wait). */
  stop(): Promise<void>;
  /**
   * Global middleware: an envelope Slack re-delivers (its ack was late or lost) carries the same
   * payload; the second copy is acknowledged and does nothing, on whichever replica it lands.
   */
  dedup(replays: OnceGuard): Middleware<AnyMiddlewareArgs>;
}

/**
 * socket-mode's own logger (it prints straight to the console otherwise): its errors are
 * the WebSocket failing, which the reconnect handles, so they are warnings in shipgate's log.
 */
function socketModeLogger(log: Logger): BoltLogger {
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => log.debug({}, text(msg)),
    info: (...msg: unknown[]) => log.debug({}, text(msg)),
    warn: (...msg: unknown[]) => log.warn({}, text(msg)),
    error: (...msg: unknown[]) => log.warn({}, text(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

/** Bolt's Socket Mode receiver as shipgate runs it: connection state logged and readable, re-deliveries deduplicated. */
export function createSocketModeReceiver(o: SocketModeOptions): ShipgateSocketMode {
  const log = o.logger.child({ where: 'slack socket mode' });
  const receiver = new SocketModeReceiver({
    appToken: o.appToken,
    logger: socketModeLogger(log),
    ...(o.clientPingTimeoutMs ? { clientPingTimeout: o.clientPingTimeoutMs } : {}),
    // socket-mode mutates this object (retryConfig): a fresh one each time
    installerOptions: { clientOptions: o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {} },
  });
  let connected = false;
  let everConnected = false;
  const client = receiver.client;
  client.on('connected', () => {
    connected = true;
    log.info({ reconnect: everConnected }, everConnected ? 'Socket Mode reconnected to Slack' : 'Socket Mode connected to Slack');
    everConnected = true;
  });
  client.on('disconnected', () => {
    if (connected) log.warn({}, 'Socket Mode disconnected from Slack');
    connected = false;
  });
  client.on('reconnecting', () => {
    if (connected) log.warn({}, 'Socket Mode connection lost; reconnecting with a fresh ticket');
    connected = false;
  });
  client.on('close', () => {
    if (connected) log.warn({}, 'Socket Mode connection closed; reconnecting with a fresh ticket');
    connected = false;
  });
  return {
    receiver,
    connected: () => connected,
    stop: () => client.disconnect(),
    dedup: (replays) => async (args) => {
      const { body, next } = args;
      const key = `slack-envelope:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
      let first: boolean;
      try {
        first = await replays.claim(key, REDELIVERY_WINDOW_MS);
      } catch (e) {
        // fail closed: not acknowledged, so Slack re-delivers once Redis answers again
        log.error({ err: e }, 'could not check a Socket Mode envelope against re-deliveries; left unacknowledged');
        return;
      }
      if (!first) {
        log.info({}, 'ignored a Socket Mode re-delivery of an envelope already received');
        if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
        return;
      }
      try {
        await next();
      } catch (e) {
        // the ack could not be sent (the socket closed under it): nothing acted, so the
        // re-delivery Slack sends on the next connection must not be taken for a duplicate
        if (isSocketSendError(e)) {
          log.warn({ err: e }, 'could not acknowledge a Socket Mode envelope (the socket closed); its re-delivery will be handled');
          await replays.release(key).catch((err: unknown) => log.error({ err }, 'could not release a Socket Mode envelope claim'));
        }
        throw e;
      }
    },
  };
}

/** socket-mode's errors for an ack sent while the WebSocket is not open. */
function isSocketSendError(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('slack_socket_mode_send');
}
