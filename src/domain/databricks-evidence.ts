import { joinMd, link, mrk, type Mrkdwn } from '../shared/mrkdwn';

/** A task of a Databricks job run as evidence. */
export interface DatabricksTaskEvidence {
  key: string;
  runId?: number;
  lifeCycleState: string;
  resultState?: string;
  message?: string;
}

/** Counts of dbt nodes of one resource type by outcome. */
export interface DbtCounts {
  passed: number;
  failed: number;
  skipped: number;
  warned: number;
}

/** A dbt node as run_results.json reports it. */
export interface DbtNodeResult {
  uniqueId: string;
  status: string;
  message?: string;
}

/** dbt's run_results.json read after the run, or why it could not be. */
export type DbtEvidence =
  | { path: string; read: true; invocationId?: string; elapsedSeconds?: number; models: DbtCounts; tests: DbtCounts; other: DbtCounts; failures: DbtNodeResult[] }
  | { path: string; read: false; reason: string };

/** The Databricks job run of a `strategy: databricks` promotion: what was started and how it ended. */
export interface DatabricksEvidence {
  jobId: number;
  jobName?: string;
  runId: number;
  numberInJob?: number;
  runPageUrl?: string;
  parameters: Record<string, string>;
  lifeCycleState: string;
  resultState?: string;
  stateMessage?: string;
  tasks: DatabricksTaskEvidence[];
  dbt?: DbtEvidence;
}

/** Step outputs of the Databricks steps (StepOutputs extends this). */
export interface DatabricksStepOutputs {
  dbx_run: { jobId: number; jobName?: string; runId: number; numberInJob?: number; parameters: Record<string, string>; idempotencyToken: string };
  dbx_follow: { lifeCycleState: string; resultState?: string };
  dbx_collect: { dbt?: 'read' | 'unreadable' | 'none' };
}

const TERMINAL = new Set(['TERMINATED', 'SKIPPED', 'INTERNAL_ERROR']);
const FAILING_RESULTS = new Set(['FAILED', 'TIMEDOUT', 'CANCELED', 'MAXIMUM_CONCURRENT_RUNS_REACHED', 'SUCCESS_WITH_FAILURES']);

/** Where a run is: still going, or over (succeeded only for TERMINATED/SUCCESS; anything else that ended failed). */
export function runOutcome(lifeCycleState: string, resultState: string | undefined): 'running' | 'succeeded' | 'failed' {
  if (!TERMINAL.has(lifeCycleState)) return 'running';
  return lifeCycleState === 'TERMINATED' && resultState === 'SUCCESS' ? 'succeeded' : 'failed';
}

/** The tasks that made the run fail (not the ones skipped because an upstream task failed). */
export function failingTasks(e: Pick<DatabricksEvidence, 'tasks'>): DatabricksTaskEvidence[] {
  return e.tasks.filter((t) => t.lifeCycleState === 'INTERNAL_ERROR' || (t.resultState !== undefined && FAILING_RESULTS.has(t.resultState)));
}

