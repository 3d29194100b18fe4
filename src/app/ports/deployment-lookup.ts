/** A successful deployment of a commit to an environment, as recorded on GitHub (Deployments API). */
export interface SuccessfulDeployment {
  id: number;
  sha: string;
  environment: string;
  /** When the deployment reached `success` (the success status's created_at, ISO). */
  at: string;
  /** Log / run link of the successful status, when GitHub has one. */
  url?: string;
}

/**
 * GitHub Deployments, read-only: the soak gate's fallback when shipgate's own history has
 * no deployment of the candidate in the source environment (e.g. it was deployed by CI).
 */
export interface DeploymentLookup {
  /** The most recent deployment of `sha` to `environment` that succeeded, or undefined. */
  lastSuccessful(repo: string, environment: string, sha: string): Promise<SuccessfulDeployment | undefined>;
}
