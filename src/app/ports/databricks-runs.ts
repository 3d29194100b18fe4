export interface DatabricksRunInfo {
  runId: string;
  state: string; // e.g. TERMINATED/SUCCESS
  url?: string;
}

/** Databricks Jobs API `runs/get`, to enrich run IDs found in deploy logs. */
export interface DatabricksRuns {
  describe(runId: string): Promise<DatabricksRunInfo>;
}
