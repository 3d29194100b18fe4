import type { ShipgateConfig } from '../../config/config-schema';
import type { GateResult } from '../../domain/gates/gate-result';
import type { MrkdwnText } from '../../shared/mrkdwn';
import type { Promotion } from '../../domain/promotion';
import type { GateEvaluator } from '../gate-evaluator';
import type { Logger } from '../logger';
import type { AuditLog } from '../ports/audit-log';
import type { Clock } from '../ports/clock';
import type { DatabricksJobs } from '../ports/databricks-jobs';
import type { DatabricksRuns } from '../ports/databricks-runs';
import type { DbtRunResults } from '../ports/dbt-run-results';
import type { EnvironmentReviews } from '../ports/environment-reviews';
import type { GitData } from '../ports/git-data';
import type { JobQueue } from '../ports/job-queue';
import type { PromotionRepository } from '../ports/promotion-repository';
import type { PullRequests } from '../ports/pull-requests';
import type { RunLogs } from '../ports/run-logs';
import type { RunRecords } from '../ports/run-records';
import type { WakeRegistry } from '../ports/wake-registry';
import type { WorkflowRuns } from '../ports/workflow-runs';
import type { LifecycleHooks } from '../ports/lifecycle-hooks';

/** What the execution steps use (narrow ports; wired once in the composition root). */
export interface ExecDeps {
  config: ShipgateConfig;
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  queue: Pick<JobQueue, 'nudgeChat' | 'enqueueMirror'>;
  gates: GateEvaluator;
  github: WorkflowRuns;
  pulls: PullRequests;
  git: GitData;
  reviews: EnvironmentReviews;
  logs: RunLogs;
  databricks?: DatabricksRuns;
  /** The databricks strategy's Jobs API and dbt run_results reader (DATABRICKS_HOST / DATABRICKS_TOKEN). */
  databricksJobs?: DatabricksJobs;
  dbtRunResults?: DbtRunResults;
  runs: RunRecords;
  wakes: WakeRegistry;
  logger: Logger;
  /** The `checks` gate for a SHA (branch strategy waits until it passes); none = no required checks. */
  checksFor?: (p: Promotion, sha: string) => Promise<GateResult | undefined>;
  /** Link to the promotion's Slack thread (PR bodies). */
  promotionLink: (p: Promotion) => string;
  /** ServiceNow write-back around execution; resolves with the thread message, never fails the deployment. */
  onStarted?: (p: Promotion) => Promise<MrkdwnText | undefined>;
  onFinished?: (p: Promotion) => Promise<MrkdwnText | undefined>;
  timing: ExecTiming;
  /** What shipgate does by itself after a stage ends (next stage, rollback after a failed verification). */
  lifecycle?: LifecycleHooks;
}

/** How long steps wait between looks (all in ms). */
export interface ExecTiming {
  /** First poll of a run, checks or a missing run. */
  pollMs: number;
  /** Longest poll interval (polls back off up to this). */
  pollMaxMs: number;
  /** With webhooks, a poll is only a safety net: at most this often. */
  webhookPollMs: number;
  /** Webhooks are configured (GITHUB_WEBHOOK_SECRET): wait for them rather than polling. */
  webhooks: boolean;
  /** A side effect claimed by another attempt is presumed in flight this long (> request timeout). */
  leaseMs: number;
  /** After an uncertain dispatch, how long a run may take to be listed before "not applied" is concluded. */
  runVisibleMs: number;
  findRunTimeoutMs: number;
  runTimeoutMs: number;
  checksTimeoutMs: number;
  /** How often a change awaiting approval in ServiceNow is re-checked. */
  changeRecheckMs: number;
}

export const DEFAULT_TIMING: ExecTiming = {
  pollMs: 5000,
  pollMaxMs: 30_000,
  webhookPollMs: 60_000,
  webhooks: false,
  leaseMs: 12_000,
  runVisibleMs: 10_000,
  findRunTimeoutMs: 120_000,
  runTimeoutMs: 6 * 3600_000,
  checksTimeoutMs: 3600_000,
  changeRecheckMs: 60_000,
};

/** The poll interval `elapsedMs` after a wait began: starts at pollMs, backs off to pollMaxMs (or the webhook safety net). */
export function pollDelay(t: ExecTiming, elapsedMs: number): number {
  const backedOff = Math.min(t.pollMaxMs, Math.max(t.pollMs, Math.round(elapsedMs / 10)));
  return t.webhooks ? Math.max(backedOff, Math.min(t.webhookPollMs, Math.max(t.pollMs, elapsedMs))) : backedOff;
}
