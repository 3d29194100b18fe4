import type { MrkdwnText } from '../../shared/mrkdwn';
import type { PlanGateDetails } from './plan-gate-details';

/**
 * The reason codes of every gate, each with the shape of its `details` (what audit, metrics,
 * the card and later decisions read back). Stored as JSON inside promotions: a field here is
 * a stored field, renaming one is a data migration.
 */

/** Codes without details store `{}` (or nothing). */
export type NoDetails = Record<string, never>;

/** Any gate whose check threw (GateEvaluator): blocks, fail closed. */
export interface CheckFailedDetails {
  error: string;
  /** The failure was a 5xx, a timeout…: the execution re-check retries it for a while. */
  transient: boolean;
}

// candidate

export interface CandidateResolvedDetails {
  sha: string;
  ref?: string;
  /** How the candidate was chosen (shown in the plan), e.g. "ref=", "head of main". */
  source?: string;
}

export interface CandidateGateDetails {
  candidate_resolved: CandidateResolvedDetails;
  rollback_target: { sha: string; current: string; removed: number };
  ref_not_branch_head: { ref: string };
  /** `errorCode`: the ShipgateError code of the GitHub call (the plan tells a missing ref from GitHub being unusable). */
  candidate_not_found: { ref?: string; errorCode?: string };
}

// path

export interface PathDetails {
  pipeline: string[];
}

export interface PathGateDetails {
  path_ok: PathDetails;
  unknown_target: PathDetails;
  unknown_source: PathDetails;
  no_source: PathDetails;
  not_forward: PathDetails;
  skips_environment: PathDetails & { skipped: string[] };
}

// approval

export interface ApprovalDetails {
  needed: number;
  have: number;
  /** Only with an emergency override. */
  emergencyApproved?: boolean;
}

export interface ApprovalGateDetails {
  approved: ApprovalDetails;
  confirmed: ApprovalDetails;
  approvals_missing: ApprovalDetails;
  confirmation_needed: ApprovalDetails;
  emergency_approval_missing: ApprovalDetails;
  /** Seeded sandbox history. */
  no_approval_needed: ApprovalDetails;
}

// freeze

export interface FreezeWindowDetails {
  rule: string;
  /** ISO instants. */
  start: string;
  end: string;
  label?: string;
}

export interface FreezeDetails {
  env: string;
  /** ISO instant the calendar was asked about. */
  at: string;
  windows: FreezeWindowDetails[];
  /** ISO instant the environment opens again. */
  nextOpen: string;
  missingSources?: string[];
  unevaluated?: Array<{ rule: string; reason: string }>;
}

/**
 * A result derived from a `frozen` block keeps the block's summary (to be derived again) and
 * whatever details the block had (all of `FreezeDetails` when the block came from the freeze gate).
 */
export type DerivedFreezeDetails = Partial<FreezeDetails> & { frozenSummary: MrkdwnText };

export interface FreezeGateDetails {
  not_frozen: FreezeDetails;
  frozen: FreezeDetails;
  freeze_source_unavailable: FreezeDetails;
  frozen_rollback: DerivedFreezeDetails;
  frozen_overridden: DerivedFreezeDetails;
  queued_for_window: DerivedFreezeDetails & { scheduledFor: string };
}

// changeRecord

export type ChangeFailureCode =
  'cr_not_approved' | 'cr_wrong_state' | 'cr_on_hold' | 'cr_window_missing' | 'cr_window_future' | 'cr_window_ended' | 'cr_wrong_ci' | 'cr_wrong_type';

export interface ChangeDetails {
  change: string;
  sysId: string;
  url: string;
  state: string;
  approval: string;
  plannedStart?: string;
  plannedEnd?: string;
  failures?: Array<{ code: ChangeFailureCode; field: string; found: string; needed: string }>;
}

export type ChangeRecordGateDetails = {
  cr_ok: ChangeDetails;
  cr_awaiting_approval: ChangeDetails;
  cr_not_found: { change: string };
  cr_missing: NoDetails;
  cr_to_create: NoDetails;
  cr_not_required: NoDetails;
  cr_unavailable: { change?: string; error: string };
  /** `changeRecord: create` could not open the change. */
  cr_create_failed: NoDetails;
} & Record<ChangeFailureCode, ChangeDetails>;

// incidents

export interface IncidentsDetails {
  ci?: string;
  priorities: number[];
  incidents: Array<{ number: string; priority: number; state: string; url: string; shortDescription: string }>;
}

export interface IncidentsGateDetails {
  incidents_none: IncidentsDetails;
  incidents_open: IncidentsDetails;
  incidents_unavailable: { ci?: string; error: string };
  incidents_no_ci: { priorities: number[] };
  incidents_not_for_rollback: NoDetails;
}

// checks

export type CheckState = 'green' | 'pending' | 'failed' | 'missing';

export interface RequiredCheckOutcome {
  name: string;
  state: CheckState;
  /** Where it came from: check run, commit status, both, or none. */
  source: 'check_run' | 'status' | 'both' | 'none';
  /** What GitHub said, e.g. "failure", "in_progress", "pending", "success". */
  detail: string;
  url?: string;
}

export interface ChecksDetails {
  sha: string;
  required: string[];
  checks: RequiredCheckOutcome[];
  failing: string[];
  pending: string[];
  missing: string[];
}

export interface ChecksGateDetails {
  checks_ok: ChecksDetails;
  checks_pending: ChecksDetails;
  checks_failed: ChecksDetails;
  no_required_checks: { sha: string; required: string[] };
  checks_no_candidate: { required: string[] };
  checks_unavailable: { sha: string; required: string[]; error: string };
}

// soak

export interface SoakBaseDetails {
  sha: string;
  from: string;
  /** As configured, e.g. "24h". */
  soak: string;
  soakMs: number;
}

export interface SoakDeployedDetails extends SoakBaseDetails {
  deployedAt: string;
  readyAt: string;
  source: 'shipgate' | 'github';
  reference?: string;
}

export interface SoakGateDetails {
  soak_ok: SoakDeployedDetails;
  soak_not_reached: SoakDeployedDetails & { remainingMs: number };
  soak_never_deployed: SoakBaseDetails;
  soak_not_for_rollback: { soak: string };
  soak_invalid: { soak: string };
  soak_no_candidate: { soak: string };
  soak_unavailable: { sha: string; soak: string; error: string };
}

// redeploy

export interface RedeployDetails {
  sha: string;
  env: string;
  /** The SHA recorded as running (the merge commit of a branch promotion). */
  running: string;
  since: string;
  promotionId: string;
}

export interface RedeployGateDetails {
  already_running: RedeployDetails;
  redeploy_forced: RedeployDetails & { force: true };
}

/** Every gate's reason codes and their details; `check_failed` applies to any gate. */
export interface GateDetailMap {
  candidate: CandidateGateDetails & { check_failed: CheckFailedDetails };
  path: PathGateDetails & { check_failed: CheckFailedDetails };
  approval: ApprovalGateDetails & { check_failed: CheckFailedDetails };
  freeze: FreezeGateDetails & { check_failed: CheckFailedDetails };
  changeRecord: ChangeRecordGateDetails & { check_failed: CheckFailedDetails };
  incidents: IncidentsGateDetails & { check_failed: CheckFailedDetails };
  checks: ChecksGateDetails & { check_failed: CheckFailedDetails };
  soak: SoakGateDetails & { check_failed: CheckFailedDetails };
  redeploy: RedeployGateDetails & { check_failed: CheckFailedDetails };
  plan: PlanGateDetails & { check_failed: CheckFailedDetails };
}
