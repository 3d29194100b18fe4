import type { BranchStrategy, ShipgateConfig, WorkflowStrategy } from '../config/config-schema';
import { patternMatches, runLabel } from '../domain/evidence';
import type { Promotion } from '../domain/promotion';
import { ShipgateError } from '../domain/shipgate-error';
import type { EnvironmentReviews } from './ports/environment-reviews';
import type { RunLogs } from './ports/run-logs';
import type { DatabricksRuns } from './ports/databricks-runs';
import { wakeKeys, type Sleeper } from './ports/sleeper';
import type { WorkflowRun, WorkflowRuns } from './ports/workflow-runs';
import type { PromotionSteps } from './promotion-steps';
import type { Logger } from './logger';

export interface RunFollowerDeps {
  config: ShipgateConfig;
  github: Pick<WorkflowRuns, 'getRun' | 'listJobs'>;
  reviews: EnvironmentReviews;
  logs: RunLogs;
  /** With DATABRICKS_HOST/DATABRICKS_TOKEN: enrich matches whose pattern name mentions databricks. */
  databricks?: DatabricksRuns;
  steps: PromotionSteps;
  sleeper: Sleeper;
  logger: Logger;
  pollMs?: number;
  runTimeoutMs?: number;
}

/** Does a GitHub Environment name stand for a shipgate environment? (`DataBricks-Prod` ~ `prod`) */
export function githubEnvironmentMatches(githubEnv: string, env: string, mapping: Record<string, string>): boolean {
  const configured = mapping[env];
  if (configured) return githubEnv === configured;
  const g = githubEnv.toLowerCase();
  const e = env.toLowerCase();
  return g === e || g.endsWith(`-${e}`) || g.endsWith(`_${e}`) || g.endsWith(` ${e}`) || g.endsWith(`/${e}`);
}

/**
 * Follows a workflow run to completion: answers GitHub Environment reviews for exactly the
 * environment and SHA approved in Slack (when `approveEnvironments`), records run and job
 * evidence, and extracts `evidence.patterns` matches (e.g. Databricks run IDs) from job logs.
 */
export class RunFollower {
  constructor(private readonly d: RunFollowerDeps) {}

  /**
   * `approvedShas`: the commits the Slack approval covers (branch strategy: the approved SHA and
   * its merge commit). Undefined for a run shipgate dispatched itself with the SHA as input.
   * `deploys`: the commit the run deploys (a dispatched run: its SHA input, not its head SHA,
   * which is the head of the workflow ref); default the run's head SHA (a push-triggered deploy).
   */
  async follow(p0: Promotion, strategy: WorkflowStrategy | BranchStrategy, runId: number, approvedShas?: readonly string[], deploys?: string): Promise<{ promotion: Promotion; run: WorkflowRun }> {
    const s = this.d.steps;
    let p = p0;
    let run = await this.d.github.getRun(p.repo, runId);
    const deployed = deploys ?? run.headSha;
    p = await s.threadOnce(p, `announce_run:${runId}`, `:arrow_forward: Workflow run <${run.htmlUrl}|${runLabel(run)}> deploying \`${deployed.slice(0, 7)}\` (${run.status}).`);
    p = await s.saveRun(p, run, undefined, deployed);
    const base = this.d.pollMs ?? 5000;
    const deadline = s.now().getTime() + (this.d.runTimeoutMs ?? 6 * 3600_000);
    let wait = base;
    for (;;) {
      if (run.status === 'waiting') p = await this.answerReviews(p, strategy, run, approvedShas);
      if (run.status === 'completed') break;
      if (s.now().getTime() > deadline) throw new ShipgateError('github_error', `run ${run.htmlUrl} did not complete in time (still ${run.status})`);
      await this.d.sleeper.sleep(wait, [wakeKeys.run(p.repo, runId)]);
      wait = Math.min(wait * 1.5, base * 4);
      const next = await this.d.github.getRun(p.repo, runId);
      if (next.status !== run.status || next.conclusion !== run.conclusion) p = await s.saveRun(p, next, undefined, deployed);
      run = next;
    }
    const jobs = await this.d.github.listJobs(p.repo, runId);
    p = await s.saveRun(p, run, jobs.map((j) => ({ id: j.id, name: j.name, conclusion: j.conclusion, url: j.htmlUrl })), deployed);
    p = await this.collectMatches(p, jobs);
    return { promotion: p, run };
  }

