/**
 * Conditional GETs for the GitHub REST API: remembers the ETag and body of each URL and
 * sends `If-None-Match`; a `304 Not Modified` answer reuses the remembered body and does
 * not count against the rate limit (docs: "Use conditional requests if appropriate").
 *
 * Keyed by method + full URL + Accept header + the credential that made the request: GitHub's
 * ETags are per token (`Vary: Accept, Authorization`), and a 304 is free only for the
 * authorization that earned it, so one credential's cached body is never served to another
 * (two clients sharing a cache, or a GitHub App's installation token after its hourly refresh).
 * The credential is the `Authorization` header actually sent (after Octokit's auth hook), read
 * where Octokit hands the request to `fetch`; the key holds a SHA-256 of it, never the token.
 *
 * Wraps `octokit.request` (Octokit throws a RequestError with status 304 for a conditional
 * hit). Bounded (least recently used out).
 */
import { createHash } from 'node:crypto';
import type { GitHubClient } from './github-client';

export interface EtagResponse<T> {
  data: T;
  status: number;
  headers: Record<string, string | number | undefined>;
  /** True when GitHub answered 304 and the cached body was used. */
  notModified: boolean;
}

interface Entry {
  etag: string;
  data: unknown;
  headers: Record<string, string | number | undefined>;
  status: number;
}

type Fetch = typeof globalThis.fetch;
type RequestParams = Record<string, unknown> & { headers?: Record<string, string>; request?: Record<string, unknown> & { fetch?: Fetch } };

interface OctokitLikeResponse {
  status: number;
  data: unknown;
  headers: Record<string, string | number | undefined>;
}

/** The slice of Octokit the cache needs (`octokit.request` with its `endpoint` helper). */
export interface RequestLike {
  request: ((route: string, params?: RequestParams) => Promise<OctokitLikeResponse>) & {
    endpoint: ((route: string, params?: RequestParams) => { method: string; url: string; headers: Record<string, string | number | undefined> }) & {
      /** Octokit's request defaults (a `fetch` given to the client is chained to). */
      DEFAULTS?: { request?: { fetch?: Fetch } };
    };
  };
}

function statusOf(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'status' in e ? Number((e as { status: unknown }).status) : undefined;
}

export interface EtagCacheStats {
  /** Requests answered 304 (served from the cache). */
  hits: number;
  /** Requests answered with a body (200). */
  misses: number;
  entries: number;
}

export class EtagCache {
  private readonly entries = new Map<string, Entry>();
  private hitCount = 0;
  private missCount = 0;
  private readonly gh: RequestLike;

  constructor(
    gh: Pick<GitHubClient, 'request'> | RequestLike,
    private readonly opts: { maxEntries?: number } = {},
  ) {
    // Octokit's `request` is heavily overloaded per route; the cache only needs the generic shape.
    this.gh = gh as unknown as RequestLike;
  }

  /** A GET through the cache: `route` as Octokit takes it, e.g. `GET /repos/{owner}/{repo}/commits/{ref}/status`. */
  async get<T = unknown>(route: string, params: RequestParams = {}): Promise<EtagResponse<T>> {
    const endpoint = this.gh.request.endpoint(route, params);
    if (endpoint.method !== 'GET') throw new Error(`EtagCache only caches GET requests (got ${endpoint.method} ${endpoint.url})`);
    const next: Fetch = params.request?.fetch ?? this.gh.request.endpoint.DEFAULTS?.request?.fetch ?? globalThis.fetch;
    // set by `conditional` from what goes on the wire (again on a retry)
    let key: string | undefined;
    let cached: Entry | undefined;
    const conditional: Fetch = (url, init) => {
      const headers = { ...(init?.headers as Record<string, string> | undefined) };
      key = cacheKey(String(url), headers.accept, headers.authorization);
      cached = this.entries.get(key);
      if (cached) headers['if-none-match'] = cached.etag;
      else delete headers['if-none-match'];
      return next(url, { ...init, headers });
    };
    try {
      const res = await this.gh.request(route, { ...params, request: { ...params.request, fetch: conditional } });
      this.missCount += 1;
      const etag = res.headers.etag;
      if (key !== undefined) {
        if (typeof etag === 'string' && etag) this.remember(key, { etag, data: res.data, headers: res.headers, status: res.status });
        else this.entries.delete(key);
      }
      return { data: res.data as T, status: res.status, headers: res.headers, notModified: false };
    } catch (e) {
      if (statusOf(e) === 304 && key !== undefined && cached) {
        this.hitCount += 1;
        this.remember(key, cached);
        const fresh = (e as { response?: { headers?: Record<string, string | number | undefined> } }).response?.headers ?? {};
        return { data: cached.data as T, status: cached.status, headers: { ...cached.headers, ...fresh }, notModified: true };
      }
      throw e;
    }
  }

  stats(): EtagCacheStats {
    return { hits: this.hitCount, misses: this.missCount, entries: this.entries.size };
  }

  clear(): void {
    this.entries.clear();
  }

  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    const max = this.opts.maxEntries ?? 1000;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

/** `GET <url> <accept> <sha256 of the Authorization header>` (no credential: the hash of ''). */
function cacheKey(url: string, accept: string | undefined, authorization: string | undefined): string {
  const sent = authorization ?? '';
  const credential = createHash('sha256').update(sent).digest('hex');
  return `GET ${url} ${accept ?? ''} ${credential}`;
}
