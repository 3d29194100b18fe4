/**
 * Conditional GETs for the GitHub REST API: remembers the ETag and body of each URL and
 * sends `If-None-Match`; a `304 Not Modified` answer reuses the remembered body and does
 * not count against the rate limit (docs: "Use conditional requests if appropriate").
 *
 * Wraps `octokit.request` (Octokit throws a RequestError with status 304 for a conditional
 * hit). Keyed by method + full URL + Accept header, bounded (least recently used out).
 */
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

type RequestParams = Record<string, unknown> & { headers?: Record<string, string> };

interface OctokitLikeResponse {
  status: number;
  data: unknown;
  headers: Record<string, string | number | undefined>;
}

/** The slice of Octokit the cache needs (`octokit.request` with its `endpoint` helper). */
export interface RequestLike {
  request: ((route: string, params?: RequestParams) => Promise<OctokitLikeResponse>) & {
    endpoint: (route: string, params?: RequestParams) => { method: string; url: string; headers: Record<string, string | number | undefined> };
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
    const key = `${endpoint.url} ${String(endpoint.headers.accept ?? '')}`;
    const cached = this.entries.get(key);
    const headers = { ...(params.headers ?? {}), ...(cached ? { 'if-none-match': cached.etag } : {}) };
    try {
      const res = await this.gh.request(route, { ...params, headers });
      this.missCount += 1;
      const etag = res.headers.etag;
      if (typeof etag === 'string' && etag) this.remember(key, { etag, data: res.data, headers: res.headers, status: res.status });
      else this.entries.delete(key);
      return { data: res.data as T, status: res.status, headers: res.headers, notModified: false };
    } catch (e) {
      if (statusOf(e) === 304 && cached) {
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
