export interface DeploymentRecord {
  service: string;
  env: string;
  sha: string;
  promotionId: string;
  kind: 'promotion' | 'rollback';
  outcome: 'succeeded' | 'failed';
  at: string;
  runUrl?: string;
  /** For a rollback: the promotion whose deployment it removed. */
  rollbackOf?: string;
}

export interface DeploymentHistory {
  record(d: DeploymentRecord): Promise<void>;
  /** Newest first. */
  list(service: string, env: string, limit?: number): Promise<DeploymentRecord[]>;
}
