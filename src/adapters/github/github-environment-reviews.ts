import type { EnvironmentReviews, PendingDeployment } from '../../app/ports/environment-reviews';
import { githubFailure } from './github-failure';
import type { GitHubClient } from './github-client';
import { splitRepo } from './split-repo';

/**
 * GitHub Environment protection: the deployments of a run waiting on a required reviewer,
 * the review shipgate gives them, and the reviews already given (the look before reviewing again).
 *
 *   GET  /repos/{o}/{r}/actions/runs/{id}/pending_deployments
 *   POST /repos/{o}/{r}/actions/runs/{id}/pending_deployments   (approve or reject)
 *   GET  /repos/{o}/{r}/actions/runs/{id}/approvals
 */
export class GitHubEnvironmentReviews implements EnvironmentReviews {
  constructor(private readonly gh: GitHubClient) {}

  async pending(repo: string, runId: number): Promise<PendingDeployment[]> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', { ...splitRepo(repo), run_id: runId });
    return res.data.map((d) => ({ environmentId: d.environment.id ?? 0, environment: d.environment.name ?? '', canApprove: d.current_user_can_approve }));
  }

  async review(repo: string, runId: number, environmentIds: number[], state: 'approved' | 'rejected', comment: string): Promise<void> {
    try {
      await this.gh.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', { ...splitRepo(repo), run_id: runId, environment_ids: environmentIds, state, comment });
    } catch (e) {
      throw githubFailure(e, `${state === 'approved' ? 'approving' : 'rejecting'} the environment review of run ${runId}`);
    }
  }

  async reviewsOf(repo: string, runId: number): Promise<Array<{ environmentIds: number[]; state: string; comment: string }>> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals', { ...splitRepo(repo), run_id: runId });
    return res.data.map((a) => ({ environmentIds: a.environments.map((e) => e.id ?? 0), state: a.state, comment: a.comment }));
  }
}
