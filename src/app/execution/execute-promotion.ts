import { nextStep, type ExecContext, type ExecStep } from '../../domain/execution-plan';
import { isLastEnvironment } from '../../domain/pipeline-stages';
import { transition, type Promotion } from '../../domain/promotion';
import { findService } from '../../domain/resolve-request';
import { isTransientError } from '../../domain/transient-error';
import { isShipgateError } from '../../shared/shipgate-error';
import { mrk, stored, text } from '../../shared/mrkdwn';
import { findDeployRunStep, mergeStep, pullRequestStep, rollbackBranchStep, rollbackCommitStep } from './branch-steps';
import { databricksCollectStep, databricksFollowStep, databricksRunStep } from './databricks-steps';
import { dispatchStep, findDispatchedRunStep } from './dispatch-step';
import type { ExecDeps } from './exec-deps';
import { evidencePackStep, finalizeStep, finishNoteStep, finishStep, startNoteStep, summaryStep } from './finish-steps';
import { collectStep, followRunStep } from './run-steps';
import { startStep } from './start-step';
import { promotionLogger, StepKit } from './step-kit';
import { StepWait } from './step-wait';
import { verifyDispatchStep, verifyFindRunStep, verifyFollowStep } from './verify-steps';
import { autoNextStage, nextStageStep, verifyFailureStep } from './lifecycle-steps';

/** The next stage shipgate opens itself, when any. */
function lifecycleContext(d: ExecDeps, p: Promotion): { nextStage?: string } {
  const next = autoNextStage(d, p);
  return next ? { nextStage: next } : {};
}

/** What the job does next: nothing (the chain is complete) or look again after `waitMs` (woken earlier by `wakeOn`). */
export type Advance = { done: true } | { done: false; waitMs: number; wakeOn: readonly string[]; why: string };

/** Steps one job runs back to back before it yields (jobs stay short even when nothing waits). */
const STEPS_PER_JOB = 25;

/**
 * Executes an approved promotion as a chain of short steps (domain/execution-plan), each
 * recorded before the next. A step that must wait ends the job: the queue looks again
 * later, or when a webhook wakes it, so no worker is held while GitHub, a reviewer or a
 * freeze window is awaited. Transient failures (5xx, timeouts, Redis connection loss) are
 * thrown so the queue retries the step with backoff; what a step already did is recorded,
 * and an attempt that may have been applied is looked up before it is repeated. Permanent
 * failures fail the promotion with their reason, and the terminal work still runs.
 */
export class ExecutePromotion {
  constructor(private readonly d: ExecDeps) {}

  context(p: Promotion): ExecContext {
    const service = findService(this.d.config, p.service);
    const s = service.strategy;
    return {
      strategy: s.type,
      deployWorkflow: s.type === 'branch' && Boolean(s.deployWorkflows[p.env]),
      lastEnvironment: isLastEnvironment(service.pipeline, p.env),
      verify: Boolean(this.d.config.environments.find((e) => e.name === p.env)?.verify),
      ...lifecycleContext(this.d, p),
    };
  }

  /** Runs steps until one must wait or nothing is left. `token` identifies this delivery attempt. */
  async advance(id: string, token: string): Promise<Advance> {
    let p = await this.d.repo.get(id);
    if (!p) return { done: true };
    const k = new StepKit({ ...this.d, leaseMs: this.d.timing.leaseMs }, token, promotionLogger(this.d.logger, p));
    p = await this.noticeInterruption(k, p);
    for (let i = 0; i < STEPS_PER_JOB && p; i++) {
      const step = nextStep(p, this.context(p));
      if (!step) return { done: true };
      try {
        p = await this.run(step, k, p);
      } catch (e) {
        if (e instanceof StepWait) {
          await this.d.wakes.watch(id, e.wakeOn);
          return { done: false, waitMs: Math.max(0, e.ms), wakeOn: e.wakeOn, why: e.why };
        }
        if (isTransientError(e)) throw e;
        p = await this.failed(k, p, step, e);
      }
    }
    return p ? { done: false, waitMs: 0, wakeOn: [], why: 'yield' } : { done: true };
  }

