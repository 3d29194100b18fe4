import type { DatabricksJobGateDetails } from './databricks-job-details';
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
  /** Every environment of the pipeline, stage by stage. */
  pipeline: string[];
}

/** A member of a parallel stage and the build it runs now (undefined: none succeeded there). */
export interface StageMember {
  env: string;
  sha?: string;
  /** Where that came from: a promotion id, or a GitHub deployment (`#12`). */
  reference?: string;
}

/** The parallel stage before the target and what each member runs. */
export interface StageDetails extends PathDetails {
  stage: string[];
  candidate?: string;
  members: StageMember[];
  /** Members that do not run the candidate. */
  missing: string[];
}

export interface PathGateDetails {
  /** StageDetails when the source is a parallel stage. */
  path_ok: PathDetails | StageDetails;
  unknown_target: PathDetails;
  unknown_source: PathDetails;
  no_source: PathDetails;
  not_forward: PathDetails;
  skips_environment: PathDetails & { skipped: string[] };
  /** Sideways inside a parallel stage (perf → security). */
  same_stage: PathDetails & { stage: string[] };
  /** The stage after a parallel stage: the candidate has not succeeded in every member. */
  stage_incomplete: StageDetails;
  /** A trigger (push / workflow_run) started this promotion into the first stage. */
  triggered: PathDetails & { event: string };
  /** The source environment has a `verify` workflow the candidate has not passed there. */
  source_not_verified: PathDetails & { source: string; sha: string; verification?: 'failed' };
}

// approval

/** One approval rule's progress (environments with `approvals` rules). */
export interface ApprovalRuleDetails {
  name: string;
  needed: number;
  have: number;
  /** Who satisfied it, in click order. */
  by: string[];
}

export interface ApprovalDetails {
  needed: number;
  have: number;
  /** Only with an emergency override. */
  emergencyApproved?: boolean;
  /** Only with `approvals` rules: how they combine and each rule's progress. */
  mode?: 'all' | 'any';
  rules?: ApprovalRuleDetails[];
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

// cycles

export interface CyclesBaseDetails {
  sha: string;
  from: string;
  /** Workflow file, e.g. "surveillance-pipeline.yml". */
  workflow: string;
  /** Successful runs needed. */
  count: number;
}

export interface CyclesRunDetails {
  id: number;
  runNumber?: number;
  url: string;
  /** ISO instant the run was created. */
  createdAt: string;
}

export interface CyclesCountedDetails extends CyclesBaseDetails {
  /** When the candidate was deployed in the source environment (runs count from then on). */
  deployedAt: string;
  source: 'shipgate' | 'github';
  reference?: string;
  /** Successful runs counted (may exceed `count`). */
  have: number;
  runs: CyclesRunDetails[];
  /** Estimated start of the next run (only while pending and an estimate exists). */
  nextExpectedAt?: string;
}

export interface CyclesGateDetails {
  cycles_ok: CyclesCountedDetails;
  cycles_pending: CyclesCountedDetails;
  cycles_never_deployed: CyclesBaseDetails;
  cycles_not_for_rollback: { workflow: string; count: number };
  cycles_no_candidate: { workflow: string; count: number };
  cycles_unavailable: CyclesBaseDetails & { error: string };
}

// metrics

/** What one metric query came to (see metrics-gate.ts). */
export type MetricOutcome = 'within' | 'over_max' | 'under_min' | 'empty' | 'not_a_number' | 'ambiguous' | 'unsupported_result' | 'query_failed';

export interface MetricCheckDetails {
  name: string;
  query: string;
  max?: number;
  min?: number;
  outcome: MetricOutcome;
  /** The value compared (within / over_max / under_min). */
  value?: number;
  /** Labels of the one series (vector results). */
  labels?: Record<string, string>;
  /** Series returned (ambiguous). */
  series?: number;
  /** Why it could not be read (query_failed, unsupported_result). */
  error?: string;
}

export interface MetricsDetails {
  metrics: MetricCheckDetails[];
}

export interface MetricsGateDetails {
  metrics_ok: MetricsDetails;
  metrics_out_of_bounds: MetricsDetails;
  metrics_unavailable: MetricsDetails;
  /** `metrics` configured but PROMETHEUS_URL not set. */
  metrics_not_configured: { names: string[] };
  metrics_not_for_rollback: { names: string[] };
}

// hotfix

export interface HotfixDetails {
  incident: string;
  url?: string;
  state?: string;
  priority?: number;
}

export interface HotfixAppliedDetails extends HotfixDetails {
  /** What was overridden: key → { normal, hotfix } as configured (e.g. soak 24h → 1h). */
  overrides: Record<string, { normal?: string; hotfix: string }>;
}

/** `hotfix=INC…`: applied (pass) or not applied and why (warn: the normal gates apply). */
export interface HotfixGateDetails {
  hotfix_applied: HotfixAppliedDetails;
  hotfix_incident_not_open: HotfixDetails;
  hotfix_incident_not_found: HotfixDetails;
  hotfix_wrong_service: HotfixDetails & { ci: string; incidentCi?: string };
  hotfix_no_ci: HotfixDetails;
  hotfix_unavailable: HotfixDetails & { error: string };
  hotfix_not_configured: HotfixDetails;
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
  cycles: CyclesGateDetails & { check_failed: CheckFailedDetails };
  metrics: MetricsGateDetails & { check_failed: CheckFailedDetails };
  hotfix: HotfixGateDetails & { check_failed: CheckFailedDetails };
  databricksJob: DatabricksJobGateDetails & { check_failed: CheckFailedDetails };
  plan: PlanGateDetails & { check_failed: CheckFailedDetails };
}
