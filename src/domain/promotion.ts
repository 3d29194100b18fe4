import { ShipgateError } from '../shared/shipgate-error';
import type { GateResult } from './gates/gate-result';
import { emptyEvidence, type Evidence } from './evidence';
import type { DatabricksStepOutputs } from './databricks-evidence';
import { stored, text, type Mrkdwn, type MrkdwnText } from '../shared/mrkdwn';
import type { Attestation } from './checklist';
import type { PlanReview } from './plan-review-state';

export type PromotionState =
  | 'requested' // created; gates being evaluated
  | 'blocked' // a gate blocks; nothing will happen unless overridden or re-requested
  | 'awaiting_approval'
  | 'approved'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'failed_verification' // deployed, but the environment's `verify` workflow did not pass
  | 'rejected'
  | 'cancelled'
  | 'expired';

export const TERMINAL_STATES: readonly PromotionState[] = ['succeeded', 'failed', 'failed_verification', 'rejected', 'cancelled', 'expired', 'blocked'];

export type PromotionEvent =
  | { type: 'gates_passed' }
  | { type: 'gates_blocked'; reason: string | Mrkdwn }
  | { type: 'approved' }
  | { type: 'override_requested'; override: EmergencyOverride }
  | { type: 'queued'; until: string }
  | { type: 'rejected'; by: string; reason: string }
  | { type: 'cancelled'; by: string; reason?: string | Mrkdwn }
  | { type: 'expired' }
  | { type: 'started' }
  | { type: 'succeeded' }
  | { type: 'failed'; reason: string | Mrkdwn }
  | { type: 'verification_failed'; reason: string | Mrkdwn }
  | { type: 'plan_failed'; reason: string | Mrkdwn };

export interface Approval {
  userId: string;
  at: string;
  /** The approval rules this click counted for (environments with `approvals` rules). */
  rules?: string[];
  /** With `plan:` — the digest of the plan the approver saw (an approval counts only for that plan). */
  planDigest?: string;
}

/** An emergency override of a freeze (SPEC §2): needs an emergency approver besides the normal approvals. */
export interface EmergencyOverride {
  requestedBy: string;
  at: string;
  justification: string;
  rollbackPlan?: string;
  onCall?: string;
  /** The freeze windows overridden, as shown when it was requested. */
  windows: Array<{ rule: string; start: string; end: string }>;
  approvedBy?: { userId: string; at: string };
}

export interface StepRecord<O extends object = Record<string, unknown>> {
  name: string;
  /**
   * started: a side effect was claimed and may be in flight; uncertain: the attempt ended
   * without knowing whether it was applied (a 502, a timeout): look before acting again.
   */
  status: 'started' | 'uncertain' | 'done' | 'failed';
  startedAt: string;
  finishedAt?: string;
  output?: O;
  error?: string;
  /** The delivery attempt (job token) that claimed it. */
  owner?: string;
}

/**
 * Output recorded by each named step (what a resumed execution reads back). A terminal step
 * whose work failed is recorded done with the `error` (the outcome is not affected).
 */
export interface StepOutputs extends DatabricksStepOutputs {
  start_note: Record<string, never>;
  rollback_commit: { sha: string; base: string; tree: string };
  rollback_branch: { branch: string };
  pull_request: { number: number; url: string };
  merge: { sha: string };
  dispatch: { runId?: number; workflow: string; ref: string; inputs: Record<string, string> };
  find_run: { runId: number; workflow: string };
  follow_run: { status: string; conclusion: string | null };
  collect: Record<string, never>;
  start: { error?: string };
  finish: { outcome: 'succeeded' | 'failed'; reason?: string };
  finish_note: { error?: string };
  summary: { error?: string };
  evidence_pack: { error?: string };
  finalize: { error?: string };
  /** The GitHub Deployment mirror. */
  deployment: { id: number };
  deployment_status: { state: string };
  /** Where earlier versions recorded the deploy run. */
  deploy_run: { runId?: number };
  /** The `verify` workflow (see app/execution/verify-steps). */
  verify_dispatch: { runId?: number; workflow: string; ref: string; inputs: Record<string, string> };
  verify_run: { runId: number; workflow: string };
  verify_follow: { status: string; conclusion: string | null; error?: string };
  /** After a failed verification: the Roll back button or the rollback shipgate started. */
  verify_failure: { rollbackId?: string; error?: string };
  /** `promote: auto|request` of the next stage: the promotion opened there. */
  next_stage: { env?: string; promotionId?: string; error?: string };
}

