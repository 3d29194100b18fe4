export type DeploymentState = 'in_progress' | 'queued' | 'pending' | 'success' | 'failure' | 'error' | 'inactive';

/** shipgate mirrors each deploy as a GitHub Deployment so GitHub's UI shows the truth too. */
export interface GitHubDeployments {
  createDeployment(repo: string, d: { sha: string; environment: string; description: string; payload: Record<string, unknown>; production: boolean }): Promise<number>;
  setStatus(repo: string, id: number, s: { state: DeploymentState; logUrl?: string; description: string }): Promise<void>;
  /** The Deployment a promotion created (its payload names the promotion): the look before creating again. */
  findDeployment(repo: string, q: { sha: string; environment: string; promotionId: string }): Promise<number | undefined>;
  /** Statuses of a Deployment, newest first: the look before setting one again. */
  statuses(repo: string, id: number): Promise<Array<{ state: string; description: string }>>;
}
