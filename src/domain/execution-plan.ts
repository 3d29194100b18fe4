import type { Promotion, RecordedStep, StepOutputs, StepRecord } from './promotion';

export type { RecordedStep, StepOutputs };

/**
 * The steps of an execution, in order. Each is short, records what it did before the next
 * starts, and never waits in place: a step that must wait for something outside (a run in
 * progress, pending checks, a review, a freeze window) ends its job and is looked at again
 * later (a delayed job, or earlier when a webhook wakes it).
 */
export type ExecStep =
  | 'start' // re-check every gate, approved → running (or wait for a window / a change approval)
  | 'start_note' // ServiceNow work note before the first side effect
  | 'rollback_commit' // branch rollback: a commit with the target's tree on top of the branch head
  | 'rollback_branch' // …on its own branch (no force-push)
  | 'pull_request' // branch strategy: open (or reuse) the PR source → target
  | 'merge' // branch strategy: wait for required checks, merge with the approved SHA as precondition
  | 'dispatch' // workflow strategy: workflow_dispatch with the approved SHA
  | 'find_run' // the run a dispatch or a merge started
  | 'follow_run' // until the run completes; answers GitHub Environment reviews on the way
  | 'collect' // jobs, log patterns (Databricks run IDs) as evidence
  | 'dbx_run' // databricks strategy: run-now of the environment's job (idempotency token = promotion id)
  | 'dbx_follow' // …runs/get until the run is terminal (delayed looks)
  | 'dbx_collect' // …each task's result and dbt's run_results.json as evidence
  | 'verify_dispatch' // `verify`: dispatch the environment's verify workflow after a successful deploy
  | 'verify_run' // the run that dispatch created
  | 'verify_follow' // until the verify run completes
  | 'finish' // running → succeeded | failed | failed_verification, and what now runs in the environment
  | 'finish_note' // ServiceNow work note (and closeOnSuccess)
  | 'summary' // the thread's closing message
  | 'evidence_pack' // at the last environment of the pipeline
  | 'verify_failure' // failed_verification: the Roll back button, or the rollback itself; announce.channel is told
  | 'next_stage' // succeeded: `promote: auto|request` of the next stage opens its promotion (once)
  | 'finalize'; // the chain is complete

export interface ExecContext {
  strategy: 'workflow' | 'branch' | 'databricks';
  /** Branch strategy: a deploy workflow follows the merge in this environment. */
  deployWorkflow: boolean;
  /** The promotion's environment is the last of its pipeline (evidence pack). */
  lastEnvironment: boolean;
  /** The environment has a `verify` workflow (run after a successful deploy of a promotion). */
  verify?: boolean;
  /** The next stage of the pipeline when its `promote` is auto or request. */
  nextStage?: string;
}

export function stepDone(p: Promotion, step: string): boolean {
  return p.steps[step]?.status === 'done';
}

/** The output a finished step recorded (typed by step). */
export function outputOf<S extends RecordedStep>(p: Promotion, step: S): StepOutputs[S] | undefined {
  const named: { [K in RecordedStep]?: StepRecord<StepOutputs[K]> } = p.steps;
  const r = named[step];
  return r?.status === 'done' ? r.output : undefined;
}

/** The run the promotion follows, once known. */
export function followedRunId(p: Promotion): number | undefined {
  return outputOf(p, 'find_run')?.runId ?? outputOf(p, 'dispatch')?.runId ?? p.steps.deploy_run?.output?.runId;
}

/** Did execution begin (so terminal work applies)? A promotion that failed its re-check before starting has no history to write. */
export function executionBegan(p: Promotion): boolean {
  return Boolean(p.evidence.startedAt);
}