export type RecordedStep = keyof StepOutputs;

/** The steps of an execution by name: the named steps typed by their output, other keys free-form. */
export type PromotionSteps = { [S in RecordedStep]?: StepRecord<StepOutputs[S]> } & { [name: string]: StepRecord };

/** The step engine's own bookkeeping. */
export interface ExecutionState {
  /** A permanent failure while running (markup, stored form): the chain goes on to `finish` as failed. */
  failure?: MrkdwnText;
  /** Terminal work (history, work note, summary, evidence pack) is complete. */
  finalized?: boolean;
  /** The GitHub Deployment mirror is complete (its own low-priority job). */
  mirrored?: boolean;
}

export interface Promotion {
  /** Opaque id, e.g. `p-20261121-7k3m9q`; safe as a BullMQ jobId (no ':' and not all digits). */
  id: string;
  kind: 'promotion' | 'rollback';
  service: string;
  repo: string;
  from: string;
  env: string;
  /** What the requester asked for (`ref=`), or undefined for "what runs in `from`". */
  ref?: string;
  /** Resolved immutable commit SHA of the candidate. */
  sha?: string;
  cr?: string;
  reason?: string;
  /** `force=true`: the requester means to redeploy the SHA that already runs in `env`. */
  force?: boolean;
  /** `hotfix=INC…`: the incident this promotion fixes (the environment's `hotfix` overrides apply while it is open). */
  hotfix?: string;
  requester: { id: string; name?: string; tz?: string };
  channel: string;
  /** ts of the one approval message that is updated in place. */
  messageTs?: string;
  state: PromotionState;
  /** Why it is in its state, as Slack mrkdwn (a plain-string event reason is stored escaped). */
  stateReason?: MrkdwnText;
  createdAt: string;
  updatedAt: string;
  expiresAt?: string;
  requiredApprovals: number;
  approvals: Approval[];
  /** The environment's checklist as the requester attested it before the request existed. */
  attestation?: Attestation;
  rejection?: { by: string; reason: string; at: string };
  override?: EmergencyOverride;
  /** `plan:` — the plan made for this candidate before approval (domain/plan-review-state). */
  planReview?: PlanReview;
  /** For a rollback: what runs now and what is put back. */
  rollback?: {
    currentSha: string;
    currentPromotionId: string;
    targetPromotionId: string;
    commitsRemoved?: Array<{ sha: string; message: string; author: string }>;
  };
  /** Queued for the next freeze window: earliest instant it may execute (ISO). */
  scheduledFor?: string;
  /** Started by shipgate itself (a trigger, or `promote: auto|request` after the previous stage), on behalf of the candidate's author. */
  origin?: PromotionOrigin;
  cancellation?: { by: string; reason?: string; at: string };
  /** Gate results of the last evaluation (request time, then again right before execution). */
  gates: GateResult[];
  gatesEvaluatedAt?: string;
  steps: PromotionSteps;
  evidence: Evidence;
  exec?: ExecutionState;
  /** What the thread is owed (see domain/outbox). */
  outbox?: OutboxItem[];
  /** Fingerprint of what the approval message last showed. */
  chat?: { shown?: string };
  /** Monotonic version for optimistic concurrency. */
  version: number;
}

