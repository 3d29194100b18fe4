import type { ShipgateConfig } from '../config/config-schema';
import { formatDuration } from '../domain/duration';
import { runLabel } from '../domain/evidence';
import type { GateResult } from '../domain/gates/gate-result';
import { deployedSha, transition, type Promotion } from '../domain/promotion';
import { findService } from '../domain/resolve-request';
import { ShipgateError } from '../domain/shipgate-error';
import { BranchStrategyExecutor } from './branch-strategy';
import { gatesAllow, type GateEvaluator } from './gate-evaluator';
import type { AuditLog } from './ports/audit-log';
import type { Chat } from './ports/chat';
import type { Clock } from './ports/clock';
import type { DeploymentHistory } from './ports/deployment-history';
import type { EnvironmentReviews } from './ports/environment-reviews';
import type { GitHubDeployments } from './ports/github-deployments';
import type { DatabricksRuns } from './ports/databricks-runs';
import type { JobQueue } from './ports/job-queue';
import type { PromotionRepository } from './ports/promotion-repository';
import type { PullRequests } from './ports/pull-requests';
import type { GitData } from './ports/git-data';
import type { RunLogs } from './ports/run-logs';
import { wakeKeys, type Sleeper } from './ports/sleeper';
import type { WorkflowRun, WorkflowRuns } from './ports/workflow-runs';
import { PromotionSteps } from './promotion-steps';
import { RunFollower } from './run-follower';
import { WorkflowStrategyExecutor } from './workflow-strategy';
import type { Logger } from './logger';

export interface RunPromotionDeps {
  config: ShipgateConfig;
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  chat: Pick<Chat, 'updatePromotion' | 'postToThread'>;
  github: WorkflowRuns;
  pulls: PullRequests;
  git: GitData;
  reviews: EnvironmentReviews;
  logs: RunLogs;
  deployments: GitHubDeployments;
  databricks?: DatabricksRuns;
  queue: Pick<JobQueue, 'enqueueExecution'>;
  history: Pick<DeploymentHistory, 'record'>;
  gates: GateEvaluator;
  sleeper: Sleeper;
  logger: Logger;
  /** The `checks` gate for a SHA (branch strategy waits until it passes); none = no required checks. */
  checksFor?: (p: Promotion, sha: string) => Promise<GateResult | undefined>;
  /** Link to the promotion's Slack thread (PR bodies, ServiceNow notes). */
  promotionLink?: (p: Promotion) => string;
  /** Hooks around execution (ServiceNow write-back); their failures never fail the deployment. */
  onStarted?: (p: Promotion) => Promise<string | undefined>;
  onFinished?: (p: Promotion) => Promise<string | undefined>;
  /** Poll interval while following a run (backs off to 4×). */
  pollMs?: number;
  findRunTimeoutMs?: number;
  runTimeoutMs?: number;
  checksTimeoutMs?: number;
  /** How often a change awaiting approval in ServiceNow is re-checked (default 60 s). */
  changeRecheckMs?: number;
}

/**
 * Executes an approved promotion as a sequence of recorded steps. Each step's outcome is
 * stored before the next starts, so a worker killed mid-run resumes where it stopped and
 * never repeats a side effect (second PR, second merge, second dispatch).
 */
export class RunPromotion {
  private readonly steps: PromotionSteps;
  private readonly workflow: WorkflowStrategyExecutor;
  private readonly branch: BranchStrategyExecutor;

