/**
 * Socket Mode, Slack's side: `apps.connections.open` (the app-level `xapp-` token in the
 * Authorization header only) hands out single-use ticket URLs; a WebSocket on `/link/?ticket=…`
 * greets with `hello`, delivers `slash_commands`, `interactive` and `events_api` envelopes spread
 * round-robin over the app's open connections, and waits `ackTimeoutMs` (Slack: 3 s) for
 * `{ envelope_id, payload? }`. A missing or late ack is re-delivered (`retry_attempt` 1…,
 * `retry_reason: "timeout"`) up to `maxRetries` times, as Slack does for events; the emulator does
 * it for every envelope type so a bot's dedup is exercised. Each delivery attempt has its own
 * `envelope_id` (so a late ack is told apart from the retry's). Tests can send `disconnect`
 * (`warning`, `refresh_requested`, …) or drop a connection without a close frame.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';
import { sendJson, type RequestContext } from '../emulator-base';
import { parseApiArgs, redactToken, safeJson } from './web-api';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';
export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled' | 'too_many_websockets';

export interface SocketModeConfig {
  /** The one accepted app-level token; when unset any `xapp-` token is accepted. */
  appToken: string | undefined;
  appId: string;
  baseUrl: () => string;
  ackTimeoutMs: number;
  /** Re-deliveries after a missing ack (Slack: 3). */
  maxRetries: number;
  /** How long after a `warning` disconnect the server closes the socket (Slack: ~10 s). */
  warningCloseMs: number;
  /** Server ping interval (the client reconnects when pings stop for 30 s). */
  pingIntervalMs: number;
  record: (type: string, data: unknown) => void;
}

/** The outcome of delivering one envelope (with its re-deliveries). */
export interface SocketDelivery {
  /** 200 once acked in time; 0 when every attempt went unacknowledged. */
  status: number;
  /** The ack's `payload` ('' when the ack had none). */
  body: unknown;
  /** Time from sending the attempt that was acked to its ack (ms). */
  ackMs: number;
  /** Delivery attempts made (1 = acked the first time). */
  attempts: number;
  envelopeIds: string[];
  error?: string;
}

interface Connection {
  id: number;
  ws: WebSocket;
  openedAt: number;
}

interface Pending {
  resolve: (payload: unknown) => void;
  sentAt: number;
  ignore: boolean;
  connection: number;
}

const MAX_CONNECTIONS = 10;

export class SocketModeRoom {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly connections: Connection[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextConnection = 1;
  private turn = 0;
  private acksToMiss = 0;
  private stopped = false;
  private pinger: NodeJS.Timeout | undefined;
  /** Tickets issued by `apps.connections.open` so far. */
  ticketsIssued = 0;

  constructor(private readonly config: SocketModeConfig) {}

  /** Open connections (oldest first), as `{ id, openedAt }`. */
  openConnections(): Array<{ id: number; openedAt: number }> {
    return this.connections.filter((c) => c.ws.readyState === WebSocket.OPEN).map(({ id, openedAt }) => ({ id, openedAt }));
  }

  /** The next `n` acks are ignored, as if they never arrived (the envelope is re-delivered). */
  missNextAcks(n = 1): void {
    this.acksToMiss += n;
  }

  /** `POST /api/apps.connections.open`. */
  openTicket(ctx: RequestContext): void {
    const args = parseApiArgs(ctx.raw, ctx.headers['content-type'], ctx.query);
    ctx.body = redactToken(args);
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.headers.authorization ?? '');
    const token = match?.[1];
    let error: string | undefined;
    if (!token) error = 'not_authed';
    else if (!token.startsWith('xapp-')) error = /^xox[bpe]-/.test(token) ? 'not_allowed_token_type' : 'invalid_auth';
    else if (this.config.appToken !== undefined && token !== this.config.appToken) error = 'invalid_auth';
    if (error) {
      sendJson(ctx.res, 200, { ok: false, error });
      return;
    }
    const ticket = randomBytes(12).toString('hex');
    this.tickets.add(ticket);
    this.ticketsIssued += 1;
    const wsBase = this.config.baseUrl().replace(/^http/, 'ws');
    this.config.record('socket_ticket', { ticket });
    sendJson(ctx.res, 200, { ok: true, url: `${wsBase}/link/?ticket=${ticket}&app_id=${this.config.appId}` });
  }

