import type { DatabricksTaskEvidence } from '../../domain/databricks-evidence';

export interface DatabricksJobRef {
  jobId: number;
  name: string;
}

/** A job run as `runs/get` reports it. */
export interface DatabricksRunState {
  runId: number;
  jobId?: number;
  numberInJob?: number;
  runPageUrl?: string;
  lifeCycleState: string;
  resultState?: string;
  stateMessage?: string;
  tasks: DatabricksTaskEvidence[];
}

/**
 * Databricks Jobs API calls of the databricks strategy. Unreachable or 5xx/429 answers throw
 * a transient error (the step is retried); other refusals a permanent one with the message.
 */
export interface DatabricksJobs {
  /** Jobs whose name is exactly `name` (`jobs/list?name=`). */
  jobsNamed(name: string): Promise<DatabricksJobRef[]>;
  /** `run-now`; the same `idempotencyToken` answers the run it started and starts nothing new. */
  runNow(jobId: number, parameters: Record<string, string>, idempotencyToken: string): Promise<{ runId: number; numberInJob?: number }>;
  run(runId: number): Promise<DatabricksRunState>;
}