  constructor(private readonly d: RunPromotionDeps) {
    this.steps = new PromotionSteps(d);
    const follower = new RunFollower({ ...d, steps: this.steps });
    this.workflow = new WorkflowStrategyExecutor({ ...d, steps: this.steps, follower });
    this.branch = new BranchStrategyExecutor({
      ...d,
      steps: this.steps,
      follower,
      waitForChecks: (p, sha) => this.waitForChecks(p, sha),
      promotionLink: d.promotionLink ?? ((p) => p.id),
    });
  }

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
      const result = service.strategy.type === 'workflow' ? await this.workflow.run(p, service.strategy) : await this.branch.run(p, service.strategy);
      p = result.promotion;
      const ok = !result.run || result.run.conclusion === 'success';
      return await this.finish(p, ok ? 'succeeded' : 'failed', ok ? undefined : `workflow run concluded ${result.run?.conclusion ?? 'unknown'}`, result.run);
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
    // gates that will pass on their own (the next freeze window, a change awaiting approval in
    // ServiceNow): re-check later with a delayed job instead of failing or blocking a worker
    const waiting = results.filter((r) => r.status === 'pending' && ((r.gate === 'freeze' && r.code === 'queued_for_window') || (r.gate === 'changeRecord' && (r.code === 'cr_awaiting_approval' || r.code === 'cr_to_create'))));
    if (waiting.length && gatesAllow(results.filter((r) => !waiting.includes(r)), 'execute')) {
      const delays = waiting.map((r) => (r.gate === 'freeze' ? Date.parse(String(r.details?.scheduledFor)) - now.getTime() : (this.d.changeRecheckMs ?? 60_000)));
      const wait = Math.max(1000, Math.max(...delays));
      const until = new Date(now.getTime() + wait).toISOString();
      const freeze = waiting.find((r) => r.gate === 'freeze');
      const waitingKey = `waiting:${waiting.map((r) => r.code).join(',')}`;
      const first = !p.steps[waitingKey];
      await this.d.repo.update(p.id, (cur) =>
        cur.state === 'approved'
          ? {
              ...cur,
              ...(freeze ? { scheduledFor: String(freeze.details?.scheduledFor) } : {}),
              gates: results,
              gatesEvaluatedAt: now.toISOString(),
              ...(first ? { steps: { ...cur.steps, [waitingKey]: { name: 'waiting', status: 'done' as const, startedAt: now.toISOString() } } } : {}),
            }
          : undefined,
      );
      await this.d.queue.enqueueExecution(p.id, wait);
      await this.d.audit.append({ at: now.toISOString(), promotionId: p.id, type: 'rescheduled', data: { until, waitingFor: waiting.map((r) => r.code) } });
      if (first) {
        await this.d.chat.postToThread(p, `:calendar: Waiting: ${waiting.map((r) => r.summary).join('; ')}. Every gate is checked again in ${formatDuration(wait)}${freeze ? '' : ' (and every minute after that)'}.`);
      }
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
    await this.hook(promotion, this.d.onStarted);
    return promotion;
  }

  /** Branch strategy: wait (bounded, woken by webhooks) until the required checks on `sha` are green. */
  private async waitForChecks(p: Promotion, sha: string): Promise<void> {
    if (!this.d.checksFor) return;
    const deadline = this.d.clock.now().getTime() + (this.d.checksTimeoutMs ?? 3600_000);
    let announced = false;
    for (let wait = this.d.pollMs ?? 5000; ; wait = Math.min(wait * 1.5, (this.d.pollMs ?? 5000) * 6)) {
      const r = await this.d.checksFor(p, sha);
      if (!r || r.status === 'pass' || r.status === 'warn') return;
      if (r.status === 'block') throw new ShipgateError('github_error', `required checks failed on \`${sha.slice(0, 7)}\`: ${r.summary}`);
      if (!announced) {
        await this.d.chat.postToThread(p, `:hourglass: Waiting for required checks on \`${sha.slice(0, 7)}\`: ${r.summary}`);
        announced = true;
      }
      if (this.d.clock.now().getTime() > deadline) throw new ShipgateError('github_error', `required checks still pending on \`${sha.slice(0, 7)}\`: ${r.summary}`);
      await this.d.sleeper.sleep(wait, [wakeKeys.sha(p.repo, sha)]);
    }
  }

  private async hook(p: Promotion, fn: ((p: Promotion) => Promise<string | undefined>) | undefined): Promise<void> {
    if (!fn) return;
    try {
      const note = await fn(p);
      if (note) await this.d.chat.postToThread(p, note);
    } catch (e) {
      await this.d.chat.postToThread(p, `:warning: ${e instanceof Error ? e.message : String(e)} (the deployment is not affected)`).catch(() => undefined);
    }
  }

  /** Mirrors the deploy as a GitHub Deployment with a final status (never fails the promotion). */
  private async mirrorDeployment(p: Promotion, outcome: 'succeeded' | 'failed', run?: WorkflowRun): Promise<Promotion> {
    // what the deploy put there (a dispatched run's head SHA is only the head of the workflow ref)
    const sha = deployedSha(p);
    if (!sha || p.steps.github_deployment?.status === 'done') return p;
    try {
      const id = await this.d.deployments.createDeployment(p.repo, {
        sha,
        environment: p.env,
        description: `${p.kind === 'rollback' ? 'Rollback' : 'Promotion'} ${p.id} by shipgate`,
        payload: { shipgate: p.id, kind: p.kind, approvedSha: p.sha },
        production: p.env === findService(this.d.config, p.service).pipeline.at(-1),
      });
      await this.d.deployments.setStatus(p.repo, id, {
        state: outcome === 'succeeded' ? 'success' : 'failure',
        ...(run ? { logUrl: run.htmlUrl } : {}),
        description: `${outcome} (${p.id})`,
      });
      const next = await this.steps.update(p, (cur) => ({ ...cur, evidence: { ...cur.evidence, deployments: [...cur.evidence.deployments, { id, environment: p.env }] } }));
      return this.steps.done(next, 'github_deployment', { id });
    } catch (e) {
      this.d.logger.warn({ promotionId: p.id, err: e instanceof Error ? e.message : String(e) }, 'could not mirror the GitHub deployment');
      return p;
    }
  }

