import type { ServiceConfig, ShipgateConfig, WorkflowStrategy } from '../config/config-schema';
import { withRun, type RunEvidence } from '../domain/evidence';
import { transition, type Promotion, type StepRecord } from '../domain/promotion';
import { findService } from '../domain/resolve-request';
import { ShipgateError } from '../domain/shipgate-error';
import { renderTemplate } from '../domain/template';
import { gatesAllow, type GateEvaluator } from './gate-evaluator';
import type { AuditLog } from './ports/audit-log';
import type { Chat } from './ports/chat';
import type { Clock } from './ports/clock';
import type { DeploymentHistory } from './ports/deployment-history';
import type { PromotionRepository } from './ports/promotion-repository';
import type { Sleeper } from './ports/sleeper';
import type { JobQueue } from './ports/job-queue';
import { formatDuration } from '../domain/duration';
import type { WorkflowRun, WorkflowRuns } from './ports/workflow-runs';
import type { Logger } from './logger';

export interface RunPromotionDeps {
  config: ShipgateConfig;
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  chat: Pick<Chat, 'updatePromotion' | 'postToThread'>;
  github: WorkflowRuns;
  queue: Pick<JobQueue, 'enqueueExecution'>;
  history: Pick<DeploymentHistory, 'record'>;
  gates: GateEvaluator;
  sleeper: Sleeper;
  logger: Logger;
  /** Poll interval while following a run (backs off to 4×). */
  pollMs?: number;
  /** How long to look for the run a dispatch created before giving up. */
  findRunTimeoutMs?: number;
  /** Give up following a run after this long. */
  runTimeoutMs?: number;
}

/**
 * Executes an approved promotion as a sequence of recorded steps. Each step's outcome is
 * stored before the next starts, so a worker killed mid-run resumes where it stopped and
 * never repeats a side effect: an interrupted dispatch first looks for the run it may
 * have created before dispatching again.
 */
export class RunPromotion {
  constructor(private readonly d: RunPromotionDeps) {}

  async execute(id: string): Promise<Promotion | undefined> {
    let p = await this.d.repo.get(id);
    if (!p) return undefined;
    const log = this.d.logger.child({ promotionId: id, service: p.service, env: p.env });
    if (p.state === 'approved') {
      const started = await this.start(p);
      if (!started) return this.d.repo.get(id);
      p = started;
    } else if (p.state !== 'running') {
      log.debug({ state: p.state }, 'nothing to execute');
      return p;
    } else {
      log.warn({ steps: Object.keys(p.steps) }, 'resuming an interrupted promotion');
      await this.d.chat.postToThread(p, ':arrows_counterclockwise: Resuming after an interruption; completed steps are not repeated.');
    }
    const service = findService(this.d.config, p.service);
    try {
      if (service.strategy.type !== 'workflow') {
        throw new ShipgateError('invalid_state', `strategy "${service.strategy.type}" is not supported by this version of shipgate`);
      }
      p = await this.runWorkflowStrategy(p, service, service.strategy);
      const run = p.evidence.runs[p.evidence.runs.length - 1];
      const ok = run?.conclusion === 'success';
      return await this.finish(p, ok ? 'succeeded' : 'failed', ok ? undefined : `workflow run concluded ${run?.conclusion ?? 'unknown'}`);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      log.error({ err: msg }, 'promotion failed');
      const cur = (await this.d.repo.get(id)) ?? p;
      if (cur.state !== 'running') return cur;
      return this.finish(cur, 'failed', msg);
    }
  }

  /** Re-checks every gate right before execution, then approved → running (atomically: one worker wins). */
  private async start(p: Promotion): Promise<Promotion | undefined> {
    const results = await this.d.gates.evaluate(p, 'execute');
    const now = this.d.clock.now();
    const blockers = results.filter((r) => r.status !== 'pass' && r.status !== 'warn');
    // queued for the next window and still frozen: wait for the (new) open instant, don't fail
    const queued = results.find((r) => r.gate === 'freeze' && r.code === 'queued_for_window');
    if (queued && gatesAllow(results.filter((r) => r !== queued), 'execute')) {
      const at = Date.parse(String(queued.details?.scheduledFor));
      const wait = Math.max(1000, at - now.getTime());
      await this.d.repo.update(p.id, (cur) => (cur.state === 'approved' ? { ...cur, scheduledFor: new Date(at).toISOString(), gates: results, gatesEvaluatedAt: now.toISOString() } : undefined));
      await this.d.queue.enqueueExecution(p.id, wait);
      await this.d.audit.append({ at: now.toISOString(), promotionId: p.id, type: 'rescheduled', data: { until: new Date(at).toISOString() } });
      await this.d.chat.postToThread(p, `:calendar: Still frozen; re-checking every gate at the next open instant (in ${formatDuration(wait)}).`);
      return undefined;
    }
    if (!gatesAllow(results, 'execute')) {
      const reason = `gates re-checked before execution: ${blockers.map((b) => b.summary).join('; ')}`;
      const { promotion, changed } = await this.d.repo.update(p.id, (cur) =>
        cur.state === 'approved' ? transition({ ...cur, gates: results, gatesEvaluatedAt: now.toISOString() }, { type: 'failed', reason }, now) : undefined,
      );
      if (changed) {
        await this.d.audit.append({ at: now.toISOString(), promotionId: p.id, type: 'blocked_before_execution', data: { gates: results } });
        await this.d.chat.updatePromotion(promotion);
        await this.d.chat.postToThread(promotion, `:no_entry: Not executed: ${reason}`);
      }
      return undefined;
    }
    const { promotion, changed } = await this.d.repo.update(p.id, (cur) =>
      cur.state === 'approved'
        ? transition({ ...cur, gates: results, gatesEvaluatedAt: now.toISOString(), evidence: { ...cur.evidence, startedAt: now.toISOString() } }, { type: 'started' }, now)
        : undefined,
    );
    if (!changed) return undefined;
    await this.d.audit.append({ at: now.toISOString(), promotionId: p.id, type: 'started', data: { sha: promotion.sha, gates: results.map((r) => ({ gate: r.gate, status: r.status, code: r.code })) } });
    await this.d.chat.updatePromotion(promotion);
    await this.d.chat.postToThread(promotion, `:rocket: Executing: \`${promotion.sha?.slice(0, 7)}\` → *${promotion.env}*. All gates re-checked and passed.`);
    return promotion;
  }

