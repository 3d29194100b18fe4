export interface PendingDeployment {
  environmentId: number;
  environment: string;
  canApprove: boolean;
}

/** GitHub Environment protection: reviews of runs waiting on an environment. */
export interface EnvironmentReviews {
  pending(repo: string, runId: number): Promise<PendingDeployment[]>;
  review(repo: string, runId: number, environmentIds: number[], state: 'approved' | 'rejected', comment: string): Promise<void>;
  /** Reviews already given on a run (the look before reviewing again). */
  reviewsOf(repo: string, runId: number): Promise<Array<{ environmentIds: number[]; state: string; comment: string }>>;
}