  /** A side effect another attempt claimed and never finished (a killed worker, a lost answer): say that it resumes, once per interruption. */
  private async noticeInterruption(k: StepKit, p: Promotion): Promise<Promotion> {
    const open = Object.values(p.steps).find((s) => (s.status === 'started' || s.status === 'uncertain') && s.owner !== k.token);
    if (!open || p.state !== 'running') return p;
    k.log.warn({ step: open.name }, 'resuming an interrupted promotion');
    return k.say(p, `resume:${open.name}:${open.startedAt}`, mrk`:arrows_counterclockwise: Resuming after an interruption; completed steps are not repeated.`);
  }

  private run(step: ExecStep, k: StepKit, p: Promotion): Promise<Promotion> {
    const strategy = findService(this.d.config, p.service).strategy;
    const d = this.d;
    switch (step) {
      case 'start':
        return startStep(d, k, p);
      case 'start_note':
        return startNoteStep(d, k, p);
      case 'finish':
        return finishStep(d, k, p);
      case 'finish_note':
        return finishNoteStep(d, k, p);
      case 'summary':
        return summaryStep(d, k, p);
      case 'evidence_pack':
        return evidencePackStep(d, k, p);
      case 'finalize':
        return finalizeStep(d, k, p);
      default:
        break;
    }
    // every strategy: the verify workflow after the deploy, and the next stage
    switch (step) {
      case 'verify_dispatch':
        return verifyDispatchStep(d, k, p);
      case 'verify_run':
        return verifyFindRunStep(d, k, p);
      case 'verify_follow':
        return verifyFollowStep(d, k, p);
      case 'verify_failure':
        return verifyFailureStep(d, k, p);
      case 'next_stage':
        return nextStageStep(d, k, p);
      default:
        break;
    }
    if (strategy.type === 'databricks') {
      if (step === 'dbx_run') return databricksRunStep(d, k, p, strategy);
      if (step === 'dbx_follow') return databricksFollowStep(d, k, p);
      if (step === 'dbx_collect') return databricksCollectStep(d, k, p, strategy);
      throw new Error(`step ${step} does not apply to the databricks strategy`);
    }
    switch (step) {
      case 'follow_run':
        return followRunStep(d, k, p, strategy);
      case 'collect':
        return collectStep(d, k, p);
      default:
        break;
    }
    if (strategy.type === 'workflow') {
      if (step === 'dispatch') return dispatchStep(d, k, p, strategy);
      if (step === 'find_run') return findDispatchedRunStep(d, k, p, strategy);
    } else {
      if (step === 'rollback_commit') return rollbackCommitStep(d, k, p, strategy);
      if (step === 'rollback_branch') return rollbackBranchStep(d, k, p, strategy);
      if (step === 'pull_request') return pullRequestStep(d, k, p, strategy);
      if (step === 'merge') return mergeStep(d, k, p, strategy);
      if (step === 'find_run') return findDeployRunStep(d, k, p, strategy);
    }
    throw new Error(`step ${step} does not apply to the ${strategy.type} strategy`);
  }

  /**
   * A permanent failure: while running, it is recorded and the chain goes on to `finish` as
   * failed (then the terminal work); in terminal work, the step is recorded as done with the
   * error said in the thread (a missing work note never changes the outcome).
   */
  private async failed(k: StepKit, p: Promotion, step: ExecStep, e: unknown): Promise<Promotion> {
    const markup = isShipgateError(e) ? e.display : text(e instanceof Error ? e.message : String(e));
    const reason = markup.text;
    k.log.error({ step, err: e instanceof Error ? e : reason }, 'promotion step failed');
    if (p.state === 'running') {
      return k.update(p, (cur) => (cur.state === 'running' && !cur.exec?.failure ? { ...cur, exec: { ...cur.exec, failure: stored(markup) } } : undefined), [{ type: 'step_failed', data: { step, reason } }]);
    }
    if (p.state === 'approved') {
      // the re-check itself failed (not a gate): the promotion fails unexecuted
      return k.update(p, (cur) => (cur.state === 'approved' ? transition(cur, { type: 'failed', reason: mrk`could not start: ${markup}` }, k.now()) : undefined), [{ type: 'step_failed', data: { step, reason } }]);
    }
    return k.done(p, step, { error: reason }, (cur) => cur, [{ type: 'step_failed', data: { step, reason } }]).then((next) =>
      step === 'finalize' ? k.update(next, (cur) => ({ ...cur, exec: { ...cur.exec, finalized: true } })) : k.say(next, `${step}:failed`, mrk`:warning: ${step.replace('_', ' ')} could not be completed: ${markup} (the outcome is not affected).`),
    );
  }
}
