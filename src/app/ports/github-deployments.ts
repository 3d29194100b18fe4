export type DeploymentState = 'in_progress' | 'queued' | 'pending' | 'success' | 'failure' | 'error' | 'inactive';

/** shipgate mirrors each deploy as a GitHub Deployment so GitHub's UI shows the truth too. */
export interface GitHubDeployments {
  createDeployment(repo: string, d: { sha: string; environment: string; description: string; payload: Record<string, unknown>; production: boolean }): Promise<number>;
  setStatus(repo: string, id: number, s: { state: DeploymentState; logUrl?: string; description: string }): Promise<void>;
}
