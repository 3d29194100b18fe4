import type { DeploymentEntry } from '../../domain/rollback-target';

/** One deployment shipgate performed in (service, environment). */
export interface DeploymentRecord extends DeploymentEntry {
  service: string;
  env: string;
}

export interface DeploymentHistory {
  record(d: DeploymentRecord): Promise<void>;
  /** Newest first. */
  list(service: string, env: string, limit?: number): Promise<DeploymentRecord[]>;
}
