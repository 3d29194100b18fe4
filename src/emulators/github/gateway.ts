/**
 * The front door of the GitHub emulator's REST API, in GitHub's order: injected faults
 * (`failNext`), token check (401), the core rate limit (403 when spent, `x-ratelimit-*`
 * headers on every answer), the route table (404 for unknown paths), GitHub's error bodies,
 * and per-credential ETags with `If-None-Match` → 304. Non-API GETs go to the HTML pages,
 * `/_logs/…` to the job logs.
 */
import { createHash } from 'node:crypto';
import { isRecord, parseBody, sendJson, type RequestContext } from '../emulator-base';
import { RouteTable } from '../route-table';
import { DOCS, GhError, type Handler, type HandlerResult } from './rest';
import type { Schemas } from './shapes';
import type { GitHubState } from './state';

export interface GitHubFault {
  method?: string;
  /** Matches the request path (string = exact path, RegExp = test). */
  path?: string | RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface GatewayOptions {
  /** Accepted tokens; undefined = any non-empty token. */
  tokens: Set<string> | undefined;
  /** Core rate limit per hour. */
  rateLimit: number;
  /** Calls answered so far (for `x-github-request-id`). */
  callCount: () => number;
  /** Notice run transitions before answering. */
  sync: () => void;
  serveLog: (ctx: RequestContext) => void;
  servePage: (ctx: RequestContext) => void;
}

export class Gateway {
  readonly routes = new RouteTable<Handler>();
  private readonly faults: Array<GitHubFault & { remaining: number }> = [];
  private readonly rate: { limit: number; remaining: number; resetAt: number };

  constructor(
    private readonly state: GitHubState,
    private readonly options: GatewayOptions,
  ) {
    this.rate = { limit: options.rateLimit, remaining: options.rateLimit, resetAt: Math.floor(this.state.now() / 1000) + 3600 };
    const r = this.routes;
    r.add('GET', '/rate_limit', () => {
      const core = {
        limit: this.rate.limit,
        used: this.rate.limit - this.rate.remaining,
        remaining: this.rate.remaining,
        reset: this.rate.resetAt,
      };
      // search has its own budget (30 a minute); shipgate never searches, so it stays full
      const search = { limit: 30, used: 0, remaining: 30, reset: Math.floor(this.state.now() / 1000) + 60 };
      return { status: 200, body: { resources: { core, search }, rate: core } satisfies Schemas['rate-limit-overview'] };
    });
  }

  setRateLimit(update: { remaining?: number; limit?: number; resetAt?: number }): void {
    if (update.limit !== undefined) this.rate.limit = update.limit;
    if (update.remaining !== undefined) this.rate.remaining = update.remaining;
    if (update.resetAt !== undefined) this.rate.resetAt = update.resetAt;
  }

  /** The next `times` matching requests get this response instead (e.g. 502s, secondary rate limits). */
  failNext(fault: GitHubFault, times = 1): void {
    this.faults.push({ ...fault, remaining: times });
  }

  handle(ctx: RequestContext): void {
    const path = ctx.path;
    if (path.startsWith('/_logs/jobs/') || path.startsWith('/_logs/artifacts/')) {
      this.options.serveLog(ctx);
      return;
    }
    const match = this.routes.match(ctx.method, path);
    const isApi = match !== undefined || /^\/(repos|user|rate_limit|app|orgs|users)(\/|$)/.test(path);
    if (!isApi && ctx.method === 'GET') {
      this.options.servePage(ctx);
      return;
    }
    const parsed = parseBody(ctx.raw, ctx.headers['content-type']);
    ctx.body = parsed;
    this.options.sync();

    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method.toUpperCase() === ctx.method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === path : f.path.test(path))),
    );
    if (fault) {
      fault.remaining -= 1;
      sendJson(ctx.res, fault.status, fault.body ?? { message: 'Server Error', documentation_url: DOCS, status: String(fault.status) }, {
        ...this.rateHeaders(),
        ...fault.headers,
      });
      return;
    }

    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(ctx.headers.authorization ?? '')?.[1];
    if (!token || (this.options.tokens && !this.options.tokens.has(token))) {
      this.sendError(ctx, new GhError(401, 'Bad credentials'));
      return;
    }
    const nowSec = Math.floor(this.state.now() / 1000);
    if (nowSec >= this.rate.resetAt) {
      this.rate.remaining = this.rate.limit;
      this.rate.resetAt = nowSec + 3600;
    }
    if (this.rate.remaining <= 0) {
      this.sendError(ctx, new GhError(403, 'API rate limit exceeded for user ID 1.', {}, 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'));
      return;
    }

    let result: HandlerResult;
    if (match === undefined || match === 'method') {
      result = this.errorResult(new GhError(404, 'Not Found'));
    } else {
      try {
        result = match.handler({
          ctx,
          params: match.params,
          query: ctx.query,
          body: isRecord(parsed) ? parsed : {},
          login: this.state.login,
        });
      } catch (error) {
        if (!(error instanceof GhError)) throw error;
        result = this.errorResult(error);
      }
    }

    const text = result.body === undefined ? '' : JSON.stringify(result.body);
    const headers: Record<string, string> = { ...result.headers };
    if (ctx.method === 'GET' && result.status === 200) {
      // GitHub's ETags are per credential (and media type): one token's ETag never earns another a 304
      const varying = `${token}\n${ctx.headers.accept ?? ''}\n${text}`;
      const digest = createHash('sha256').update(varying).digest('hex');
      const etag = `W/"${digest.slice(0, 40)}"`;
      headers.etag = etag;
      headers['cache-control'] = 'private, max-age=60, s-maxage=60';
      headers.vary = 'Accept, Authorization, Cookie, X-GitHub-OTP';
      const inm = ctx.headers['if-none-match'];
      if (
        inm !== undefined &&
        inm
          .split(',')
          .map((s) => s.trim())
          .includes(etag)
      ) {
        ctx.res.writeHead(304, { ...this.rateHeaders(), etag, vary: headers.vary });
        ctx.res.end();
        return;
      }
    }
    if (path !== '/rate_limit') this.rate.remaining -= 1;
    headers['x-github-media-type'] = 'github.v3; format=json';
    headers['x-github-request-id'] = `EMU:${this.options.callCount() + 1}`;
    if (result.body === undefined) {
      ctx.res.writeHead(result.status, { ...this.rateHeaders(), ...headers });
      ctx.res.end();
      return;
    }
    sendJson(ctx.res, result.status, result.body, { ...this.rateHeaders(), ...headers });
  }

  private errorResult(error: GhError): HandlerResult {
    return {
      status: error.status,
      body: { message: error.message, ...error.extra, documentation_url: error.documentationUrl, status: String(error.status) },
    };
  }

  private sendError(ctx: RequestContext, error: GhError): void {
    const result = this.errorResult(error);
    sendJson(ctx.res, result.status, result.body, this.rateHeaders());
  }

  private rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.rate.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.rate.remaining)),
      'x-ratelimit-reset': String(this.rate.resetAt),
      'x-ratelimit-used': String(this.rate.limit - Math.max(0, this.rate.remaining)),
      'x-ratelimit-resource': 'core',
    };
  }
}
