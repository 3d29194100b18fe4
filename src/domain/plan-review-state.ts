/**
 * What a promotion records about its plan (SPEC §9 `plan:`): the plan workflow run made for
 * the candidate before approval, the artifact it uploaded and that artifact's digest. Stored
 * with the promotion; a re-plan replaces it (attempt + 1) and voids earlier approvals.
 */
export interface PlanReview {
  /** 1 for the first plan, one more per re-plan. */
  attempt: number;
  /**
   * dispatching: the workflow is to be (or may have been) dispatched; running: its run is
   * followed; ready: plan.md was read and the digest recorded; failed: blocked (fail closed).
   */
  status: 'dispatching' | 'running' | 'ready' | 'failed';
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
  artifactName: string;
  /** When this plan was asked for (the request passed its gates, or a re-plan). */
  requestedAt: string;
  /** Who asked for a re-plan (absent for the first plan). */
  requestedBy?: string;
  /** Set before the dispatch is sent: after a crash the run is looked for, not dispatched twice. */
  dispatchStartedAt?: string;
  runId?: number;
  runUrl?: string;
  artifactId?: number;
  /** `sha256:<hex>` of the artifact zip as downloaded: approvals bind to it. */
  digest?: string;
  /** One line for the card, e.g. "Plan: 3 to add, 1 to change, 0 to destroy". */
  summary?: string;
  lines?: number;
  /** Why it failed (plain text). */
  failure?: string;
  /** Approvals this re-plan voided (they were for the plan before it). */
  voided?: Array<{ userId: string; at: string; planDigest?: string }>;
}
