/** Reason codes of the `plan` gate (SPEC §9 `plan:`) and their details (stored with the promotion). */

export interface PlanRunDetails {
  /** 1 for the first plan, one more per re-plan. */
  attempt: number;
  runId?: number;
  runUrl?: string;
}

export interface PlanReadyDetails extends PlanRunDetails {
  runId: number;
  runUrl: string;
  artifactId: number;
  /** `sha256:<hex>` of the artifact zip as downloaded. */
  digest: string;
  summary: string;
  lines: number;
}

export interface PlanGateDetails {
  plan_running: PlanRunDetails;
  plan_ready: PlanReadyDetails;
  plan_failed: PlanRunDetails & { reason: string };
  /** Right before execution: an approval was given for another plan (or none is ready). */
  plan_not_approved: PlanRunDetails & { digest?: string; stale: number };
}
