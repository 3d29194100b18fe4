import type { ShipgateConfig } from '../../config/config-schema';
import { withThreadPost } from '../../domain/outbox';
import { planSummary, planThreadMessage, withPlanGate, type PlanReview } from '../../domain/plan-review';
import { transition, type Promotion } from '../../domain/promotion';
import { isTransientError } from '../../domain/transient-error';
import { wakeKeys } from '../../domain/wake-keys';
import { parseDuration } from '../../shared/duration';
import { link, mrk } from '../../shared/mrkdwn';
import { pollDelay, type ExecTiming } from '../execution/exec-deps';
import type { Logger } from '../logger';
import type { AuditEntry, AuditLog } from '../ports/audit-log';
import type { Clock } from '../ports/clock';
import type { JobQueue } from '../ports/job-queue';
import type { PromotionRepository } from '../ports/promotion-repository';
import type { RunArtifacts } from '../ports/run-artifacts';
import type { RunRecords } from '../ports/run-records';
import type { WakeRegistry } from '../ports/wake-registry';
import type { WorkflowRun, WorkflowRuns } from '../ports/workflow-runs';

export interface FollowPlanReviewDeps {
  config: ShipgateConfig;
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  github: Pick<WorkflowRuns, 'dispatch' | 'listRuns' | 'getRun'>;
  artifacts: RunArtifacts;
  runs: Pick<RunRecords, 'recall' | 'claim' | 'ownedByOthers'>;
  wakes: Pick<WakeRegistry, 'watch'>;
  queue: Pick<JobQueue, 'nudgeChat'>;
  logger: Logger;
  timing: ExecTiming;
}

/** What the plan job answers: done, or look again after `waitMs` (a webhook for the run brings it forward). */
export type PlanAnswer = { done: true } | { done: false; waitMs: number };

/** Default time a plan run may take. */
const DEFAULT_PLAN_TIMEOUT_MS = 30 * 60_000;
/** plan.md larger than this is not read (the thread shows at most a few thousand characters anyway). */
const MAX_PLAN_BYTES = 1024 * 1024;

/** plan.md at the artifact's root, else the shallowest `…/plan.md`. */
function planFile(files: Record<string, string>): string | undefined {
  const paths = Object.keys(files)
    .filter((p) => p === 'plan.md' || p.endsWith('/plan.md'))
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  return paths[0];
}

/**
 * The plan of a promotion (SPEC §9 `plan:`), as one short job that ends whenever it waits:
 * dispatch the plan workflow for the candidate (once per attempt: a crashed dispatch is looked
 * for before it is sent again), follow the run (woken by its webhook, else polled), then read
 * the artifact: its zip's sha256 digest is what approvals bind to, its plan.md goes to the
 * thread and its summary to the card. A failed run, a missing artifact or plan.md, or a run that
 * does not finish in time blocks the promotion with the run link (fail closed).
 */
export class FollowPlanReview {
  constructor(private readonly d: FollowPlanReviewDeps) {}

  async advance(id: string): Promise<PlanAnswer> {
    const p = await this.d.repo.get(id);
    const r = p?.planReview;
    if (!p || !r || p.state !== 'awaiting_approval' || r.status === 'ready' || r.status === 'failed') return { done: true };
    try {
      if (r.runId === undefined) return await this.dispatch(p, r);
      return await this.follow(p, r, r.runId);
    } catch (e) {
      if (isTransientError(e)) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      await this.fail(p, r, reason);
      return { done: true };
    }
  }

  private timeoutMs(p: Promotion): number {
    const cfg = this.d.config.environments.find((e) => e.name === p.env)?.plan;
    return (cfg?.timeout ? parseDuration(cfg.timeout) : undefined) ?? DEFAULT_PLAN_TIMEOUT_MS;
  }

