/**
 * The ServiceNow emulator's front door: outages (`setDown`), queued faults (`failNext`, with
 * hanging answers released on stop), the OAuth endpoint and UI pages, then authentication
 * and the route table the API rooms register on, with errors answered in ServiceNow's shape.
 */
import { parseBody, sendJson, sendText, type RequestContext } from '../emulator-base';
import { RouteTable } from '../route-table';
import type { Auth } from './auth';
import { ERR_AUTH, failure, httpReason, SnHttpError, type SnHandler } from './rest';

export interface SnFault {
  status: number;
  /** Number of requests to fail (default 1). */
  times?: number;
  method?: string;
  /** Exact path or RegExp on the path. */
  path?: string | RegExp;
  body?: unknown;
  headers?: Record<string, string>;
  /** Further condition on the request (e.g. a body field). */
  match?: (req: { method: string; path: string; query: Record<string, string>; body: unknown }) => boolean;
  /** Never answer (until `stop()`): for client timeouts. */
  hang?: boolean;
}

export class Gateway {
  readonly routes = new RouteTable<SnHandler>();
  private readonly faults: Array<SnFault & { remaining: number }> = [];
  private readonly hung = new Set<() => void>();
  private down: false | 'reset' | 'unavailable' = false;

  constructor(
    private readonly auth: Auth,
    private readonly servePage: (ctx: RequestContext) => void,
  ) {}

  /** The next `times` matching requests get this answer instead (or hang with `hang: true`). */
  failNext(fault: SnFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Simulate an outage: `reset` drops every connection, `unavailable` answers 503 with an HTML page. */
  setDown(down: boolean, mode: 'reset' | 'unavailable' = 'reset'): void {
    this.down = down ? mode : false;
  }

  /** Answer every hanging request (the emulator is stopping). */
  releaseHung(): void {
    for (const release of this.hung) release();
    this.hung.clear();
  }

  async handle(ctx: RequestContext): Promise<void> {
    const parsed = parseBody(ctx.raw, ctx.headers['content-type']);
    ctx.body = parsed;
    if (this.down === 'reset') {
      ctx.req.socket.destroy();
      return;
    }
    if (this.down === 'unavailable') {
      sendText(ctx.res, 503, '<html><body><h1>Instance Unavailable</h1><p>This instance is unavailable.</p></body></html>', 'text/html; charset=utf-8');
      return;
    }
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method.toUpperCase() === ctx.method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === ctx.path : f.path.test(ctx.path))) &&
        (f.match === undefined || f.match({ method: ctx.method, path: ctx.path, query: ctx.query, body: parsed })),
    );
    if (fault) {
      fault.remaining -= 1;
      if (fault.hang) {
        await new Promise<void>((resolve) => this.hung.add(resolve));
        if (!ctx.res.destroyed && !ctx.res.headersSent) sendJson(ctx.res, 503, failure({ message: 'Emulator stopped', detail: null }));
        return;
      }
      const body = fault.body ?? failure({ message: httpReason(fault.status), detail: `emulated fault (HTTP ${fault.status})` });
      sendJson(ctx.res, fault.status, body, fault.headers ?? {});
      return;
    }

    if (ctx.method === 'POST' && ctx.path === '/oauth_token.do') {
      this.auth.oauthToken(ctx, parsed);
      return;
    }
    if (ctx.method === 'GET' && (ctx.path === '/nav_to.do' || /^\/[a-z_]+\.do$/.test(ctx.path))) {
      this.servePage(ctx);
      return;
    }

    const user = this.auth.authenticate(ctx.headers.authorization);
    if (!user) {
      sendJson(ctx.res, 401, failure(ERR_AUTH), { 'www-authenticate': 'BASIC realm="Service-now"' });
      return;
    }
    const match = this.routes.match(ctx.method, ctx.path);
    if (match === undefined || match === 'method') {
      const status = match === 'method' ? 405 : 400;
      sendJson(ctx.res, status, failure({ message: status === 405 ? 'Method not Supported' : 'Requested URI does not represent any resource', detail: null }));
      return;
    }
    try {
      const r = match.handler({ ctx, params: match.params, body: parsed, user });
      if (r.body === undefined) {
        ctx.res.writeHead(r.status, r.headers ?? {});
        ctx.res.end();
      } else {
        sendJson(ctx.res, r.status, r.body, r.headers ?? {});
      }
    } catch (e) {
      if (!(e instanceof SnHttpError)) throw e;
      sendJson(ctx.res, e.status, failure(e.error), e.headers);
    }
  }
}
