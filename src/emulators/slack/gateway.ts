/**
 * The Web API's front door (`POST /api/<method>`): arguments parsed and the token redacted in
 * the recorded call, queued faults (`failNext`: rate limits with `Retry-After`, errors), the
 * token check, then the method's handler from the table (`api.test` and `auth.test` live here).
 */
import { sendJson, type RequestContext } from '../emulator-base';
import type { SlackState } from './state';
import { parseApiArgs, redactToken, SlackApiError, type ApiResult, type Args, type MethodTable, type SlackFault } from './web-api';

export interface GatewayConfig {
  /** The one accepted token; when unset any `xoxb-`/`xoxp-`/`xoxe-` token is accepted. */
  token: string | undefined;
  /** Calls answered so far (for `x-slack-req-id`). */
  callCount: () => number;
}

export class Gateway {
  readonly methods: MethodTable = new Map();
  private readonly faults = new Map<string, SlackFault[]>();

  constructor(
    private readonly state: SlackState,
    private readonly config: GatewayConfig,
  ) {
    this.methods.set('api.test', (args) => ({ ok: true, args: redactToken(args) }));
    this.methods.set('auth.test', () => {
      const { identity } = this.state;
      return {
        ok: true,
        url: `https://${identity.teamDomain}.slack.com/`,
        team: identity.teamName,
        user: identity.botUserName,
        team_id: identity.teamId,
        user_id: identity.botUserId,
        bot_id: identity.botId,
        is_enterprise_install: false,
      };
    });
  }

  /** The next call(s) to `method` fail as configured (rate limits, internal errors). */
  failNext(method: string, fault: SlackFault, times = 1): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(method, list);
  }

  async handle(ctx: RequestContext, method: string): Promise<void> {
    const args = parseApiArgs(ctx.raw, ctx.headers['content-type'], ctx.query);
    ctx.body = redactToken(args);
    const fault = this.faults.get(method)?.shift();
    if (fault) {
      if (fault.status === 429 || fault.error === 'ratelimited') {
        sendJson(ctx.res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfter ?? 1) });
        return;
      }
      sendJson(ctx.res, fault.status ?? 200, { ok: false, error: fault.error ?? 'internal_error' });
      return;
    }
    let result: ApiResult;
    const auth = this.checkAuth(ctx.headers.authorization, args);
    if (auth) {
      result = { ok: false, error: auth };
    } else {
      try {
        result = await this.call(method, args);
      } catch (error) {
        if (error instanceof SlackApiError) result = { ok: false, error: error.code, ...error.extra };
        else throw error;
      }
    }
    sendJson(ctx.res, 200, result, { 'x-slack-req-id': `emu-${this.config.callCount() + 1}` });
  }

  private async call(method: string, args: Args): Promise<ApiResult> {
    const handler = this.methods.get(method);
    return handler ? handler(args) : { ok: false, error: 'unknown_method' };
  }

  private checkAuth(header: string | undefined, args: Args): string | undefined {
    let token: string | undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (match) token = match[1];
    else if (typeof args.token === 'string') token = args.token;
    if (!token) return 'not_authed';
    if (this.config.token !== undefined) return token === this.config.token ? undefined : 'invalid_auth';
    return /^xox[bpe]-/.test(token) ? undefined : 'invalid_auth';
  }
}
