import type { DbtNodeResult } from '../../domain/databricks-evidence';

/** dbt's run_results.json, read and validated. */
export interface DbtRunResultsFile {
  results: DbtNodeResult[];
  invocationId?: string;
  elapsedSeconds?: number;
}

/** Reads dbt's run_results.json from a Unity Catalog volume path (throws with the reason when missing or unreadable). */
export interface DbtRunResults {
  read(path: string): Promise<DbtRunResultsFile>;
}