  private async runWorkflowStrategy(p0: Promotion, service: ServiceConfig, strategy: WorkflowStrategy): Promise<Promotion> {
    let p = p0;
    const sha = p.sha;
    if (!sha) throw new ShipgateError('invalid_state', 'promotion has no candidate SHA');
    const vars = { sha, env: p.env, version: p.ref && !/^[0-9a-f]{7,40}$/i.test(p.ref) ? p.ref : sha.slice(0, 7), promotion: p.id, service: service.name, from: p.from };
    const inputs: Record<string, string> = {};
    for (const [k, tpl] of Object.entries(strategy.inputs)) {
      const r = renderTemplate(tpl, vars);
      if (r.missing.length) throw new ShipgateError('config_invalid', `workflow input "${k}" uses unknown placeholder(s) ${r.missing.map((m) => `{{${m}}}`).join(', ')}`);
      inputs[k] = r.text;
    }

    // Step: dispatch (side effect; never repeated once it may have happened)
    let runId = p.steps.dispatch?.status === 'done' ? (p.steps.dispatch.output?.runId as number | undefined) : undefined;
    if (runId === undefined) {
      const previous = p.steps.dispatch;
      let adopted: WorkflowRun | undefined;
      if (previous?.status === 'started') {
        adopted = await this.findDispatchedRun(p, strategy, sha, new Date(previous.startedAt), 'resume');
      }
      if (adopted) {
        runId = adopted.id;
        await this.d.audit.append({ at: this.d.clock.now().toISOString(), promotionId: p.id, type: 'run_adopted', data: { runId } });
      } else {
        const dispatchedAt = this.d.clock.now();
        p = await this.recordStep(p, { name: 'dispatch', status: 'started', startedAt: dispatchedAt.toISOString(), output: { workflow: strategy.workflow, ref: strategy.ref, inputs } });
        const res = await this.d.github.dispatch(p.repo, strategy.workflow, strategy.ref, inputs);
        await this.d.audit.append({ at: this.d.clock.now().toISOString(), promotionId: p.id, type: 'workflow_dispatched', data: { workflow: strategy.workflow, ref: strategy.ref, inputs, runId: res.runId } });
        runId = res.runId ?? (await this.findDispatchedRun(p, strategy, sha, dispatchedAt, 'dispatch'))?.id;
        if (runId === undefined) throw new ShipgateError('github_error', `dispatched ${strategy.workflow} but could not find the run it created`);
      }
      p = await this.recordStep(p, {
        name: 'dispatch',
        status: 'done',
        startedAt: p.steps.dispatch?.startedAt ?? this.d.clock.now().toISOString(),
        finishedAt: this.d.clock.now().toISOString(),
        output: { ...(p.steps.dispatch?.output ?? {}), runId },
      });
    }

    // Step: follow the run to completion
    let run = await this.d.github.getRun(p.repo, runId);
    if (!p.steps.announce_run) {
      await this.d.chat.postToThread(p, `:arrow_forward: Workflow run <${run.htmlUrl}|${run.name} #${run.id}> for \`${run.headSha.slice(0, 7)}\` (${run.status}).`);
      p = await this.recordStep(p, { name: 'announce_run', status: 'done', startedAt: this.d.clock.now().toISOString(), output: { runId } });
    }
    p = await this.saveRun(p, run);
    const deadline = this.d.clock.now().getTime() + (this.d.runTimeoutMs ?? 6 * 3600_000);
    let wait = this.d.pollMs ?? 5000;
    while (run.status !== 'completed') {
      if (this.d.clock.now().getTime() > deadline) throw new ShipgateError('github_error', `run ${run.htmlUrl} did not complete in time (still ${run.status})`);
      await this.d.sleeper.sleep(wait);
      wait = Math.min(wait * 1.5, (this.d.pollMs ?? 5000) * 4);
      const next = await this.d.github.getRun(p.repo, runId);
      if (next.status !== run.status) p = await this.saveRun(p, next);
      run = next;
    }
    const jobs = await this.d.github.listJobs(p.repo, runId);
    p = await this.saveRun(p, run, jobs.map((j) => ({ id: j.id, name: j.name, conclusion: j.conclusion, url: j.htmlUrl })));
    return this.recordStep(p, { name: 'follow_run', status: 'done', startedAt: run.createdAt, finishedAt: this.d.clock.now().toISOString(), output: { runId, conclusion: run.conclusion } });
  }

