import type { VerifyConfig } from '../../config/lifecycle-schema';
import { outputOf, verifyRunId } from '../../domain/execution-plan';
import { withThreadPost } from '../../domain/outbox';
import type { Promotion } from '../../domain/promotion';
import { findService } from '../../domain/resolve-request';
import { renderTemplate } from '../../domain/template';
import { isTransientError } from '../../domain/transient-error';
import { wakeKeys } from '../../domain/wake-keys';
import { link, mrk, type Mrkdwn } from '../../shared/mrkdwn';
import { ShipgateError } from '../../shared/shipgate-error';
import type { WorkflowRun } from '../ports/workflow-runs';
import { templateVars } from './dispatch-step';
import { pollDelay, type ExecDeps } from './exec-deps';
import type { StepKit } from './step-kit';
import { StepWait } from './step-wait';

/**
 * `verify`: after the deploy run succeeded, the environment's verify workflow (a smoke test)
 * is dispatched with templated inputs and followed like the deploy run: short steps, woken by
 * the run's webhooks, no worker held. Its run id, URL and conclusion are evidence. The
 * promotion succeeds only when it passes; a verify workflow that cannot be dispatched or
 * found counts as a failed verification (fail closed: the deploy did happen).
 */

/** The environment's verify workflow, if any. */
export function verifyConfigOf(d: Pick<ExecDeps, 'config'>, p: Pick<Promotion, 'env'>): VerifyConfig | undefined {
  return d.config.environments.find((e) => e.name === p.env)?.verify;
}

/** passed | failed once the verify run completed (or could not run); undefined when no verification ran. */
export function verificationOutcome(p: Promotion): 'passed' | 'failed' | undefined {
  const followed = outputOf(p, 'verify_follow');
  if (!followed) return undefined;
  return followed.conclusion === 'success' ? 'passed' : 'failed';
}

/** Why the verification failed, for the state reason and the thread. */
export function verificationFailure(p: Promotion): Mrkdwn {
  const v = p.evidence.verification;
  const error = p.steps.verify_follow?.output?.error;
  if (typeof error === 'string') return mrk`verify workflow could not run: ${error}`;
  return v ? mrk`verify run ${link(v.url, v.name ?? v.workflow)} concluded ${v.conclusion ?? v.status}` : mrk`verify workflow did not pass`;
}

function verifyRef(d: ExecDeps, p: Promotion, v: VerifyConfig): string {
  if (v.ref) return v.ref;
  const s = findService(d.config, p.service).strategy;
  return s.type === 'branch' ? (s.branches[p.env] ?? 'main') : s.ref;
}

function verifyInputs(p: Promotion, v: VerifyConfig): Record<string, string> {
  if (!p.sha) throw new ShipgateError('invalid_state', 'promotion has no candidate SHA');
  const out: Record<string, string> = {};
  for (const [k, tpl] of Object.entries(v.inputs)) out[k] = renderTemplate(tpl, templateVars(p, p.sha)).text;
  return out;
}

/** A permanent failure of the verify workflow itself (404, bad inputs): recorded as a failed verification. */
async function couldNotRun(k: StepKit, p: Promotion, e: unknown): Promise<Promotion> {
  if (e instanceof StepWait || isTransientError(e)) throw e;
  const error = e instanceof Error ? e.message : String(e);
  k.log.warn({ err: e }, 'verify workflow could not run');
  return k.doneKeyed(p, 'verify_follow', { status: 'not_run', conclusion: null, error }, (cur) => cur, [{ type: 'verification_not_run', data: { error } }]);
}

export async function verifyDispatchStep(d: ExecDeps, k: StepKit, p0: Promotion): Promise<Promotion> {
  const v = verifyConfigOf(d, p0);
  if (!v) return k.done(p0, 'verify_dispatch', { workflow: '', ref: '', inputs: {} });
  try {
    const ref = verifyRef(d, p0, v);
    const inputs = verifyInputs(p0, v);
    const since = p0.steps.verify_dispatch?.startedAt;
    const { p, value } = await k.effect<{ runId?: number }, 'verify_dispatch'>(p0, 'verify_dispatch', {
      look: async () => {
        if (!since) return undefined;
        const run = await findVerifyRun(d, p0, v, new Date(since));
        if (run) return { runId: run.id };
        const waited = k.now().getTime() - Date.parse(since);
        if (waited < d.timing.runVisibleMs) throw new StepWait(d.timing.runVisibleMs - waited, [wakeKeys.workflow(p0.repo)], 'the verify run of an interrupted dispatch may not be listed yet');
        return undefined;
      },
      act: () => d.github.dispatch(p0.repo, v.workflow, ref, inputs),
      output: (r) => ({ workflow: v.workflow, ref, inputs, ...(r.runId ? { runId: r.runId } : {}) }),
      apply: (cur) => withThreadPost(cur, 'verify_dispatched', mrk`:test_tube: Deployed; verifying with \`${v.workflow}\`…`, k.now()),
      adopted: 'verify_run_adopted',
      applied: (r) => ({ type: 'verify_dispatched', data: { workflow: v.workflow, ref, inputs, runId: r.runId } }),
    });
    if (value?.runId !== undefined) await d.runs.claim(p.repo, value.runId, p.id);
    return p;
  } catch (e) {
    return couldNotRun(k, p0, e);
  }
}

