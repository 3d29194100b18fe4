/**
 * Shared HTTP plumbing for the API emulators (Slack, GitHub): a node:http
 * server on 127.0.0.1, a log of every call it answered, a log of domain
 * events, and `waitFor` so tests can await a call or an event instead of
 * sleeping. Subclasses implement `handle()`.
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { FaultPlan, type ActiveFault, type FaultRule } from './fault-plan';

/** One HTTP request answered by an emulator (recorded after it was answered). */
export interface RecordedCall {
  method: string;
  /** Path without the query string, e.g. `/api/chat.postMessage`. */
  path: string;
  query: Record<string, string>;
  /** Parsed body (JSON, form fields, or raw text); `undefined` when empty. */
  body: unknown;
  /** Emulator clock (ms epoch) when the request arrived. */
  at: number;
  /** HTTP status the emulator answered with. */
  status: number;
}

/** A domain event (message posted, run changed, …) as kept in `emu.events`. */
export interface EmulatorEvent<T = unknown> {
  type: string;
  data: T;
  at: number;
}

export interface EmulatorOptions {
  /** Clock in ms since epoch; default `Date.now`. */
  now?: () => number;
}

/** What a subclass's request handler receives. */
export interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  /** Set by the handler so the recorded call carries the parsed body. */
  body: unknown;
  at: number;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export abstract class EmulatorBase extends EventEmitter {
  /** Base URL once started, e.g. `http://127.0.0.1:41234`; '' before `start()`. */
  url = '';
  /** Every request answered, oldest first. */
  readonly calls: RecordedCall[] = [];
  /** Every domain event emitted (also delivered through `on(type, …)`), oldest first. */
  readonly events: EmulatorEvent[] = [];
  readonly now: () => number;
  /** Injected faults (502 after applying a write, a silent service, a reset connection, …). */
  readonly faultPlan = new FaultPlan();
  private server: http.Server | undefined;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(options: EmulatorOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
  }

  /** Listen on 127.0.0.1 (`port` 0 = random); resolves with and sets `url`. */
  async start(port = 0): Promise<string> {
    if (this.server) return this.url;
    const server = http.createServer((req, res) => {
      void this.serveRequest(req, res);
    });
    // Node's default (5 s): a 1 s keep-alive hint makes undici, which keeps a 2 s margin below it,
    // close every connection after one request, so each call to the emulator paid a TCP connect
    server.keepAliveTimeout = 5000;
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
    this.onStarted();
    return this.url;
  }

  /** Close the server, every keep-alive socket and background work. */
  async stop(): Promise<void> {
    this.onStopping();
    const server = this.server;
    this.server = undefined;
    if (this.pending.size > 0) {
      await Promise.race([Promise.allSettled([...this.pending]), delay(2000)]);
    }
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Makes matching requests fail (see FaultPlan); returns a handle to await the hit or remove it. */
  inject(rule: FaultRule): ActiveFault {
    return this.faultPlan.add(rule);
  }

  /** Wait for the first recorded call matching `predicate` (existing calls are checked first). */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Wait for the first domain event of `type` whose data matches `predicate` (past events are checked first). */
  waitFor<T = unknown>(type: string, predicate?: (data: T) => boolean, timeoutMs?: number): Promise<T>;
  waitFor(first: string | ((call: RecordedCall) => boolean), second?: number | ((data: never) => boolean), third?: number): Promise<unknown> {
    if (typeof first === 'function') {
      const predicate = first;
      const timeoutMs = typeof second === 'number' ? second : 5000;
      return this.awaitMatch<RecordedCall>(
        () => this.calls.find((c) => predicate(c)),
        'call',
        (c) => predicate(c),
        timeoutMs,
        'call',
      );
    }
    const type = first;
    const predicate = (typeof second === 'function' ? second : () => true) as (data: unknown) => boolean;
    const timeoutMs = third ?? (typeof second === 'number' ? second : 5000);
    return this.awaitMatch<unknown>(() => this.events.find((e) => e.type === type && predicate(e.data))?.data, type, predicate, timeoutMs, `event "${type}"`);
  }

  private awaitMatch<T>(existing: () => T | undefined, eventName: string, predicate: (value: T) => boolean, timeoutMs: number, label: string): Promise<T> {
    const found = existing();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const listener = (value: T): void => {
        let ok = false;
        try {
          ok = predicate(value);
        } catch {
          ok = false;
        }
        if (!ok) return;
        clearTimeout(timer);
        this.off(eventName, listener);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.off(eventName, listener);
        reject(new Error(`${this.constructor.name}.waitFor: no matching ${label} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on(eventName, listener);
    });
  }

  /** Record a domain event and emit it. */
  protected record<T>(type: string, data: T): void {
    this.events.push({ type, data, at: this.now() });
    this.emit(type, data);
  }

  /** Track background work (outgoing HTTP) so `stop()` can let it settle. */
  protected track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const done = (): void => {
      this.pending.delete(promise);
    };
    promise.then(done, done);
    return promise;
  }

  /** The body a call is recorded with when a fault keeps it from the handler (default: parsed by content type). */
  protected recordedBody(ctx: RequestContext): unknown {
    return parseBody(ctx.raw, ctx.headers['content-type']);
  }

  protected onStarted(): void {}
  /** An HTTP upgrade request (WebSocket); refused unless a subclass takes it. */
  protected handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    void req;
    void head;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  }
  protected onStopping(): void {}

  protected abstract handle(ctx: RequestContext): Promise<void> | void;

  private async serveRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = this.now();
    const raw = await readBody(req);
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string> = {};
    parsed.searchParams.forEach((value, key) => {
      query[key] = value;
    });
    const ctx: RequestContext = {
      req,
      res,
      method: (req.method ?? 'GET').toUpperCase(),
      path: parsed.pathname,
      query,
      headers: req.headers,
      raw,
      body: undefined,
      at,
    };
    const fault = this.faultPlan.take(ctx.method, ctx.path);
    // a request the handler never sees is still recorded with its body (what was attempted)
    if (fault?.mode === 'reset' || fault?.mode === 'hang' || fault?.mode === 'before') ctx.body = this.recordedBody(ctx);
    if (fault?.mode === 'reset') {
      req.socket.destroy();
      return this.recordCall(ctx, 0);
    }
    if (fault?.mode === 'hang') return this.recordCall(ctx, 0);
    if (fault?.mode === 'before') {
      sendFault(res, fault);
      return this.recordCall(ctx, res.statusCode);
    }
    // `after` / `hang-after`: the handler applies the request; its answer is swallowed
    const target = fault ? swallow(res) : res;
    ctx.res = target;
    try {
      await this.handle(ctx);
    } catch (error) {
      if (!target.headersSent) {
        const message = error instanceof Error ? error.message : String(error);
        sendJson(target, 500, { message: `emulator error: ${message}` });
      }
    }
    if (fault?.mode === 'hang-after') return this.recordCall(ctx, 0);
    if (fault) sendFault(res, fault);
    if (!res.writableEnded) res.end();
    this.recordCall(ctx, res.statusCode);
  }

  /** Status 0: no answer was sent (hung or reset connection). */
  private recordCall(ctx: RequestContext, status: number): void {
    const call: RecordedCall = {
      method: ctx.method,
      path: ctx.path,
      query: ctx.query,
      body: ctx.body,
      at: ctx.at,
      status,
    };
    this.calls.push(call);
    this.emit('call', call);
  }
}

function sendFault(res: http.ServerResponse, fault: FaultRule): void {
  sendJson(res, fault.status ?? 502, fault.body ?? { message: 'Server Error (injected fault)' }, fault.headers ?? {});
}

/** A response stand-in that lets a handler run to completion while nothing reaches the client. */
function swallow(res: http.ServerResponse): http.ServerResponse {
  const fake = Object.create(res) as http.ServerResponse & { headersSent: boolean; writableEnded: boolean; statusCode: number };
  let sent = false;
  let ended = false;
  Object.defineProperties(fake, {
    headersSent: { get: () => sent },
    writableEnded: { get: () => ended },
    statusCode: { value: 200, writable: true },
  });
  fake.setHeader = () => fake;
  fake.writeHead = ((status: number) => {
    fake.statusCode = status;
    sent = true;
    return fake;
  });
  fake.write = () => true;
  fake.end = (() => {
    sent = true;
    ended = true;
    return fake;
  });
  return fake;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: http.ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Parse a body by content type: JSON, url-encoded form, or text. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = raw.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    const out: Record<string, string> = {};
    new URLSearchParams(text).forEach((value, key) => {
      out[key] = value;
    });
    return out;
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