  /** Finds the run a dispatch created: by promotion id in its title when the workflow shows it, else by event, time and head SHA. */
  private async findDispatchedRun(p: Promotion, strategy: WorkflowStrategy, sha: string, since: Date, why: 'dispatch' | 'resume'): Promise<WorkflowRun | undefined> {
    const deadline = this.d.clock.now().getTime() + (why === 'resume' ? 0 : (this.d.findRunTimeoutMs ?? 60_000));
    const claimed = new Set<number>();
    for (let attempt = 0; ; attempt++) {
      const runs = await this.d.github.listRuns(p.repo, strategy.workflow, { event: 'workflow_dispatch', since: new Date(since.getTime() - 5000) });
      const byTitle = runs.find((r) => r.displayTitle?.includes(p.id));
      if (byTitle) return byTitle;
      const bySha = runs.filter((r) => r.headSha === sha && !claimed.has(r.id) && Date.parse(r.createdAt) >= since.getTime() - 5000);
      // oldest matching first: the earliest run after our dispatch is ours
      const candidate = bySha.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
      if (candidate) return candidate;
      if (this.d.clock.now().getTime() >= deadline) return undefined;
      await this.d.sleeper.sleep(Math.min(500 * 2 ** attempt, 5000));
    }
  }

  private async saveRun(p: Promotion, run: WorkflowRun, jobs?: RunEvidence['jobs']): Promise<Promotion> {
    const ev: RunEvidence = { id: run.id, name: run.name, url: run.htmlUrl, status: run.status, conclusion: run.conclusion, headSha: run.headSha, ...(jobs ? { jobs } : {}) };
    const { promotion } = await this.d.repo.update(p.id, (cur) => ({ ...cur, evidence: withRun(cur.evidence, ev) }));
    await this.d.chat.updatePromotion(promotion);
    return promotion;
  }

  private async recordStep(p: Promotion, step: StepRecord): Promise<Promotion> {
    const { promotion } = await this.d.repo.update(p.id, (cur) => ({ ...cur, steps: { ...cur.steps, [step.name]: step } }));
    return promotion;
  }

  private async finish(p: Promotion, outcome: 'succeeded' | 'failed', reason?: string): Promise<Promotion> {
    const now = this.d.clock.now();
    const { promotion, changed } = await this.d.repo.update(p.id, (cur) => {
      if (cur.state !== 'running') return undefined;
      const next = { ...cur, evidence: { ...cur.evidence, finishedAt: now.toISOString(), outcome } };
      return outcome === 'succeeded' ? transition(next, { type: 'succeeded' }, now) : transition(next, { type: 'failed', reason: reason ?? 'failed' }, now);
    });
    if (!changed) return promotion;
    const run = promotion.evidence.runs[promotion.evidence.runs.length - 1];
    if (promotion.sha) {
      await this.d.history.record({
        service: promotion.service,
        env: promotion.env,
        sha: promotion.sha,
        promotionId: promotion.id,
        kind: promotion.kind,
        outcome,
        at: now.toISOString(),
        ...(run ? { runUrl: run.url } : {}),
      });
    }
    await this.d.audit.append({ at: now.toISOString(), promotionId: p.id, type: outcome, data: { sha: promotion.sha, reason, evidence: promotion.evidence } });
    await this.d.chat.updatePromotion(promotion);
    const lines = [
      outcome === 'succeeded' ? `:large_green_circle: *Succeeded*: \`${promotion.sha}\` is in *${promotion.env}*.` : `:red_circle: *Failed*: ${reason}`,
      `• Commit: \`${promotion.sha ?? 'unresolved'}\``,
      ...promotion.evidence.runs.map((r) => `• Run: <${r.url}|${r.name} #${r.id}>: ${r.conclusion ?? r.status}`),
      ...promotion.evidence.runs.flatMap((r) => (r.jobs ?? []).map((j) => `    ◦ job <${j.url}|${j.name}>: ${j.conclusion ?? 'n/a'}`)),
      `• Approved by: ${promotion.approvals.map((a) => `<@${a.userId}>`).join(', ') || 'n/a'}`,
    ];
    await this.d.chat.postToThread(promotion, lines.join('\n'));
    return promotion;
  }
}