export async function verifyFindRunStep(d: ExecDeps, k: StepKit, p: Promotion): Promise<Promotion> {
  const v = verifyConfigOf(d, p);
  if (!v) return couldNotRun(k, p, new Error('the environment no longer has a verify workflow'));
  const since = new Date(p.steps.verify_dispatch?.startedAt ?? k.now().toISOString());
  try {
    const run = await findVerifyRun(d, p, v, since);
    if (run) {
      await d.runs.claim(p.repo, run.id, p.id);
      return k.done(p, 'verify_run', { runId: run.id, workflow: v.workflow });
    }
  } catch (e) {
    return couldNotRun(k, p, e);
  }
  const elapsed = k.now().getTime() - since.getTime();
  if (elapsed > d.timing.findRunTimeoutMs) return couldNotRun(k, p, new Error(`dispatched ${v.workflow} but could not find the run it created`));
  throw new StepWait(pollDelay(d.timing, elapsed), [wakeKeys.workflow(p.repo)], 'the verify run is not listed yet');
}

/** Follows the verify run: each look reads it once (or takes the webhook's state) and ends the job until the next. */
export async function verifyFollowStep(d: ExecDeps, k: StepKit, p0: Promotion): Promise<Promotion> {
  let p = p0;
  const runId = verifyRunId(p)!;
  const workflow = outputOf(p, 'verify_dispatch')?.workflow ?? 'verify';
  let run: WorkflowRun;
  try {
    const seen = await d.runs.recall(p.repo, runId);
    const shown = p.evidence.verification;
    run = seen && (!shown || shown.runId !== runId || seen.status !== shown.status || seen.conclusion !== shown.conclusion) ? seen : await d.github.getRun(p.repo, runId);
  } catch (e) {
    return couldNotRun(k, p, e);
  }
  const shown = p.evidence.verification;
  if (!shown || shown.runId !== run.id || shown.status !== run.status || shown.conclusion !== run.conclusion) {
    const verification = { workflow, runId: run.id, url: run.htmlUrl, name: run.runNumber !== undefined ? `${run.name} #${run.runNumber}` : run.name, status: run.status, conclusion: run.conclusion };
    p = await k.update(p, (cur) =>
      withThreadPost({ ...cur, evidence: { ...cur.evidence, verification } }, `verify_run:${run.id}`, mrk`:test_tube: Verify run ${link(run.htmlUrl, verification.name)} for \`${(cur.sha ?? '').slice(0, 7)}\` in *${cur.env}* (${run.status}).`, k.now()),
    );
  }
  if (run.status === 'completed') {
    const passed = run.conclusion === 'success';
    return k.done(p, 'verify_follow', { status: run.status, conclusion: run.conclusion }, (cur) =>
      withThreadPost(
        cur,
        'verify_result',
        passed ? mrk`:white_check_mark: Verification passed: ${link(run.htmlUrl, workflow)}.` : mrk`:x: Verification failed: ${link(run.htmlUrl, workflow)} concluded ${run.conclusion ?? 'unknown'}.`,
        k.now(),
      ),
      [{ type: passed ? 'verification_passed' : 'verification_failed', data: { runId: run.id, url: run.htmlUrl, conclusion: run.conclusion } }],
    );
  }
  const since = Date.parse(p.steps.verify_run?.finishedAt ?? p.steps.verify_dispatch?.finishedAt ?? k.now().toISOString());
  const elapsed = k.now().getTime() - since;
  if (elapsed > d.timing.runTimeoutMs) return couldNotRun(k, p, new Error(`verify run ${run.htmlUrl} did not complete in time (still ${run.status})`));
  throw new StepWait(pollDelay(d.timing, elapsed), [wakeKeys.run(p.repo, runId)], `verify run ${runId} is ${run.status}`);
}

/** The verify run a dispatch of this promotion created: by the promotion id in its title, else the only unclaimed one since. */
async function findVerifyRun(d: ExecDeps, p: Promotion, v: VerifyConfig, since: Date): Promise<WorkflowRun | undefined> {
  const runs = await d.github.listRuns(p.repo, v.workflow, { event: 'workflow_dispatch', since: new Date(since.getTime() - 5000) });
  const byTitle = runs.find((r) => r.displayTitle?.includes(p.id));
  if (byTitle) return byTitle;
  const recent = runs.filter((r) => Date.parse(r.createdAt) >= since.getTime() - 5000);
  const taken = await d.runs.ownedByOthers(p.repo, recent.map((r) => r.id), p.id);
  const free = recent.filter((r) => !taken.has(r.id));
  const mine = outputOf(p, 'verify_dispatch')?.runId;
  if (mine !== undefined) return free.find((r) => r.id === mine);
  if (free.length <= 1) return free[0];
  throw new ShipgateError('github_error', `several ${v.workflow} runs started since the verify dispatch and none names ${p.id} in its title; set the workflow's run-name to include the promotion id`);
}
