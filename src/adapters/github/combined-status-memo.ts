import type { RestData } from './rest-data';

/** GitHub's combined status of a commit (`GET /repos/{o}/{r}/commits/{ref}/status`). */
export type CombinedStatus = RestData<'GET /repos/{owner}/{repo}/commits/{ref}/status'>;

interface Held {
  status: CombinedStatus;
  at: number;
}

/**
 * The combined status read while resolving a ref, handed once to the checks read of the same
 * commit that follows it (the gates evaluated right after the candidate is resolved): GitHub's
 * combined-status answer carries both the commit SHA the ref points at and that commit's
 * statuses, so one request does the work of two. Taken at most once and only while younger
 * than `maxAgeMs`: a later re-check (before execution) reads GitHub again.
 */
export class CombinedStatusMemo {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly opts: { maxAgeMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  put(repo: string, status: CombinedStatus): void {
    const key = `${repo}@${status.sha}`;
    this.held.delete(key);
    this.held.set(key, { status, at: this.now() });
    const max = this.opts.maxEntries ?? 200;
    while (this.held.size > max) {
      const oldest = this.held.keys().next().value;
      if (oldest === undefined) break;
      this.held.delete(oldest);
    }
  }

  /** The status read for `sha` moments ago, if any (and forgets it). */
  take(repo: string, sha: string): CombinedStatus | undefined {
    const key = `${repo}@${sha}`;
    const held = this.held.get(key);
    if (!held) return undefined;
    this.held.delete(key);
    return this.now() - held.at <= (this.opts.maxAgeMs ?? 15_000) ? held.status : undefined;
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }
}
