import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import { createAppAuth } from '@octokit/auth-app';
import { AsyncLocalStorage } from 'node:async_hooks';

/** The promotion a GitHub call is made for (set by the worker), so calls can be counted per promotion. */
export const githubCallScope = new AsyncLocalStorage<{ promotionId: string; calls: number }>();
import type { Logger } from '../../app/logger';

const ThrottledOctokit = Octokit.plugin(throttling, retry);
export type GitHubClient = InstanceType<typeof ThrottledOctokit>;

export interface GitHubClientOptions {
  baseUrl: string;
  /** Personal/installation token; or `app` for GitHub App auth (installation tokens refreshed by @octokit/auth-app). */
  token?: string;
  app?: { appId: string; privateKey: string; installationId: string };
  logger: Logger;
  /** Called with x-ratelimit-remaining after each response (metrics). */
  onRateLimit?: (remaining: number) => void;
  onRequest?: (route: string) => void;
  /** Retries after a rate limit (primary or secondary) before giving up. */
  maxRateLimitRetries?: number;
  /**
   * Client-side pacing (Octokit throttling: one content-creating request per second, honour
   * retry-after). On by default; emulator-backed tests turn it off to run fast.
   */
  throttle?: boolean;
  /** The fetch Octokit uses (default the global one); shipgate passes one that shutdown aborts. */
  fetch?: typeof fetch;
}

/** Octokit with throttling (honours retry-after / rate-limit reset) and retry of 5xx. */
export function createGitHubClient(o: GitHubClientOptions): GitHubClient {
  const max = o.maxRateLimitRetries ?? 3;
  const octokit = new ThrottledOctokit({
    ...(o.app
      ? { authStrategy: createAppAuth, auth: { appId: o.app.appId, privateKey: o.app.privateKey.replace(/\\n/g, '\n'), installationId: o.app.installationId } }
      : { auth: o.token }),
    baseUrl: o.baseUrl.replace(/\/$/, ''),
    userAgent: 'shipgate',
    ...(o.fetch ? { request: { fetch: o.fetch } } : {}),
    log: { debug: () => undefined, info: () => undefined, warn: (m: string) => o.logger.warn({}, m), error: (m: string) => o.logger.error({}, m) },
    throttle: {
      enabled: o.throttle ?? true,
      onRateLimit: (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
        o.logger.warn({ retryAfter, route: `${options.method} ${options.url}` }, 'GitHub rate limit hit');
        return retryCount < max;
      },
      onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
        o.logger.warn({ retryAfter, route: `${options.method} ${options.url}` }, 'GitHub secondary rate limit hit');
        return retryCount < max;
      },
    },
    retry: { doNotRetry: [400, 401, 403, 404, 405, 409, 410, 422, 451] },
  });
  octokit.hook.error('request', (error, options) => {
    const scope = githubCallScope.getStore();
    if (scope) scope.calls++;
    void options;
    throw error;
  });
  octokit.hook.after('request', (response, options) => {
    const remaining = Number(response.headers['x-ratelimit-remaining']);
    if (Number.isFinite(remaining)) o.onRateLimit?.(remaining);
    o.onRequest?.(`${options.method} ${String(options.url)}`);
    const scope = githubCallScope.getStore();
    if (scope) scope.calls++;
  });
  return octokit;
}