  private async answerReviews(p0: Promotion, strategy: WorkflowStrategy | BranchStrategy, run: WorkflowRun, approvedShas?: readonly string[]): Promise<Promotion> {
    const s = this.d.steps;
    let p = p0;
    const pending = await this.d.reviews.pending(p.repo, run.id);
    for (const d of pending) {
      const key = `review:${run.id}:${d.environmentId}`;
      if (p.steps[key]) continue;
      if (!strategy.approveEnvironments) {
        p = await s.threadOnce(p, key, `:hourglass: <${run.htmlUrl}|${runLabel(run)}> is waiting for a review on the GitHub Environment *${d.environment}*; approve it on GitHub (shipgate is not set to approve environments for this service).`);
        continue;
      }
      const envOk = githubEnvironmentMatches(d.environment, p.env, strategy.githubEnvironments);
      const shaOk = !approvedShas || approvedShas.includes(run.headSha);
      const approvers = p.approvals.map((a) => `@${a.userId}`).join(', ');
      if (envOk && shaOk && d.canApprove) {
        await this.d.reviews.review(p.repo, run.id, [d.environmentId], 'approved', `Approved in Slack by ${approvers} (shipgate ${p.id}, ${run.headSha.slice(0, 7)} → ${p.env})`);
        p = await s.done(p, key, { environment: d.environment, state: 'approved', sha: run.headSha });
        await s.audit(p, 'environment_approved', { runId: run.id, environment: d.environment, sha: run.headSha });
        await s.thread(p, `:white_check_mark: Approved the GitHub Environment *${d.environment}* review for \`${run.headSha.slice(0, 7)}\` (as approved in Slack).`);
      } else {
        const why = !d.canApprove
          ? `shipgate's GitHub identity is not a reviewer of *${d.environment}*`
          : !envOk
            ? `*${d.environment}* is not the environment approved in Slack (*${p.env}*)`
            : `the run deploys \`${run.headSha.slice(0, 7)}\`, not the SHA approved in Slack (\`${p.sha?.slice(0, 7)}\`)`;
        if (d.canApprove) await this.d.reviews.review(p.repo, run.id, [d.environmentId], 'rejected', `Rejected by shipgate ${p.id}: ${why.replace(/[*`]/g, '')}`);
        p = await s.done(p, key, { environment: d.environment, state: d.canApprove ? 'rejected' : 'left', reason: why });
        await s.audit(p, 'environment_review_refused', { runId: run.id, environment: d.environment, sha: run.headSha, reason: why });
        await s.thread(p, `:no_entry: ${d.canApprove ? 'Rejected' : 'Did not approve'} the GitHub Environment review of <${run.htmlUrl}|${runLabel(run)}>: ${why}.`);
      }
    }
    return p;
  }

  private async collectMatches(p0: Promotion, jobs: Array<{ id: number; name: string }>): Promise<Promotion> {
    const patterns = this.d.config.evidence.patterns;
    if (!patterns.length) return p0;
    const found: Array<{ name: string; value: string; source: string }> = [];
    for (const job of jobs) {
      let log = '';
      try {
        log = await this.d.logs.jobLog(p0.repo, job.id);
      } catch (e) {
        this.d.logger.warn({ promotionId: p0.id, job: job.id, err: e instanceof Error ? e.message : String(e) }, 'job log unavailable');
        continue;
      }
      for (const m of patternMatches(log, patterns, job.name)) if (!found.some((f) => f.name === m.name && f.value === m.value)) found.push(m);
    }
    if (!found.length) return p0;
    if (this.d.databricks) {
      for (const f of found.filter((x) => /databricks/i.test(x.name))) {
        try {
          const info = await this.d.databricks.describe(f.value);
          Object.assign(f, { state: info.state, ...(info.url ? { url: info.url } : {}) });
        } catch (e) {
          this.d.logger.warn({ promotionId: p0.id, runId: f.value, err: e instanceof Error ? e.message : String(e) }, 'Databricks run not enriched');
        }
      }
    }
    return this.d.steps.update(p0, (cur) => {
      const matches = [...cur.evidence.matches];
      for (const f of found) if (!matches.some((m) => m.name === f.name && m.value === f.value)) matches.push(f);
      return { ...cur, evidence: { ...cur.evidence, matches } };
    });
  }
}
