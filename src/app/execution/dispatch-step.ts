import type { WorkflowStrategy } from '../../config/config-schema';
import { outputOf } from '../../domain/execution-plan';
import type { Promotion } from '../../domain/promotion';
import { ShipgateError } from '../../shared/shipgate-error';
import { renderTemplate } from '../../domain/template';
import { planTemplateVars } from '../../domain/plan-review';
import { wakeKeys } from '../../domain/wake-keys';
import type { WorkflowRun } from '../ports/workflow-runs';
import { pollDelay, type ExecDeps } from './exec-deps';
import type { StepKit } from './step-kit';
import { StepWait } from './step-wait';

/**
 * Template variables of workflow inputs: `{{sha}}`, `{{env}}`, `{{version}}`, `{{promotion}}`,
 * `{{service}}`, `{{from}}`, and the reviewed plan's `{{planArtifactId}}` / `{{planRunId}}`
 * (empty where the environment makes no plan).
 */
export function templateVars(p: Promotion, sha: string): Record<string, string> {
  const version = p.ref && !/^[0-9a-f]{7,40}$/i.test(p.ref) ? p.ref : sha.slice(0, 7);
  return { sha, env: p.env, version, promotion: p.id, service: p.service, from: p.from, ...planTemplateVars(p) };
}

export function workflowInputs(p: Promotion, strategy: WorkflowStrategy): Record<string, string> {
  const sha = p.sha;
  if (!sha) throw new ShipgateError('invalid_state', 'promotion has no candidate SHA');
  const inputs: Record<string, string> = {};
  for (const [k, tpl] of Object.entries(strategy.inputs)) {
    const r = renderTemplate(tpl, templateVars(p, sha));
    if (r.missing.length) throw new ShipgateError('config_invalid', `workflow input "${k}" uses unknown placeholder(s) ${r.missing.map((m) => `{{${m}}}`).join(', ')}`);
    inputs[k] = r.text;
  }
  return inputs;
}

/**
 * Workflow strategy: `workflow_dispatch` of the deploy workflow with the approved SHA (the
 * same artifact for every environment). The dispatch is the promotion's first write. After
 * an attempt that may have reached GitHub (a crash, a 502 after GitHub applied it, a
 * timeout), the run it created is looked for before anything is dispatched again.
 */
export async function dispatchStep(d: ExecDeps, k: StepKit, p0: Promotion, strategy: WorkflowStrategy): Promise<Promotion> {
  const inputs = workflowInputs(p0, strategy);
  const since = p0.steps.dispatch?.startedAt;
  const { p, value } = await k.effect<{ runId?: number }, 'dispatch'>(p0, 'dispatch', {
    look: async () => {
      if (!since) return undefined;
      const run = await findDispatchedRun(d, p0, strategy, new Date(since));
      if (run) return { runId: run.id };
      // a run can take a moment to be listed: conclude "never dispatched" only after that
      const waited = k.now().getTime() - Date.parse(since);
      if (waited < d.timing.runVisibleMs) throw new StepWait(d.timing.runVisibleMs - waited, [wakeKeys.workflow(p0.repo)], 'the run of an interrupted dispatch may not be listed yet');
      return undefined;
    },
    act: async () => d.github.dispatch(p0.repo, strategy.workflow, strategy.ref, inputs),
    output: (v) => ({ workflow: strategy.workflow, ref: strategy.ref, inputs, ...(v.runId ? { runId: v.runId } : {}) }),
    adopted: 'run_adopted',
    applied: (v) => ({ type: 'workflow_dispatched', data: { workflow: strategy.workflow, ref: strategy.ref, inputs, runId: v.runId } }),
  });
  const runId = value?.runId;
  if (runId !== undefined) await d.runs.claim(p.repo, runId, p.id);
  return p;
}

/** Workflow strategy without a run id from the dispatch answer: find the run it created (polling, woken by webhooks). */
export async function findDispatchedRunStep(d: ExecDeps, k: StepKit, p: Promotion, strategy: WorkflowStrategy): Promise<Promotion> {
  const dispatched = p.steps.dispatch;
  const since = new Date(dispatched?.startedAt ?? k.now().toISOString());
  const run = await findDispatchedRun(d, p, strategy, since);
  if (run) {
    await d.runs.claim(p.repo, run.id, p.id);
    // the listing says what state the run is in: the first look needs no read of its own
    await d.runs.remember(p.repo, run);
    return k.done(p, 'find_run', { runId: run.id, workflow: strategy.workflow });
  }
  const elapsed = k.now().getTime() - since.getTime();
  if (elapsed > d.timing.findRunTimeoutMs) throw new ShipgateError('github_error', `dispatched ${strategy.workflow} but could not find the run it created`);
  throw new StepWait(pollDelay(d.timing, elapsed), [wakeKeys.workflow(p.repo)], 'the dispatched run is not listed yet');
}

/**
 * The run a dispatch of this promotion created: by the promotion id in its title (set the
 * workflow's `run-name` to include `inputs.promotion`), else the only dispatch run since
 * that no other promotion owns. Several candidates and no title: refuse to guess.
 */
async function findDispatchedRun(d: ExecDeps, p: Promotion, strategy: WorkflowStrategy, since: Date): Promise<WorkflowRun | undefined> {
  const runs = await d.github.listRuns(p.repo, strategy.workflow, { event: 'workflow_dispatch', since: new Date(since.getTime() - 5000) });
  const byTitle = runs.find((r) => r.displayTitle?.includes(p.id));
  if (byTitle) return byTitle;
  const recent = runs.filter((r) => Date.parse(r.createdAt) >= since.getTime() - 5000);
  const taken = await d.runs.ownedByOthers(p.repo, recent.map((r) => r.id), p.id);
  const free = recent.filter((r) => !taken.has(r.id));
  const mine = outputOf(p, 'dispatch')?.runId;
  if (mine !== undefined) return free.find((r) => r.id === mine);
  if (free.length <= 1) return free[0];
  throw new ShipgateError(
    'github_error',
    `an interrupted dispatch of ${strategy.workflow} may have started one of ${free.length} runs (${free.map((r) => r.htmlUrl).join(', ')}) and shipgate cannot tell which: nothing was dispatched again. Check them on GitHub; to let shipgate tell its runs apart, set the workflow's \`run-name\` to include \`\${{ inputs.promotion }}\`.`,
  );
}
