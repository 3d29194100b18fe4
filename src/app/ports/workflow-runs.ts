export interface WorkflowRun {
  id: number;
  name: string;
  /** GitHub's `run_number` (per workflow: `cd-prod #2`). */
  runNumber?: number;
  htmlUrl: string;
  status: string; // queued | in_progress | waiting | completed | …
  conclusion: string | null;
  headSha: string;
  event: string;
  createdAt: string;
  updatedAt?: string;
  displayTitle?: string;
  headBranch?: string;
}

export interface WorkflowJob {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  htmlUrl: string;
}

/** The GitHub calls the workflow strategy uses. */
export interface WorkflowRuns {
  /** Resolves a branch, tag or (short) SHA to a full commit SHA; throws not_found when unknown. */
  resolveCommit(repo: string, ref: string): Promise<string>;
  /** `workflow_dispatch`; returns the run id when GitHub reports it (return_run_details). */
  dispatch(repo: string, workflow: string, ref: string, inputs: Record<string, string>): Promise<{ runId?: number }>;
  /** Runs of a workflow created at or after `since` by a given event (newest first). */
  listRuns(repo: string, workflow: string, filter: { event?: string; since?: Date; headSha?: string; branch?: string }): Promise<WorkflowRun[]>;
  getRun(repo: string, runId: number): Promise<WorkflowRun>;
  listJobs(repo: string, runId: number): Promise<WorkflowJob[]>;
}