  private async finish(p0: Promotion, outcome: 'succeeded' | 'failed', reason?: string, run?: WorkflowRun): Promise<Promotion> {
    const p = await this.mirrorDeployment(p0, outcome, run);
    const now = this.d.clock.now();
    const { promotion, changed } = await this.d.repo.update(p.id, (cur) => {
      if (cur.state !== 'running') return undefined;
      const next = { ...cur, evidence: { ...cur.evidence, finishedAt: now.toISOString(), outcome } };
      return outcome === 'succeeded' ? transition(next, { type: 'succeeded' }, now) : transition(next, { type: 'failed', reason: reason ?? 'failed' }, now);
    });
    if (!changed) return promotion;
    const lastRun = promotion.evidence.runs[promotion.evidence.runs.length - 1];
    // what now runs in env: the merge commit for a branch promotion, the SHA itself otherwise
    const deployed = deployedSha(promotion);
    if (deployed) {
      await this.d.history.record({
        service: promotion.service,
        env: promotion.env,
        sha: deployed,
        ...(promotion.sha && promotion.sha !== deployed ? { approvedSha: promotion.sha } : {}),
        promotionId: promotion.id,
        kind: promotion.kind,
        outcome,
        at: now.toISOString(),
        ...(lastRun ? { runUrl: lastRun.url, runName: runLabel(lastRun) } : {}),
        ...(promotion.rollback ? { rollbackOf: promotion.rollback.currentPromotionId } : {}),
      });
    }
    await this.d.audit.append({ at: now.toISOString(), promotionId: p.id, type: outcome, data: { sha: promotion.sha, reason, evidence: promotion.evidence } });
    await this.d.chat.updatePromotion(promotion);
    await this.d.chat.postToThread(promotion, evidenceSummary(promotion, outcome, reason));
    await this.hook(promotion, this.d.onFinished);
    return promotion;
  }
}

/** What runs in the environment after a successful promotion or rollback, and where it came from. */
function nowRuns(p: Promotion): string {
  const deployed = deployedSha(p) ?? 'unresolved';
  const approved = p.sha && p.sha !== deployed ? p.sha.slice(0, 7) : undefined;
  const notes =
    p.kind === 'rollback'
      ? [`rolled back from \`${p.rollback?.currentSha.slice(0, 7) ?? '?'}\``, ...(approved ? [`restores the tree of \`${approved}\``] : [])]
      : approved
        ? [`merge of \`${approved}\``]
        : [];
  return `*${p.env}* now runs \`${deployed}\`${notes.length ? ` (${notes.join('; ')})` : ''}.`;
}

/** The thread's closing message: outcome and every piece of evidence. */
export function evidenceSummary(p: Promotion, outcome: 'succeeded' | 'failed', reason?: string): string {
  const e = p.evidence;
  return [
    outcome === 'succeeded' ? `:large_green_circle: *Succeeded*: ${nowRuns(p)}` : `:red_circle: *Failed*: ${reason}`,
    `• Commit: \`${p.sha ?? 'unresolved'}\``,
    ...e.pullRequests.map((pr) => `• Pull request: <${pr.url}|#${pr.number}>${pr.title ? ` ${pr.title}` : ''}`),
    ...(e.mergeSha ? [`• Merge commit: \`${e.mergeSha}\``] : []),
    ...e.runs.map((r) => `• Run: <${r.url}|${runLabel(r)}>: ${r.conclusion ?? r.status}`),
    ...e.runs.flatMap((r) => (r.jobs ?? []).map((j) => `    ◦ job <${j.url}|${j.name}>: ${j.conclusion ?? 'n/a'}`)),
    ...e.matches.map((m) => `• ${m.name}: ${m.url ? `<${m.url}|\`${m.value}\`>` : `\`${m.value}\``} (${m.source}${m.state ? `, ${m.state}` : ''})`),
    ...e.deployments.map((d) => `• GitHub deployment ${d.id} (${d.environment})`),
    `• Approved by: ${p.approvals.map((a) => `<@${a.userId}>`).join(', ') || 'n/a'}${p.override?.approvedBy ? `; emergency override by <@${p.override.approvedBy.userId}>` : ''}`,
  ].join('\n');
}
