/** Plain-text log of a workflow job (for evidence patterns such as Databricks run IDs). */
export interface RunLogs {
  jobLog(repo: string, jobId: number): Promise<string>;
}
