export interface PendingDeployment {
  environmentId: number;
  environment: string;
  canApprove: boolean;
}

/** GitHub Environment protection: reviews of runs waiting on an environment. */
export interface EnvironmentReviews {
  pending(repo: string, runId: number): Promise<PendingDeployment[]>;
  review(repo: string, runId: number, environmentIds: number[], state: 'approved' | 'rejected', comment: string): Promise<void>;
}