/** What the execution of `p` should do next; undefined when there is nothing to do. */
export function nextStep(p: Promotion, c: ExecContext): ExecStep | undefined {
  if (p.exec?.finalized) return undefined;
  if (p.state === 'approved') return 'start';
  if (p.state === 'running') return runningStep(p, c);
  if (endedState(p)) {
    if (!executionBegan(p)) return 'finalize';
    for (const s of ['finish_note', 'summary'] as const) if (!stepDone(p, s)) return s;
    if (p.state === 'failed_verification' && !stepDone(p, 'verify_failure')) return 'verify_failure';
    if (p.state === 'succeeded' && c.nextStage && !stepDone(p, 'next_stage')) return 'next_stage';
    if (c.lastEnvironment && !stepDone(p, 'evidence_pack')) return 'evidence_pack';
    return 'finalize';
  }
  return undefined;
}

function runningStep(p: Promotion, c: ExecContext): ExecStep {
  if (p.exec?.failure) return 'finish';
  if (!stepDone(p, 'start_note')) return 'start_note';
  if (c.strategy === 'databricks') {
    for (const s of ['dbx_run', 'dbx_follow', 'dbx_collect'] as const) if (!stepDone(p, s)) return s;
    return verifyStep(p, c, p.evidence.databricks?.resultState === 'SUCCESS') ?? 'finish';
  }
  if (c.strategy === 'workflow') {
    if (!stepDone(p, 'dispatch')) return 'dispatch';
    if (followedRunId(p) === undefined) return 'find_run';
  } else {
    if (p.kind === 'rollback' && !stepDone(p, 'rollback_commit')) return 'rollback_commit';
    if (p.kind === 'rollback' && !stepDone(p, 'rollback_branch')) return 'rollback_branch';
    if (!stepDone(p, 'pull_request')) return 'pull_request';
    if (!stepDone(p, 'merge')) return 'merge';
    if (!c.deployWorkflow) return 'finish';
    if (followedRunId(p) === undefined) return 'find_run';
  }
  if (!stepDone(p, 'follow_run')) return 'follow_run';
  if (!stepDone(p, 'collect')) return 'collect';
  return verifyStep(p, c, deployRunSucceeded(p)) ?? 'finish';
}

/** `verify`: after a successful deploy (a run, or a Databricks job run) the verify workflow, to its end. */
function verifyStep(p: Promotion, c: ExecContext, deployed: boolean): ExecStep | undefined {
  if (!c.verify || p.kind !== 'promotion' || !deployed || stepDone(p, 'verify_follow')) return undefined;
  if (!stepDone(p, 'verify_dispatch')) return 'verify_dispatch';
  if (verifyRunId(p) === undefined) return 'verify_run';
  return 'verify_follow';
}

/** The deploy run the promotion followed concluded success. */
export function deployRunSucceeded(p: Promotion): boolean {
  const id = followedRunId(p);
  return id !== undefined && p.evidence.runs.find((r) => r.id === id)?.conclusion === 'success';
}

/** The verify run, once known. */
export function verifyRunId(p: Promotion): number | undefined {
  return outputOf(p, 'verify_run')?.runId ?? outputOf(p, 'verify_dispatch')?.runId;
}

/** Is there execution work for `p` (the sweeper re-enqueues such promotions when no job is alive)? */
export function needsExecution(p: Promotion, c: ExecContext): boolean {
  return nextStep(p, c) !== undefined;
}

/**
 * Does `p` have execution work left, without knowing its configuration (the repository keeps
 * the list of such promotions in the same atomic update as the state)? Approved or running,
 * or ended with terminal work (or the Deployment mirror) not yet complete.
 */
export function isExecutionActive(p: Promotion): boolean {
  // a request whose gate evaluation was lost is in the list too (the sweeper re-enqueues it)
  if (p.state === 'requested' || p.state === 'approved' || p.state === 'running') return true;
  return endedState(p) && p.exec !== undefined && (!p.exec.finalized || needsMirror(p));
}

/** An executed promotion is mirrored as a GitHub Deployment once it ended. */
export function needsMirror(p: Promotion): boolean {
  return endedState(p) && executionBegan(p) && !p.exec?.mirrored;
}

/** Ended after execution could begin: succeeded, failed, or deployed and failed its verification. */
export function endedState(p: Pick<Promotion, 'state'>): boolean {
  return p.state === 'succeeded' || p.state === 'failed' || p.state === 'failed_verification';
}