/** Why shipgate opened a promotion itself (see domain/lifecycle). */
export interface PromotionOrigin {
  /** `trigger`: a push / workflow_run webhook; `stage`: the previous stage succeeded; `verify`: a failed verification's rollback. */
  via: 'trigger' | 'stage' | 'verify';
  /** The environment's `promote` mode it was opened under. */
  mode: 'auto' | 'request';
  /** The promotion whose success (or failed verification) opened it. */
  sourcePromotionId?: string;
  /** The webhook: event, delivery id, branch or workflow file. */
  event?: { name: 'push' | 'workflow_run'; delivery: string; ref?: string; workflow?: string; runUrl?: string };
  /** The candidate's author (separation of duties applies to them). */
  author?: { name?: string; email?: string; login?: string; slackId?: string };
}

/** What a new promotion (or rollback) is made of; everything else starts empty. */
export interface NewPromotion {
  id: string;
  kind: Promotion['kind'];
  service: string;
  repo: string;
  from: string;
  env: string;
  ref?: string;
  /** Known up front for a rollback (its target); a promotion's candidate is resolved by the gates. */
  sha?: string;
  cr?: string;
  reason?: string;
  force?: boolean;
  hotfix?: string;
  requester: Promotion['requester'];
  channel: string;
  requiredApprovals: number;
  /** When it is requested (createdAt = updatedAt). */
  at: Date;
  /** How long approval may take (`approvalTimeout`), if limited. */
  approvalTimeoutMs?: number;
  rollback?: Promotion['rollback'];
  attestation?: Attestation;
  origin?: PromotionOrigin;
}

/** A promotion as requested: state `requested`, no approvals, gates or steps yet, version 0. */
export function newPromotion(n: NewPromotion): Promotion {
  const at = n.at.toISOString();
  return {
    id: n.id,
    kind: n.kind,
    service: n.service,
    repo: n.repo,
    from: n.from,
    env: n.env,
    ...(n.ref ? { ref: n.ref } : {}),
    ...(n.sha ? { sha: n.sha } : {}),
    ...(n.cr ? { cr: n.cr } : {}),
    ...(n.reason ? { reason: n.reason } : {}),
    ...(n.force ? { force: true } : {}),
    ...(n.hotfix ? { hotfix: n.hotfix } : {}),
    requester: n.requester,
    channel: n.channel,
    state: 'requested',
    createdAt: at,
    updatedAt: at,
    ...(n.approvalTimeoutMs ? { expiresAt: new Date(n.at.getTime() + n.approvalTimeoutMs).toISOString() } : {}),
    requiredApprovals: n.requiredApprovals,
    approvals: [],
    gates: [],
    steps: {},
    evidence: { ...emptyEvidence(), ...(n.sha ? { sha: n.sha } : {}) },
    ...(n.rollback ? { rollback: n.rollback } : {}),
    ...(n.attestation ? { attestation: n.attestation } : {}),
    ...(n.origin ? { origin: n.origin } : {}),
    version: 0,
  };
}

type Transition = { from: readonly PromotionState[]; to: PromotionState };

const TRANSITIONS: Record<PromotionEvent['type'], Transition> = {
  gates_passed: { from: ['requested'], to: 'awaiting_approval' },
  gates_blocked: { from: ['requested'], to: 'blocked' },
  approved: { from: ['awaiting_approval'], to: 'approved' },
  override_requested: { from: ['blocked'], to: 'awaiting_approval' },
  queued: { from: ['blocked'], to: 'awaiting_approval' },
  rejected: { from: ['requested', 'awaiting_approval'], to: 'rejected' },
  cancelled: { from: ['requested', 'awaiting_approval', 'approved', 'blocked'], to: 'cancelled' },
  expired: { from: ['awaiting_approval'], to: 'expired' },
  started: { from: ['approved'], to: 'running' },
  succeeded: { from: ['running'], to: 'succeeded' },
  failed: { from: ['approved', 'running'], to: 'failed' },
  verification_failed: { from: ['running'], to: 'failed_verification' },
  plan_failed: { from: ['awaiting_approval'], to: 'blocked' },
};

