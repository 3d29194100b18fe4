/** A completed successful workflow run (a `cycles` gate cycle). */
export interface CycleRun {
  id: number;
  runNumber?: number;
  htmlUrl: string;
  headSha: string;
  /** ISO instant the run was created. */
  createdAt: string;
}

/** GitHub Actions, read-only, for the `cycles` gate. */
export interface CycleRuns {
  /** Runs of `workflow` on `sha` that completed with conclusion success, created at or after `since` (newest first). */
  successfulRuns(repo: string, workflow: string, sha: string, since: Date): Promise<CycleRun[]>;
}