/** Why a failed run failed, naming its failing tasks: `Databricks run 7001 ended FAILED: task prod_build FAILED (…)`. */
export function runFailure(e: DatabricksEvidence): Mrkdwn {
  const state = [e.lifeCycleState, e.resultState].filter(Boolean).join('/');
  const failing = failingTasks(e);
  const run = e.runPageUrl ? link(e.runPageUrl, `run ${e.runId}`) : mrk`run ${e.runId}`;
  const tasks = failing.length
    ? mrk`: ${joinMd(
        failing.map((t) => mrk`task \`${t.key}\` ${t.resultState ?? t.lifeCycleState}${t.message ? mrk` (${t.message})` : ''}`),
        '; ',
      )}`
    : mrk``;
  const said = e.stateMessage && !failing.some((t) => t.message) ? mrk` (${e.stateMessage})` : mrk``;
  return mrk`Databricks ${run} of job ${e.jobName ?? String(e.jobId)} ended ${state}${tasks}${said}`;
}

function counts(): DbtCounts {
  return { passed: 0, failed: 0, skipped: 0, warned: 0 };
}

/**
 * Summarises dbt's results by resource type (the `unique_id` prefix: `model.`, `test.`,
 * others such as seeds and snapshots together): success/pass → passed, error/fail →
 * failed, skipped → skipped, warn → warned (it ran; the test warned).
 */
export function summarizeDbt(path: string, results: readonly DbtNodeResult[], meta: { invocationId?: string; elapsedSeconds?: number } = {}): DbtEvidence {
  const models = counts();
  const tests = counts();
  const other = counts();
  const failures: DbtNodeResult[] = [];
  for (const r of results) {
    const type = r.uniqueId.split('.')[0];
    const bucket = type === 'model' ? models : type === 'test' || type === 'unit_test' ? tests : other;
    if (r.status === 'success' || r.status === 'pass') bucket.passed += 1;
    else if (r.status === 'error' || r.status === 'fail' || r.status === 'runtime error') {
      bucket.failed += 1;
      failures.push(r);
    } else if (r.status === 'warn') bucket.warned += 1;
    else bucket.skipped += 1;
  }
  return { path, read: true, ...(meta.invocationId ? { invocationId: meta.invocationId } : {}), ...(meta.elapsedSeconds !== undefined ? { elapsedSeconds: meta.elapsedSeconds } : {}), models, tests, other, failures };
}

function countText(c: DbtCounts): string {
  return [`${c.passed} passed`, `${c.failed} failed`, `${c.skipped} skipped`, ...(c.warned ? [`${c.warned} warned`] : [])].join(', ');
}

/** One line of the dbt summary: `dbt: models 12 passed, 0 failed, 1 skipped; tests 30 passed, 2 failed, 0 skipped`. */
export function dbtLine(d: DbtEvidence): Mrkdwn {
  if (!d.read) return mrk`dbt run_results \`${d.path}\` not available: ${d.reason}`;
  const other = d.other.passed + d.other.failed + d.other.skipped + d.other.warned ? `; other ${countText(d.other)}` : '';
  return mrk`dbt: models ${countText(d.models)}; tests ${countText(d.tests)}${other}`;
}

/** The thread's evidence lines of a Databricks run: run link and state, each task's result, the dbt summary. */
export function databricksLines(e: DatabricksEvidence): Mrkdwn[] {
  const state = [e.lifeCycleState, e.resultState].filter(Boolean).join('/');
  const run = e.runPageUrl ? link(e.runPageUrl, `run ${e.runId}`) : mrk`run ${e.runId}`;
  const lines = [mrk`• Databricks job ${e.jobName ?? String(e.jobId)} (${String(e.jobId)}) ${run}: ${state}`];
  for (const t of e.tasks) lines.push(mrk`    ◦ task \`${t.key}\`: ${t.resultState ?? t.lifeCycleState}`);
  if (e.dbt) {
    lines.push(mrk`• ${dbtLine(e.dbt)}`);
    if (e.dbt.read) for (const f of e.dbt.failures.slice(0, 10)) lines.push(mrk`    ◦ \`${f.uniqueId}\` ${f.status}${f.message ? mrk`: ${f.message.slice(0, 200)}` : ''}`);
  }
  return lines;
}

/** The card's view of the run: link and state, and each task's result on one line (at most 20 tasks). */
export function databricksCard(e: DatabricksEvidence): Mrkdwn {
  const state = [e.lifeCycleState, e.resultState].filter(Boolean).join('/');
  const label = `${e.jobName ?? `job ${e.jobId}`} run ${e.runId}`;
  const tasks = e.tasks.slice(0, 20).map((t) => mrk`\`${t.key}\` ${t.resultState ?? t.lifeCycleState}`);
  const more = e.tasks.length > 20 ? ` and ${e.tasks.length - 20} more` : '';
  return mrk`• ${e.runPageUrl ? link(e.runPageUrl, label) : label}: ${state}${tasks.length ? mrk`\n• tasks: ${joinMd(tasks, ', ')}${more}` : ''}${e.dbt ? mrk`\n• ${dbtLine(e.dbt)}` : ''}`;
}

/** Plain-text lines of the run (ServiceNow work notes): job and run with its URL and state, each task, dbt's summary. */
export function databricksPlainLines(e: DatabricksEvidence): string[] {
  const state = [e.lifeCycleState, e.resultState].filter(Boolean).join('/');
  const lines = [`Databricks job ${e.jobName ? `${e.jobName} ` : ''}(${e.jobId}) run ${e.runId}: ${state}${e.runPageUrl ? ` ${e.runPageUrl}` : ''}`];
  for (const t of e.tasks) lines.push(`- task ${t.key}: ${t.resultState ?? t.lifeCycleState}`);
  if (e.dbt) lines.push(dbtLine(e.dbt).text.replace(/`/g, ''));
  return lines;
}
