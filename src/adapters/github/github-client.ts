import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import { createAppAuth } from '@octokit/auth-app';
import { AsyncLocalStorage } from 'node:async_hooks';
import Bottleneck from 'bottleneck';
import { WritePacer, type WriteLane } from './write-pacer';

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
  /** Per-attempt request timeout (default 10 s); a timeout is a transient failure. */
  timeoutMs?: number;
  /** The fetch to use (default the global one); every attempt gets its own timeout. */
  fetch?: typeof fetch;
}

const READS = new Set(['GET', 'HEAD']);

/** No pacing here: writes are paced by the WritePacer (with lanes), not by the plugin's FIFO. */
const unpaced = () => new Bottleneck.Group({ maxConcurrent: null, minTime: 0 });

/** The lane of a request: `request: { lane: 'low' }` marks bookkeeping writes. */
function laneOf(options: { request?: Record<string, unknown> }): WriteLane {
  return options.request?.lane === 'low' ? 'low' : 'high';
}

/**
 * Octokit with: rate-limit handling (honours retry-after / reset), retries of failed reads
 * (5xx, timeouts, resets), NO blind retry of writes (a POST/PUT/PATCH/DELETE that failed may
 * have been applied: the caller looks before trying again), a timeout on every attempt, and
 * writes paced in lanes (WritePacer).
 */
export function createGitHubClient(o: GitHubClientOptions): GitHubClient {
  const max = o.maxRateLimitRetries ?? 3;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const baseFetch = o.fetch ?? fetch;
  const timedFetch: typeof fetch = (input, init) => {
    const own = AbortSignal.timeout(timeoutMs);
    return baseFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, own]) : own });
  };
  const pacer = new WritePacer(o.throttle === false ? 0 : 1000);
  const octokit = new ThrottledOctokit({
    ...(o.app
      ? { authStrategy: createAppAuth, auth: { appId: o.app.appId, privateKey: o.app.privateKey.replace(/\\n/g, '\n'), installationId: o.app.installationId } }
      : { auth: o.token }),
    baseUrl: o.baseUrl.replace(/\/$/, ''),
    userAgent: 'shipgate',
    request: { fetch: timedFetch },
    log: { debug: () => undefined, info: () => undefined, warn: (m: string) => o.logger.warn({}, m), error: (m: string) => o.logger.error({}, m) },
    throttle: {
      enabled: o.throttle ?? true,
      write: unpaced(),
      notifications: unpaced(),
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
  // writes: never retried by the retry plugin (only a rate-limit answer, which means "not
  // applied", is retried by the throttling plugin); paced by lane
  octokit.hook.wrap('request', async (request, options) => {
    if (!READS.has(options.method)) {
      options.request = { ...options.request, retries: 0 };
      await pacer.turn(laneOf(options));
    }
    return request(options);
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