  /** Applies `fn` to the current plan attempt only (a re-plan meanwhile makes it a no-op). */
  private async change(p: Promotion, r: PlanReview, fn: (cur: Promotion, plan: PlanReview) => Promotion | undefined, audit: AuditEntry[] = []) {
    const { promotion, changed } = await this.d.repo.update(
      p.id,
      (cur) =>
        cur.state === 'awaiting_approval' && cur.planReview?.attempt === r.attempt && cur.planReview.status !== 'ready' && cur.planReview.status !== 'failed'
          ? fn(cur, cur.planReview)
          : undefined,
      { audit },
    );
    if (changed) await this.d.queue.nudgeChat(p.id);
    return { promotion, changed };
  }

  private async dispatch(p: Promotion, r: PlanReview): Promise<PlanAnswer> {
    const now = this.d.clock.now();
    if (r.dispatchStartedAt) {
      // an earlier attempt may have dispatched: adopt its run before dispatching again
      const since = new Date(r.dispatchStartedAt);
      const run = await this.findRun(p, r, since);
      if (run) return this.adopt(p, r, run);
      const waited = now.getTime() - since.getTime();
      if (waited < this.d.timing.runVisibleMs) return this.wait(p, this.d.timing.runVisibleMs - waited, [wakeKeys.workflow(p.repo)]);
    }
    const started = now.toISOString();
    const claimed = await this.change(p, r, (cur, plan) => ({ ...cur, planReview: { ...plan, dispatchStartedAt: started } }));
    if (!claimed.changed) return { done: true };
    const { runId } = await this.d.github.dispatch(p.repo, r.workflow, r.ref, r.inputs);
    await this.d.audit.append({
      at: started,
      promotionId: p.id,
      type: 'plan_dispatched',
      data: { attempt: r.attempt, workflow: r.workflow, ref: r.ref, inputs: r.inputs, ...(runId ? { runId } : {}) },
    });
    const run = runId !== undefined ? await this.d.github.getRun(p.repo, runId) : await this.findRun(p, r, new Date(started));
    if (run) return this.adopt(p, r, run);
    return this.wait(p, this.d.timing.pollMs, [wakeKeys.workflow(p.repo)]);
  }

  /** The run a dispatch of this plan attempt created: by the promotion id in its title, else the only one since that nobody owns. */
  private async findRun(p: Promotion, r: PlanReview, since: Date): Promise<WorkflowRun | undefined> {
    const runs = await this.d.github.listRuns(p.repo, r.workflow, { event: 'workflow_dispatch', since: new Date(since.getTime() - 5000) });
    const recent = runs.filter((x) => Date.parse(x.createdAt) >= since.getTime() - 5000);
    const taken = await this.d.runs.ownedByOthers(
      p.repo,
      recent.map((x) => x.id),
      p.id,
    );
    const free = recent.filter((x) => !taken.has(x.id));
    return free.find((x) => x.displayTitle?.includes(p.id)) ?? (free.length === 1 ? free[0] : undefined);
  }

  private async adopt(p: Promotion, r: PlanReview, run: WorkflowRun): Promise<PlanAnswer> {
    await this.d.runs.claim(p.repo, run.id, p.id);
    const now = this.d.clock.now();
    const { promotion, changed } = await this.change(
      p,
      r,
      (cur, plan) => {
        const next: Promotion = withPlanGate({ ...cur, planReview: { ...plan, status: 'running', runId: run.id, runUrl: run.htmlUrl } });
        return withThreadPost(
          next,
          `plan:${plan.attempt}:running`,
          mrk`:hourglass_flowing_sand: Plan running: ${link(run.htmlUrl, `${r.workflow} run`)} for \`${(cur.sha ?? '').slice(0, 7)}\` → *${cur.env}*. Approvals open once the plan is shown here.`,
          now,
        );
      },
      [{ at: now.toISOString(), promotionId: p.id, type: 'plan_run', data: { attempt: r.attempt, runId: run.id, url: run.htmlUrl } }],
    );
    if (!changed || !promotion.planReview || promotion.planReview.runId === undefined) return { done: true };
    return this.follow(promotion, promotion.planReview, run.id);
  }

