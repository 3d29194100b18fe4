import type { DeploymentLookup, SuccessfulDeployment } from '../../app/ports/deployment-lookup';
import { EtagCache } from './etag-cache';
import { githubError } from './github-commit-checks';
import type { GitHubClient } from './github-client';
import type { RestData } from './rest-data';
import { splitRepo } from './split-repo';

/**
 * GitHub Deployments as the soak gate's fallback: the newest deployment of the SHA to the
 * environment that succeeded. A deployment counts when its latest status is `success`, or
 * `inactive` after a `success` (GitHub marks a successful deployment inactive once a newer
 * one to the same environment succeeds: it did run successfully). Its time is the
 * `success` status's created_at.
 *
 *   GET /repos/{o}/{r}/deployments?environment=E&sha=S&per_page=N
 *   GET /repos/{o}/{r}/deployments/{id}/statuses?per_page=100   (newest first)
 */
export class GitHubDeploymentLookup implements DeploymentLookup {
  readonly etags: EtagCache;
  private readonly maxDeployments: number;

  constructor(gh: Pick<GitHubClient, 'request'>, opts: { etags?: EtagCache; maxDeployments?: number } = {}) {
    this.etags = opts.etags ?? new EtagCache(gh);
    this.maxDeployments = opts.maxDeployments ?? 10;
  }

  async lastSuccessful(repo: string, environment: string, sha: string): Promise<SuccessfulDeployment | undefined> {
    try {
      const list = await this.etags.get<RestData<'GET /repos/{owner}/{repo}/deployments'>>('GET /repos/{owner}/{repo}/deployments', {
        ...splitRepo(repo),
        environment,
        sha,
        per_page: this.maxDeployments,
      });
      const deployments = list.data
        .filter((d) => d.sha === sha && d.environment === environment)
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
      for (const d of deployments) {
        const res = await this.etags.get<RestData<'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses'>>('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
          ...splitRepo(repo),
          deployment_id: d.id,
          per_page: 100,
        });
        const statuses = [...res.data].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
        const latest = statuses[0];
        if (!latest || (latest.state !== 'success' && latest.state !== 'inactive')) continue;
        const success = statuses.find((s) => s.state === 'success');
        if (!success) continue;
        const url = success.log_url || success.target_url || undefined;
        return { id: d.id, sha: d.sha, environment: d.environment, at: success.created_at, ...(url ? { url } : {}) };
      }
      return undefined;
    } catch (e) {
      throw githubError(e, `reading the deployments of ${sha.slice(0, 12)} to ${environment} in ${repo}`);
    }
  }
}
