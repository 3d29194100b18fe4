import type { WorkflowStrategy } from '../config/config-schema';
import type { Promotion } from '../domain/promotion';
import { ShipgateError } from '../domain/shipgate-error';
import { renderTemplate } from '../domain/template';
import { wakeKeys, type Sleeper } from './ports/sleeper';
import type { WorkflowRun, WorkflowRuns } from './ports/workflow-runs';
import type { PromotionSteps } from './promotion-steps';
import type { RunFollower } from './run-follower';

export interface WorkflowStrategyDeps {
  github: WorkflowRuns;
  steps: PromotionSteps;
  follower: RunFollower;
  sleeper: Sleeper;
  findRunTimeoutMs?: number;
  pollMs?: number;
}

/** Template variables of workflow inputs: `{{sha}}`, `{{env}}`, `{{version}}`, `{{promotion}}`, `{{service}}`, `{{from}}`. */
export function templateVars(p: Promotion, sha: string): Record<string, string> {
  const version = p.ref && !/^[0-9a-f]{7,40}$/i.test(p.ref) ? p.ref : sha.slice(0, 7);
  return { sha, env: p.env, version, promotion: p.id, service: p.service, from: p.from };
}

/**
 * Workflow promotion (build once, deploy many): dispatch the deploy workflow with the same
 * SHA for each environment, find the run it created, follow it.
 */
export class WorkflowStrategyExecutor {
  constructor(private readonly d: WorkflowStrategyDeps) {}

  async run(p0: Promotion, strategy: WorkflowStrategy): Promise<{ promotion: Promotion; run: WorkflowRun }> {
    const s = this.d.steps;
    let p = p0;
    const sha = p.sha;
    if (!sha) throw new ShipgateError('invalid_state', 'promotion has no candidate SHA');
    const inputs: Record<string, string> = {};
    for (const [k, tpl] of Object.entries(strategy.inputs)) {
      const r = renderTemplate(tpl, templateVars(p, sha));
      if (r.missing.length) throw new ShipgateError('config_invalid', `workflow input "${k}" uses unknown placeholder(s) ${r.missing.map((m) => `{{${m}}}`).join(', ')}`);
      inputs[k] = r.text;
    }

    // dispatch: a side effect, never repeated once it may have happened
    let runId = p.steps.dispatch?.status === 'done' ? (p.steps.dispatch.output?.runId as number | undefined) : undefined;
    if (runId === undefined) {
      const previous = p.steps.dispatch;
      const adopted = previous?.status === 'started' ? await this.findDispatchedRun(p, strategy, sha, new Date(previous.startedAt), 0) : undefined;
      if (adopted) {
        runId = adopted.id;
        await s.audit(p, 'run_adopted', { runId });
      } else {
        const dispatchedAt = s.now();
        p = await s.started(p, 'dispatch', { workflow: strategy.workflow, ref: strategy.ref, inputs });
        const res = await this.d.github.dispatch(p.repo, strategy.workflow, strategy.ref, inputs);
        await s.audit(p, 'workflow_dispatched', { workflow: strategy.workflow, ref: strategy.ref, inputs, runId: res.runId });
        runId = res.runId ?? (await this.findDispatchedRun(p, strategy, sha, dispatchedAt, this.d.findRunTimeoutMs ?? 60_000))?.id;
        if (runId === undefined) throw new ShipgateError('github_error', `dispatched ${strategy.workflow} but could not find the run it created`);
      }
      p = await s.done(p, 'dispatch', { runId });
    }
    // shipgate dispatched this run itself with the approved SHA as input: that SHA is what it
    // deploys (its head SHA is only where the workflow file came from, the head of strategy.ref)
    return this.d.follower.follow(p, strategy, runId, undefined, sha);
  }

  /** The run a dispatch created: by promotion id in its title when the workflow shows it, else the earliest dispatch run of the SHA since. */
  private async findDispatchedRun(p: Promotion, strategy: WorkflowStrategy, sha: string, since: Date, timeoutMs: number): Promise<WorkflowRun | undefined> {
    const deadline = this.d.steps.now().getTime() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const runs = await this.d.github.listRuns(p.repo, strategy.workflow, { event: 'workflow_dispatch', since: new Date(since.getTime() - 5000) });
      const byTitle = runs.find((r) => r.displayTitle?.includes(p.id));
      if (byTitle) return byTitle;
      const candidate = runs.filter((r) => r.headSha === sha && Date.parse(r.createdAt) >= since.getTime() - 5000).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
      if (candidate) return candidate;
      if (this.d.steps.now().getTime() >= deadline) return undefined;
      await this.d.sleeper.sleep(Math.min((this.d.pollMs ?? 500) * 2 ** attempt, 5000), [wakeKeys.workflow(p.repo)]);
    }
  }
}