  private async follow(p: Promotion, r: PlanReview, runId: number): Promise<PlanAnswer> {
    const seen = await this.d.runs.recall(p.repo, runId);
    const run = seen?.status === 'completed' ? seen : await this.d.github.getRun(p.repo, runId);
    const now = this.d.clock.now();
    if (run.status !== 'completed') {
      const elapsed = now.getTime() - Date.parse(r.dispatchStartedAt ?? r.requestedAt);
      if (elapsed > this.timeoutMs(p)) throw new PlanFailure(`it did not complete in time (still ${run.status})`);
      return this.wait(p, pollDelay(this.d.timing, elapsed), [wakeKeys.run(p.repo, runId)]);
    }
    if (run.conclusion !== 'success') throw new PlanFailure(`it concluded ${run.conclusion ?? 'without a conclusion'}`);
    const artifacts = await this.d.artifacts.list(p.repo, runId, r.artifactName);
    const artifact = artifacts.find((a) => a.name === r.artifactName && !a.expired);
    if (!artifact) {
      throw new PlanFailure(artifacts.length ? `its artifact "${r.artifactName}" has expired` : `it uploaded no artifact "${r.artifactName}"`);
    }
    const downloaded = await this.d.artifacts.download(p.repo, artifact.id, (path) => path === 'plan.md' || path.endsWith('/plan.md'), MAX_PLAN_BYTES);
    const file = planFile(downloaded.files);
    if (!file) {
      throw new PlanFailure(
        downloaded.tooLarge.length ? `plan.md in its artifact "${r.artifactName}" is larger than 1 MB` : `its artifact "${r.artifactName}" has no plan.md`,
      );
    }
    const markdown = downloaded.files[file]!;
    const summary = planSummary(markdown);
    const ready: PlanReview = {
      ...r,
      status: 'ready',
      runId,
      runUrl: run.htmlUrl,
      artifactId: artifact.id,
      digest: downloaded.digest,
      summary: summary.summary,
      lines: summary.lines,
    };
    await this.change(
      p,
      r,
      (cur) => withThreadPost(withPlanGate({ ...cur, planReview: ready }), `plan:${r.attempt}:ready`, planThreadMessage(ready, markdown), now),
      [
        {
          at: now.toISOString(),
          promotionId: p.id,
          type: 'plan_ready',
          data: {
            attempt: r.attempt,
            runId,
            runUrl: run.htmlUrl,
            artifactId: artifact.id,
            artifact: r.artifactName,
            digest: downloaded.digest,
            summary: summary.summary,
            lines: summary.lines,
          },
        },
      ],
    );
    this.d.logger.info({ promotionId: p.id, runId, artifactId: artifact.id, digest: downloaded.digest }, 'plan ready');
    return { done: true };
  }

  private async wait(p: Promotion, ms: number, keys: string[]): Promise<PlanAnswer> {
    await this.d.wakes.watch(p.id, keys);
    return { done: false, waitMs: Math.max(0, ms) };
  }

  private async fail(p: Promotion, r: PlanReview, reason: string): Promise<void> {
    const now = this.d.clock.now();
    await this.change(
      p,
      r,
      (cur, plan) => {
        const failed: Promotion = withPlanGate({ ...cur, planReview: { ...plan, status: 'failed', failure: reason } });
        const why = mrk`${plan.runUrl ? link(plan.runUrl, `plan run #${plan.attempt}`) : mrk`plan #${plan.attempt}`} failed: ${reason}`;
        return withThreadPost(
          transition(failed, { type: 'plan_failed', reason: why }, now),
          `plan:${plan.attempt}:failed`,
          mrk`:no_entry: Blocked: ${why}. Nothing was approved or deployed; fix the plan workflow and request again.`,
          now,
        );
      },
      [
        {
          at: now.toISOString(),
          promotionId: p.id,
          type: 'plan_failed',
          data: { attempt: r.attempt, reason, ...(r.runId !== undefined ? { runId: r.runId } : {}) },
        },
      ],
    );
    this.d.logger.warn({ promotionId: p.id, reason }, 'plan failed; promotion blocked');
  }
}

/** A plan that cannot be shown (plain text: the run link is added where it is said). */
class PlanFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFailure';
  }
}