export function canTransition(state: PromotionState, event: PromotionEvent['type']): boolean {
  return TRANSITIONS[event].from.includes(state);
}

/** Pure state machine: returns the next promotion or throws `invalid_state`. */
export function transition(p: Promotion, event: PromotionEvent, at: Date): Promotion {
  const t = TRANSITIONS[event.type];
  if (!t.from.includes(p.state)) {
    throw new ShipgateError('invalid_state', `Promotion ${p.id} is ${p.state.replace('_', ' ')}; it cannot be ${describeEvent(event.type)} now.`, {
      state: p.state,
      event: event.type,
    });
  }
  const iso = at.toISOString();
  const next: Promotion = { ...p, state: t.to, updatedAt: iso };
  switch (event.type) {
    case 'gates_blocked':
      next.stateReason = stored(text(event.reason));
      break;
    case 'override_requested':
      next.override = event.override;
      delete next.stateReason;
      break;
    case 'queued':
      next.scheduledFor = event.until;
      delete next.stateReason;
      break;
    case 'rejected':
      next.rejection = { by: event.by, reason: event.reason, at: iso };
      next.stateReason = stored(text(event.reason));
      break;
    case 'cancelled':
      next.cancellation = { by: event.by, ...(event.reason ? { reason: typeof event.reason === 'string' ? event.reason : event.reason.text } : {}), at: iso };
      if (event.reason) next.stateReason = stored(text(event.reason));
      else delete next.stateReason;
      break;
    case 'failed':
    case 'verification_failed':
    case 'plan_failed':
      next.stateReason = stored(text(event.reason));
      break;
    case 'expired':
      next.stateReason = stored(text('approval timed out'));
      break;
    default:
      break;
  }
  return next;
}

function describeEvent(e: PromotionEvent['type']): string {
  return (
    {
      gates_passed: 'sent for approval',
      gates_blocked: 'blocked',
      approved: 'approved',
      override_requested: 'overridden',
      queued: 'queued for the next window',
      rejected: 'rejected',
      cancelled: 'cancelled',
      expired: 'expired',
      started: 'started',
      succeeded: 'marked succeeded',
      failed: 'marked failed',
      verification_failed: 'marked failed verification',
      plan_failed: 'blocked by its plan',
    } as const
  )[e];
}

/**
 * The commit a promotion puts into its environment: the merge commit for a branch promotion
 * (or a branch rollback's restoring commit), the approved SHA itself for a dispatched deploy.
 */
export function deployedSha(p: Pick<Promotion, 'sha' | 'evidence'>): string | undefined {
  return p.evidence.mergeSha ?? p.sha;
}

export function isTerminal(state: PromotionState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** One message the thread is owed (see domain/outbox: appended in the same update as the change, delivered once, in order). */
export interface OutboxItem {
  /** Unique per promotion: appending an existing key is a no-op (a step resumed twice says it once). */
  key: string;
  kind: 'thread' | 'evidence';
  /** The markup to post (`thread`) or the upload's comment (`evidence`), in stored form. */
  text: MrkdwnText;
  /** Who asked for an evidence pack (`/promote evidence`). */
  by?: string;
  at: string;
  /** pending → sending (claimed by a delivery attempt) → sent. */
  state: 'pending' | 'sending' | 'sent';
  /** When the current delivery attempt claimed it (a crashed attempt is looked up, not re-sent blindly). */
  claimedAt?: string;
  /** The delivery attempt (job token) that claimed it. */
  owner?: string;
  /** An attempt failed after it may have reached Slack: look before sending again. */
  uncertain?: boolean;
  /** Slack ts of the delivered message. */
  ts?: string;
  /** Failed delivery attempts so far. */
  attempts?: number;
  /** Slack refused it for good (e.g. the channel is gone): given up, logged. */
  error?: string;
}
