/** The `databricksJob` gate (strategy: databricks): the environment's job, resolved. */
export interface DatabricksJobGateDetails {
  /** Given by id in `strategy.jobs`. */
  job_id: { jobId: number };
  /** Given by name and resolved through `jobs/list` to exactly one job. */
  job_resolved: { jobId: number; name: string };
  job_not_found: { name: string };
  job_ambiguous: { name: string; jobIds: number[] };
  job_not_configured: { env: string };
  databricks_not_configured: Record<string, never>;
}
