import type { DatabricksStrategy } from '../../config/config-schema';
import { dbtLine, runFailure, runOutcome, summarizeDbt, type DatabricksEvidence, type DbtEvidence } from '../../domain/databricks-evidence';
import { outputOf } from '../../domain/execution-plan';
import { withThreadPost } from '../../domain/outbox';
import type { Promotion } from '../../domain/promotion';
import { renderTemplate } from '../../domain/template';
import { isTransientError } from '../../domain/transient-error';
import { joinMd, link, mrk, stored } from '../../shared/mrkdwn';
import { ShipgateError } from '../../shared/shipgate-error';
import type { DatabricksJobs } from '../ports/databricks-jobs';
import { templateVars } from './dispatch-step';
import { pollDelay, type ExecDeps } from './exec-deps';
import type { StepKit } from './step-kit';
import { StepWait } from './step-wait';

/** How long dbt's run_results.json is retried while Databricks answers 5xx / is unreachable, before the evidence says it is unavailable. */
const DBT_RETRY_MS = 2 * 60_000;

function jobsApi(d: ExecDeps): DatabricksJobs {
  if (!d.databricksJobs) throw new ShipgateError('config_invalid', 'the databricks strategy needs DATABRICKS_HOST and DATABRICKS_TOKEN (they are not set)');
  return d.databricksJobs;
}

function render(p: Promotion, template: string, what: string, extra: Record<string, string> = {}): string {
  if (!p.sha) throw new ShipgateError('invalid_state', 'promotion has no candidate SHA');
  const r = renderTemplate(template, { ...templateVars(p, p.sha), ...extra });
  if (r.missing.length) throw new ShipgateError('config_invalid', `${what} uses unknown placeholder(s) ${r.missing.map((m) => `{{${m}}}`).join(', ')}`);
  return r.text;
}

/** The `job_parameters` of run-now: the strategy's parameters with `{{env}}`, `{{sha}}`, … filled in (a rollback's `{{sha}}` is the earlier commit). */
export function databricksParameters(p: Promotion, s: DatabricksStrategy): Record<string, string> {
  return Object.fromEntries(Object.entries(s.parameters).map(([k, tpl]) => [k, render(p, tpl, `job parameter "${k}"`)]));
}

/** The job of the promotion's environment: an id as is, a name through `jobs/list` (exactly one job of that name, else the promotion fails with why). */
async function resolveJob(api: DatabricksJobs, p: Promotion, s: DatabricksStrategy): Promise<{ jobId: number; jobName?: string }> {
  const job = s.jobs[p.env];
  if (job === undefined) throw new ShipgateError('config_invalid', `strategy.jobs names no Databricks job for environment "${p.env}"`);
  if (typeof job === 'number') return { jobId: job };
  const found = await api.jobsNamed(job);
  if (found.length === 1) return { jobId: found[0]!.jobId, jobName: found[0]!.name };
  if (found.length === 0) throw new ShipgateError('databricks_error', `no Databricks job is named "${job}" (strategy.jobs.${p.env}); nothing was run`);
  throw new ShipgateError('databricks_error', `${found.length} Databricks jobs are named "${job}" (job ids ${found.map((j) => j.jobId).join(', ')}): name the job by its id in strategy.jobs.${p.env}; nothing was run`);
}

/**
 * Databricks strategy: `run-now` of the environment's job with the templated parameters. The
 * idempotency token is the promotion id, so a retried step (a crash after Databricks started
 * the run, a 5xx or timeout whose request was applied) answers the same run and never starts
 * a second one.
 */
export async function databricksRunStep(d: ExecDeps, k: StepKit, p0: Promotion, s: DatabricksStrategy): Promise<Promotion> {
  const api = jobsApi(d);
  const parameters = databricksParameters(p0, s);
  const idempotencyToken = p0.id;
  const job = await resolveJob(api, p0, s);
  const { p } = await k.effect<{ runId: number; numberInJob?: number }, 'dbx_run'>(p0, 'dbx_run', {
    act: () => api.runNow(job.jobId, parameters, idempotencyToken),
    output: (v) => ({ ...job, runId: v.runId, ...(v.numberInJob !== undefined ? { numberInJob: v.numberInJob } : {}), parameters, idempotencyToken }),
    apply: (cur, v) => {
      const evidence: DatabricksEvidence = { ...job, runId: v.runId, ...(v.numberInJob !== undefined ? { numberInJob: v.numberInJob } : {}), parameters, lifeCycleState: 'PENDING', tasks: [] };
      return { ...cur, evidence: { ...cur.evidence, databricks: evidence } };
    },
    applied: (v) => ({ type: 'databricks_run_started', data: { ...job, runId: v.runId, parameters, idempotencyToken } }),
  });
  return p;
}

