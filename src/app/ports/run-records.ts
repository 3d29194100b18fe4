import type { WorkflowRun } from './workflow-runs';

/**
 * What shipgate knows of workflow runs without asking GitHub again: the latest state a
 * webhook delivered, and which promotion a run belongs to (a run is never adopted twice).
 */
export interface RunRecords {
  /** Keeps a run's state from a webhook (only when newer than what is kept). */
  remember(repo: string, run: WorkflowRun): Promise<void>;
  recall(repo: string, runId: number): Promise<WorkflowRun | undefined>;
  /** Claims a run for a promotion; false when another promotion owns it. */
  claim(repo: string, runId: number, promotionId: string): Promise<boolean>;
  /** Of these runs, the ones another promotion owns. */
  ownedByOthers(repo: string, runIds: readonly number[], promotionId: string): Promise<Set<number>>;
}