  /** HTTP upgrade on the emulator's port: only `/link/?ticket=<unused ticket>` becomes a WebSocket. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname.replace(/\/$/, '') !== '/link' || !this.tickets.delete(ticket)) {
      this.config.record('socket_refused', { path: url.pathname, reason: 'unknown or used ticket' });
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const connection: Connection = { id: this.nextConnection++, ws, openedAt: Date.now() };
    if (this.openConnections().length >= MAX_CONNECTIONS) {
      ws.send(JSON.stringify({ type: 'disconnect', reason: 'too_many_websockets', debug_info: { host: 'emulator' } }));
      ws.close();
      return;
    }
    this.connections.push(connection);
    ws.on('message', (data) => this.onMessage(connection, String(data)));
    ws.on('close', () => this.onClose(connection));
    ws.on('error', () => undefined);
    const num = this.openConnections().length;
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: num,
        debug_info: { host: 'applink-emulator', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.config.appId },
      }),
    );
    this.config.record('socket_connected', { connection: connection.id, numConnections: num });
    if (!this.pinger && this.config.pingIntervalMs > 0) {
      this.pinger = setInterval(() => {
        for (const c of this.connections) if (c.ws.readyState === WebSocket.OPEN) c.ws.ping();
      }, this.config.pingIntervalMs);
      this.pinger.unref();
    }
  }

  private onMessage(connection: Connection, text: string): void {
    const message = safeJson(text);
    if (!message || typeof message !== 'object' || Array.isArray(message)) return;
    const { envelope_id: envelopeId, payload } = message as { envelope_id?: unknown; payload?: unknown };
    if (typeof envelopeId !== 'string') return;
    const pending = this.pending.get(envelopeId);
    if (!pending) {
      this.config.record('socket_ack', { envelopeId, connection: connection.id, late: true });
      return;
    }
    if (pending.ignore) {
      this.config.record('socket_ack', { envelopeId, connection: connection.id, late: true, missed: true });
      return;
    }
    this.pending.delete(envelopeId);
    this.config.record('socket_ack', { envelopeId, connection: connection.id, late: false, payload });
    pending.resolve(payload ?? '');
  }

  private onClose(connection: Connection): void {
    const i = this.connections.indexOf(connection);
    if (i >= 0) this.connections.splice(i, 1);
    this.config.record('socket_closed', { connection: connection.id, numConnections: this.openConnections().length });
  }

  /**
   * Delivers an envelope and waits for its ack, re-delivering on another (or the same) connection
   * after each missing one. With no connection open, an attempt waits the ack window for one.
   */
  async deliver(type: EnvelopeType, payload: Record<string, unknown>, acceptsResponsePayload: boolean): Promise<SocketDelivery> {
    const envelopeIds: string[] = [];
    for (let attempt = 0; attempt <= this.config.maxRetries && !this.stopped; attempt++) {
      const envelopeId = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-${randomBytes(6).toString('hex')}`;
      envelopeIds.push(envelopeId);
      const deadline = performance.now() + this.config.ackTimeoutMs;
      const connection = await this.pickConnection(deadline);
      if (!connection) {
        this.config.record('socket_undelivered', { envelopeId, type, attempt });
        continue;
      }
      const ignore = this.acksToMiss > 0;
      if (ignore) this.acksToMiss -= 1;
      const envelope = {
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: acceptsResponsePayload,
        retry_attempt: attempt,
        retry_reason: attempt === 0 ? '' : 'timeout',
      };
      const sentAt = performance.now();
      const acked = new Promise<unknown>((resolve) => {
        this.pending.set(envelopeId, { resolve, sentAt, ignore, connection: connection.id });
      });
      connection.ws.send(JSON.stringify(envelope));
      this.config.record('envelope', { envelopeId, type, attempt, connection: connection.id, payload });
      const remaining = Math.max(0, deadline - performance.now());
      const answer = await Promise.race([acked, this.sleep(remaining).then(() => timedOut)]);
      if (answer !== timedOut) return { status: 200, body: answer, ackMs: performance.now() - sentAt, attempts: attempt + 1, envelopeIds };
      // the window closed: a later ack for this id is late; keep the id known as missed
      const p = this.pending.get(envelopeId);
      if (p) p.ignore = true;
      this.config.record('socket_ack_timeout', { envelopeId, type, attempt, connection: connection.id });
    }
    return { status: 0, body: null, ackMs: this.config.ackTimeoutMs, attempts: this.config.maxRetries + 1, envelopeIds, error: 'operation_timeout' };
  }

  /** Sends `{ type: "disconnect", reason }` to one connection (default: every one). */
  disconnect(reason: DisconnectReason, connectionId?: number): void {
    for (const c of this.targets(connectionId)) {
      c.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-emulator' } }));
      this.config.record('socket_disconnect_sent', { connection: c.id, reason });
      // Slack closes a warned connection ~10 s later, any other one at once if the client does not
      const after = reason === 'warning' ? this.config.warningCloseMs : 1000;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (c.ws.readyState === WebSocket.OPEN) c.ws.close(1001, reason);
      }, after);
      timer.unref();
      this.timers.add(timer);
    }
  }

  /** Drops a connection (default: every one) without a close frame, as a network failure does. */
  drop(connectionId?: number): void {
    for (const c of this.targets(connectionId)) {
      this.config.record('socket_dropped', { connection: c.id });
      c.ws.terminate();
    }
  }

  /** Closes everything (emulator stop). */
  stop(): void {
    this.stopped = true;
    if (this.pinger) clearInterval(this.pinger);
    this.pinger = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of [...this.connections]) c.ws.terminate();
    for (const p of this.pending.values()) p.resolve(timedOut);
    this.pending.clear();
    this.wss.close();
  }

  private targets(connectionId?: number): Connection[] {
    return this.connections.filter((c) => (connectionId === undefined || c.id === connectionId) && c.ws.readyState === WebSocket.OPEN);
  }

  private async pickConnection(deadline: number): Promise<Connection | undefined> {
    for (;;) {
      const open = this.connections.filter((c) => c.ws.readyState === WebSocket.OPEN);
      if (open.length) {
        const c = open[this.turn % open.length]!;
        this.turn += 1;
        return c;
      }
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      await this.sleep(Math.min(20, left));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }
}

const timedOut = Symbol('timed out');