/** Follows the run through `runs/get` without holding a worker: each look reads it once, records what changed and ends the job until the next look. */
export async function databricksFollowStep(d: ExecDeps, k: StepKit, p0: Promotion): Promise<Promotion> {
  let p = p0;
  const started = outputOf(p, 'dbx_run')!;
  const run = await jobsApi(d).run(started.runId);
  const before = p.evidence.databricks;
  const now: DatabricksEvidence = {
    jobId: started.jobId,
    ...(started.jobName ? { jobName: started.jobName } : {}),
    runId: started.runId,
    ...((run.numberInJob ?? started.numberInJob) !== undefined ? { numberInJob: run.numberInJob ?? started.numberInJob } : {}),
    ...(run.runPageUrl ? { runPageUrl: run.runPageUrl } : {}),
    parameters: started.parameters,
    lifeCycleState: run.lifeCycleState,
    ...(run.resultState ? { resultState: run.resultState } : {}),
    ...(run.stateMessage ? { stateMessage: run.stateMessage } : {}),
    tasks: run.tasks,
    ...(before?.dbt ? { dbt: before.dbt } : {}),
  };
  if (JSON.stringify(before) !== JSON.stringify(now)) {
    const label = `${started.jobName ?? `job ${started.jobId}`} run ${started.runId}`;
    const params = joinMd(
      Object.entries(started.parameters).map(([key, v]) => mrk`${key}=\`${v}\``),
      ', ',
    );
    p = await k.update(p, (cur) =>
      withThreadPost(
        { ...cur, evidence: { ...cur.evidence, databricks: now } },
        `dbx_announce:${started.runId}`,
        mrk`:arrow_forward: Databricks ${run.runPageUrl ? link(run.runPageUrl, label) : label} deploying \`${(p.sha ?? '').slice(0, 7)}\` (${run.lifeCycleState})${Object.keys(started.parameters).length ? mrk` with ${params}` : ''}.`,
        k.now(),
      ),
    );
  }
  const outcome = runOutcome(run.lifeCycleState, run.resultState);
  if (outcome !== 'running') return k.done(p, 'dbx_follow', { lifeCycleState: run.lifeCycleState, ...(run.resultState ? { resultState: run.resultState } : {}) });
  const since = Date.parse(p.steps.dbx_run?.finishedAt ?? k.now().toISOString());
  const elapsed = k.now().getTime() - since;
  if (elapsed > d.timing.runTimeoutMs) throw new ShipgateError('databricks_error', `Databricks run ${started.runId} did not end in time (still ${run.lifeCycleState})`);
  // Databricks sends no webhooks to shipgate: the look is a poll (backing off), whatever GitHub's webhooks do
  throw new StepWait(pollDelay({ ...d.timing, webhooks: false }, elapsed), [], `Databricks run ${started.runId} is ${run.lifeCycleState}`);
}

/** dbt's run_results.json named by `evidence.dbtRunResults`, summarised; missing or unreadable: the evidence says why (the outcome is not affected). */
async function dbtEvidence(d: ExecDeps, k: StepKit, p: Promotion, s: DatabricksStrategy): Promise<DbtEvidence | undefined> {
  const template = s.evidence.dbtRunResults;
  if (!template) return undefined;
  const started = outputOf(p, 'dbx_run')!;
  const path = render(p, template, 'evidence.dbtRunResults', { job_id: String(started.jobId), run_id: String(started.runId) });
  if (!d.dbtRunResults) return { path, read: false, reason: 'DATABRICKS_HOST and DATABRICKS_TOKEN are not set' };
  try {
    const file = await d.dbtRunResults.read(path);
    return summarizeDbt(path, file.results, { ...(file.invocationId ? { invocationId: file.invocationId } : {}), ...(file.elapsedSeconds !== undefined ? { elapsedSeconds: file.elapsedSeconds } : {}) });
  } catch (e) {
    const since = Date.parse(p.steps.dbx_follow?.finishedAt ?? k.now().toISOString());
    if (isTransientError(e) && k.now().getTime() - since < DBT_RETRY_MS) throw e;
    k.log.warn({ path, err: e }, 'dbt run_results.json unavailable');
    return { path, read: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The ended run as evidence (each task's result, dbt's summary). A run that did not succeed
 * fails the promotion naming its failing task(s); `finish` follows.
 */
export async function databricksCollectStep(d: ExecDeps, k: StepKit, p: Promotion, s: DatabricksStrategy): Promise<Promotion> {
  const run = p.evidence.databricks;
  if (!run) throw new ShipgateError('invalid_state', 'the Databricks run was not recorded');
  const dbt = await dbtEvidence(d, k, p, s);
  const ended: DatabricksEvidence = { ...run, ...(dbt ? { dbt } : {}) };
  const outcome = runOutcome(ended.lifeCycleState, ended.resultState);
  const failure = outcome === 'succeeded' ? undefined : runFailure(ended);
  return k.done(
    p,
    'dbx_collect',
    { dbt: dbt ? (dbt.read ? 'read' : 'unreadable') : 'none' },
    (cur) => {
      const next = withThreadPost(
        { ...cur, evidence: { ...cur.evidence, databricks: ended } },
        `dbx_result:${ended.runId}`,
        outcome === 'succeeded'
          ? mrk`:white_check_mark: Databricks run ${String(ended.runId)} succeeded${dbt ? mrk`; ${dbtLine(dbt)}` : ''}.`
          : mrk`:x: ${failure ?? ''}${dbt ? mrk`; ${dbtLine(dbt)}` : ''}.`,
        k.now(),
      );
      return failure && !next.exec?.failure ? { ...next, exec: { ...next.exec, failure: stored(failure) } } : next;
    },
    [{ type: 'databricks_run_ended', data: { runId: ended.runId, jobId: ended.jobId, lifeCycleState: ended.lifeCycleState, resultState: ended.resultState, tasks: ended.tasks, ...(dbt ? { dbt } : {}) } }],
  );
}
