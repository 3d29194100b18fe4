import type { DeploymentState, GitHubDeployments as DeploymentsPort } from '../../app/ports/github-deployments';
import { ShipgateError } from '../../shared/shipgate-error';
import type { GitHubClient } from './github-client';
import { splitRepo } from './split-repo';

/** Bookkeeping writes (Deployment mirroring) go in the low lane: they never delay a dispatch. */
const LOW = { request: { lane: 'low' } } as const;

/**
 * Each deploy mirrored as a GitHub Deployment with its statuses, so GitHub's UI shows what
 * shipgate did; the look-ups (a promotion's Deployment, its statuses) come before each write.
 *
 *   POST /repos/{o}/{r}/deployments                    (payload.shipgate = the promotion id)
 *   POST /repos/{o}/{r}/deployments/{id}/statuses
 *   GET  /repos/{o}/{r}/deployments?sha=S&environment=E
 *   GET  /repos/{o}/{r}/deployments/{id}/statuses
 */
export class GitHubDeployments implements DeploymentsPort {
  constructor(private readonly gh: GitHubClient) {}

  async createDeployment(repo: string, d: { sha: string; environment: string; description: string; payload: Record<string, unknown>; production: boolean }): Promise<number> {
    const res = await this.gh.request('POST /repos/{owner}/{repo}/deployments', {
      ...splitRepo(repo),
      ref: d.sha,
      environment: d.environment,
      description: d.description.slice(0, 140),
      payload: d.payload,
      auto_merge: false,
      required_contexts: [],
      task: 'deploy',
      production_environment: d.production,
      transient_environment: false,
      ...LOW,
    });
    // 201 with the deployment, or 202 with only a message (no deployment was created)
    const id = 'id' in res.data ? res.data.id : undefined;
    if (!id) throw new ShipgateError('github_error', `GitHub did not create the deployment: ${('message' in res.data ? res.data.message : undefined) ?? 'no id'}`);
    return id;
  }

  async setStatus(repo: string, id: number, s: { state: DeploymentState; logUrl?: string; description: string }): Promise<void> {
    await this.gh.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      ...splitRepo(repo),
      deployment_id: id,
      state: s.state,
      description: s.description.slice(0, 140),
      ...(s.logUrl ? { log_url: s.logUrl } : {}),
      auto_inactive: true,
      ...LOW,
    });
  }

  async findDeployment(repo: string, q: { sha: string; environment: string; promotionId: string }): Promise<number | undefined> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/deployments', { ...splitRepo(repo), sha: q.sha, environment: q.environment, per_page: 100 });
    const mine = res.data.find((d) => typeof d.payload === 'object' && d.payload !== null && d.payload.shipgate === q.promotionId);
    return mine?.id;
  }

  async statuses(repo: string, id: number): Promise<Array<{ state: string; description: string }>> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { ...splitRepo(repo), deployment_id: id, per_page: 100 });
    return res.data.map((x) => ({ state: x.state, description: x.description ?? '' }));
  }
}
