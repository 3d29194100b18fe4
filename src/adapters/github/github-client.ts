import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import type { Logger } from '../../app/logger';

const ThrottledOctokit = Octokit.plugin(throttling, retry);
export type GitHubClient = InstanceType<typeof ThrottledOctokit>;

export interface GitHubClientOptions {
  baseUrl: string;
  token: string;
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
}

/** Octokit with throttling (honours retry-after / rate-limit reset) and retry of 5xx. */
export function createGitHubClient(o: GitHubClientOptions): GitHubClient {
  const max = o.maxRateLimitRetries ?? 3;
  const octokit = new ThrottledOctokit({
    auth: o.token,
    baseUrl: o.baseUrl.replace(/\/$/, ''),
    userAgent: 'shipgate',
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
  octokit.hook.after('request', (response, options) => {
    const remaining = Number(response.headers['x-ratelimit-remaining']);
    if (Number.isFinite(remaining)) o.onRateLimit?.(remaining);
    o.onRequest?.(`${options.method} ${String(options.url)}`);
  });
  return octokit;
}
