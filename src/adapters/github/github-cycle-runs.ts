import type { CycleRun, CycleRuns } from '../../app/ports/cycle-runs';
import { EtagCache } from './etag-cache';
import { githubError } from './github-commit-checks';
import type { GitHubClient } from './github-client';
import type { RestData } from './rest-data';
import { splitRepo } from './split-repo';

const ROUTE = 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs';
type RunList = RestData<typeof ROUTE>;

/** GitHub's `created` filter takes whole seconds: `>=2026-03-02T10:00:00Z`. */
function createdSince(since: Date): string {
  return `>=${new Date(Math.floor(since.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z')}`;
}

/**
 * The `cycles` gate's runs: one conditional request (a 304 costs no rate limit)
 *
 *   GET /repos/{o}/{r}/actions/workflows/{workflow}/runs?head_sha=S&status=success&created=>=T&per_page=100
 *
 * `status=success` selects completed runs with conclusion success; the answer is checked again
 * here (completed, success, that SHA, created at or after `since`) so a GitHub that ignores a
 * filter cannot make a run count. The first page (100 runs) is enough for any `count` the config
 * allows (≤ 50).
 */
export class GitHubCycleRuns implements CycleRuns {
  private readonly etags: EtagCache;

  constructor(gh: Pick<GitHubClient, 'request'>, opts: { etags?: EtagCache } = {}) {
    this.etags = opts.etags ?? new EtagCache(gh);
  }

  async successfulRuns(repo: string, workflow: string, sha: string, since: Date): Promise<CycleRun[]> {
    try {
      const res = await this.etags.get<RunList>(ROUTE, {
        ...splitRepo(repo),
        workflow_id: workflow,
        head_sha: sha,
        status: 'success',
        created: createdSince(since),
        exclude_pull_requests: true,
        per_page: 100,
      });
      const from = Math.floor(since.getTime() / 1000) * 1000;
      return res.data.workflow_runs
        .filter((r) => r.head_sha === sha && r.status === 'completed' && r.conclusion === 'success' && Date.parse(r.created_at) >= from)
        .map((r) => ({ id: r.id, ...(typeof r.run_number === 'number' ? { runNumber: r.run_number } : {}), htmlUrl: r.html_url, headSha: r.head_sha, createdAt: r.created_at }))
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
    } catch (e) {
      throw githubError(e, `listing the successful runs of ${workflow} on ${sha.slice(0, 12)} in ${repo}`, `no workflow ${workflow} in ${repo}`);
    }
  }
}
