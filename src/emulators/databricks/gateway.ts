/**
 * The Databricks emulator's front door: bearer-token authentication (401 without a token, 403
 * with an unknown one), the workspace page behind run links (`/?o=…#job/…/run/…`), the route
 * table the API rooms register on, and errors in the REST API's shape.
 */
import { parseBody, sendJson, type RequestContext } from '../emulator-base';
import { RouteTable } from '../route-table';
import { DbxHttpError, type DbxHandler } from './rest';

export class Gateway {
  readonly routes = new RouteTable<DbxHandler>();

  constructor(
    private readonly tokens: ReadonlySet<string>,
    private readonly servePage: (ctx: RequestContext) => void,
  ) {}

  async handle(ctx: RequestContext): Promise<void> {
    ctx.body = parseBody(ctx.raw, ctx.headers['content-type']);
    if (!ctx.path.startsWith('/api/')) {
      if (ctx.method === 'GET' && ctx.path === '/') return this.servePage(ctx);
      return sendJson(ctx.res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API found for '${ctx.method} ${ctx.path}'` });
    }
    const auth = /^Bearer (.+)$/i.exec(ctx.headers.authorization ?? '')?.[1];
    if (!auth) return sendJson(ctx.res, 401, { error_code: 'UNAUTHENTICATED', message: 'Credential was not sent or was of an unsupported type for this API.' });
    if (!this.tokens.has(auth)) return sendJson(ctx.res, 403, { error_code: 'PERMISSION_DENIED', message: 'Invalid access token.' });
    const match = this.routes.match(ctx.method, ctx.path);
    if (match === undefined) return sendJson(ctx.res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API found for '${ctx.method} ${ctx.path}'` });
    if (match === 'method') return sendJson(ctx.res, 405, { error_code: 'BAD_REQUEST', message: `Method ${ctx.method} is not allowed for ${ctx.path}` });
    try {
      await match.handler(ctx, match.params);
    } catch (e) {
      if (!(e instanceof DbxHttpError)) throw e;
      sendJson(ctx.res, e.status, { error_code: e.errorCode, message: e.message });
    }
  }
}
