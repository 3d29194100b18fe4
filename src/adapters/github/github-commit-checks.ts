import type { CommitChecks } from '../../app/ports/commit-checks';
import type { ObservedCheckRun, ObservedChecks, ObservedStatus } from '../../domain/gates/checks-gate';
import { ShipgateError } from '../../shared/shipgate-error';
import { EtagCache } from './etag-cache';
import type { CombinedStatusMemo } from './combined-status-memo';
import type { GitHubClient } from './github-client';
import type { RestData } from './rest-data';
import { splitRepo } from './split-repo';

export function githubStatus(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'status' in e ? Number((e as { status: unknown }).status) : undefined;
}

/** A GitHub failure as a ShipgateError whose message names the fix where there is one. */
export function githubError(e: unknown, what: string, notFound?: string): ShipgateError {
  if (e instanceof ShipgateError) return e;
  const s = githubStatus(e);
  const msg = e instanceof Error ? e.message : String(e);
  if ((s === 404 || s === 422) && notFound) return new ShipgateError('not_found', notFound);
  if (s === 401) return new ShipgateError('github_error', `GitHub refused the credentials (401) while ${what}: check GITHUB_TOKEN or the GitHub App variables`);
  if (s === 403)
    return new ShipgateError(
      'github_error',
      `GitHub denied access (403) while ${what}: the token needs read access to the repository (checks:read, statuses:read, contents:read, deployments:read) (${msg})`,
    );
  if (s === 404) return new ShipgateError('github_error', `GitHub answered 404 while ${what}: check the repository name and that the token can see it`);
  return new ShipgateError('github_error', `GitHub failed while ${what}: ${msg}`);
}

/**
 * Check runs and the combined status of a commit, through conditional requests (ETag
 * cache): re-checking a commit whose checks did not change costs no rate limit.
 *
 *   GET /repos/{o}/{r}/commits/{ref}/check-runs?filter=latest&per_page=100&page=N
 *   GET /repos/{o}/{r}/commits/{ref}/status?per_page=100&page=N
 */
export class GitHubCommitChecks implements CommitChecks {
  readonly etags: EtagCache;
  private readonly maxPages: number;

  private readonly statusMemo: CombinedStatusMemo | undefined;

  /** `statusMemo`: the combined status read moments ago while resolving the candidate (used once, not read again). */
  constructor(gh: Pick<GitHubClient, 'request'>, opts: { etags?: EtagCache; maxPages?: number; statusMemo?: CombinedStatusMemo } = {}) {
    this.etags = opts.etags ?? new EtagCache(gh);
    this.maxPages = opts.maxPages ?? 10;
    this.statusMemo = opts.statusMemo;
  }

  async observe(repo: string, ref: string): Promise<ObservedChecks> {
    const notFound = `no commit \`${ref}\` in ${repo}`;
    try {
      const [checkRuns, statuses] = await Promise.all([this.checkRuns(repo, ref), this.statuses(repo, ref)]);
      return { checkRuns, statuses };
    } catch (e) {
      throw githubError(e, `reading the checks of ${ref.slice(0, 12)} in ${repo}`, notFound);
    }
  }

  private async checkRuns(repo: string, ref: string): Promise<ObservedCheckRun[]> {
    const out: ObservedCheckRun[] = [];
    for (let page = 1; page <= this.maxPages; page++) {
      const res = await this.etags.get<RestData<'GET /repos/{owner}/{repo}/commits/{ref}/check-runs'>>('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
        ...splitRepo(repo),
        ref,
        filter: 'latest',
        per_page: 100,
        page,
      });
      const runs = res.data.check_runs ?? [];
      for (const r of runs) {
        const url = r.html_url ?? r.details_url ?? undefined;
        out.push({
          id: r.id,
          name: r.name,
          status: r.status,
          conclusion: r.conclusion,
          ...(url ? { url } : {}),
          startedAt: r.started_at ?? null,
          completedAt: r.completed_at ?? null,
        });
      }
      if (runs.length < 100 || out.length >= res.data.total_count) break;
    }
    return out;
  }

  private async statuses(repo: string, ref: string): Promise<ObservedStatus[]> {
    const out: ObservedStatus[] = [];
    const held = this.statusMemo?.take(repo, ref);
    for (let page = 1; page <= this.maxPages; page++) {
      // page 1 of the combined status read while resolving this very commit, when it holds it all
      const data =
        page === 1 && held && (held.statuses ?? []).length >= held.total_count
          ? held
          : (
              await this.etags.get<RestData<'GET /repos/{owner}/{repo}/commits/{ref}/status'>>('GET /repos/{owner}/{repo}/commits/{ref}/status', {
                ...splitRepo(repo),
                ref,
                per_page: 100,
                page,
              })
            ).data;
      const res = { data };
      const list = res.data.statuses ?? [];
      for (const s of list) {
        out.push({
          id: s.id,
          context: s.context,
          state: s.state,
          url: s.target_url ?? null,
          description: s.description ?? null,
          ...(s.created_at ? { createdAt: s.created_at } : {}),
        });
      }
      if (list.length < 100 || out.length >= res.data.total_count) break;
    }
    return out;
  }
}
