/**
 * Who is calling: Basic auth against the configured users (any non-empty credentials when
 * none is), static bearer tokens, and OAuth (`POST /oauth_token.do` with grant types
 * password, client_credentials and refresh_token) issuing tokens that expire.
 */
import { randomBytes } from 'node:crypto';
import { isRecord, sendJson, type RequestContext } from '../emulator-base';

export interface AuthOptions {
  users?: Array<{ username: string; password: string }>;
  tokens?: string[];
  oauthClients?: Array<{ clientId: string; clientSecret: string }>;
  tokenTtlSec?: number;
}

interface IssuedToken {
  user: string;
  expiresAt: number;
}

export class Auth {
  private readonly users: Map<string, string> | undefined;
  private readonly staticTokens: Set<string>;
  private readonly oauthClients: Map<string, string> | undefined;
  private readonly tokenTtlSec: number;
  private readonly issued = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, string>();

  constructor(
    options: AuthOptions,
    private readonly host: { now(): number; record(type: string, data: unknown): void },
  ) {
    const users = options.users ?? [];
    this.users = users.length ? new Map(users.map((u) => [u.username, u.password])) : undefined;
    this.staticTokens = new Set(options.tokens ?? []);
    this.oauthClients = options.oauthClients?.length ? new Map(options.oauthClients.map((c) => [c.clientId, c.clientSecret])) : undefined;
    this.tokenTtlSec = options.tokenTtlSec ?? 1800;
  }

  /** The user a request's `Authorization` header names, or undefined when it does not authenticate. */
  authenticate(header: string | undefined): string | undefined {
    if (!header) return undefined;
    const basic = /^basic\s+(\S+)$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i <= 0) return undefined;
      const user = decoded.slice(0, i);
      const pass = decoded.slice(i + 1);
      if (this.users) return this.users.get(user) === pass ? user : undefined;
      return pass ? user : undefined;
    }
    const bearer = /^bearer\s+(\S+)$/i.exec(header);
    if (bearer) {
      const token = bearer[1]!;
      if (this.staticTokens.has(token)) return 'oauth.integration';
      const issued = this.issued.get(token);
      if (issued && issued.expiresAt > this.host.now()) return issued.user;
    }
    return undefined;
  }

  oauthToken(ctx: RequestContext, body: unknown): void {
    const form = isRecord(body) ? (body as Record<string, unknown>) : {};
    const str = (k: string): string => (typeof form[k] === 'string' ? (form[k] as string) : '');
    const denied = (): void => sendJson(ctx.res, 401, { error_description: 'access_denied', error: 'server_error' });
    const clientId = str('client_id');
    const clientSecret = str('client_secret');
    if (!clientId || (this.oauthClients ? this.oauthClients.get(clientId) !== clientSecret : !clientSecret)) {
      denied();
      return;
    }
    let user: string | undefined;
    switch (str('grant_type')) {
      case 'password': {
        const u = str('username');
        const p = str('password');
        user = u && p && (!this.users || this.users.get(u) === p) ? u : undefined;
        break;
      }
      case 'client_credentials':
        user = `oauth.${clientId}`;
        break;
      case 'refresh_token':
        user = this.refreshTokens.get(str('refresh_token'));
        break;
      default:
        sendJson(ctx.res, 400, { error_description: 'unsupported_grant_type', error: 'invalid_request' });
        return;
    }
    if (!user) {
      denied();
      return;
    }
    const accessToken = randomBytes(32).toString('base64url');
    const refreshToken = randomBytes(32).toString('base64url');
    this.issued.set(accessToken, { user, expiresAt: this.host.now() + this.tokenTtlSec * 1000 });
    this.refreshTokens.set(refreshToken, user);
    this.host.record('token_issued', { user, grantType: str('grant_type') });
    sendJson(ctx.res, 200, {
      access_token: accessToken,
      refresh_token: refreshToken,
      scope: 'useraccount',
      token_type: 'Bearer',
      expires_in: this.tokenTtlSec,
    });
  }
}
