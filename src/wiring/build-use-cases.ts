import type { Promotion } from '../domain/promotion';
import { threadLink } from '../domain/thread-link';
import type { GateEvaluator } from '../app/gate-evaluator';
import { RequestPromotion } from '../app/request-promotion';
import { RequestRollback } from '../app/request-rollback';
import { EvaluatePromotion } from '../app/evaluate-promotion';
import { DecideApproval } from '../app/decide-approval';
import { FreezeActions } from '../app/freeze-actions';
import { FreezeAnnouncer } from '../app/freeze-announcer';
import { PlanPromotion } from '../app/plan-promotion';
import { DescribeDeployments } from '../app/describe-deployments';
import { PublishEvidence } from '../app/publish-evidence';
import { ChangeWriteBack } from '../app/change-write-back';
import { LockGuard } from '../app/lock-guard';
import { DeliverChat } from '../app/deliver-chat';
import { SweepPromotions } from '../app/sweep-promotions';
import { AnswerProtectionRule } from '../app/answer-protection-rule';
import { HandleGitHubEvent } from '../app/handle-github-event';
import { AutoPromote } from '../app/auto-promote';
import { CountGitHubCalls } from '../app/count-github-calls';
import { checksForCommit } from '../app/checks-for-commit';
import { ExecutePromotion } from '../app/execution/execute-promotion';
import { MirrorDeployment } from '../app/execution/mirror-deployment';
import { DEFAULT_TIMING, type ExecTiming } from '../app/execution/exec-deps';
import { githubCallScope } from '../adapters/github/github-client';
import { FollowPlanReview } from '../app/plan-review/follow-plan-review';
import { RequestPlan } from '../app/plan-review/request-plan';
import type { Adapters } from './build-adapters';
import { buildGates } from './build-gates';
import type { ShipgateOptions } from './shipgate-options';

/** Use-cases both roles need. */
export interface SharedUseCases {
  gates: GateEvaluator;
  locks: LockGuard;
  evidence: PublishEvidence;
  writeBack: ChangeWriteBack;
  githubCalls: CountGitHubCalls;
  githubEvents: HandleGitHubEvent;
  /** Triggers and `promote: auto|request` (shipgate opening promotions itself). */
  autoPromote: AutoPromote;
  promotionLink: (p: Promotion) => string | undefined;
}

export function buildSharedUseCases(a: Adapters, o: ShipgateOptions): SharedUseCases {
  const { config, logger } = o;
  const { clock, repo, audit, queue, history, github } = a;
  const gates = buildGates({ config, clock, calendars: a.calendars, changes: a.changes, incidents: a.incidents, github, history, commitUrl: github.commitUrl, prometheus: a.prometheus, ...(a.databricksJobs ? { databricksJobs: a.databricksJobs } : {}) });
  const githubCalls = new CountGitHubCalls({ repo, scope: githubCallScope, logger });
  const locks = new LockGuard({ clock, repo, queue, promotionLink: threadLink, holders: a.lockStore });
  const autoPromote = new AutoPromote({ config, clock, random: o.random ?? Math.random, repo, audit, chat: a.slack.chat, queue, locks, once: a.once, people: a.slack.people, logger });
  return {
    gates,
    locks,
    autoPromote,
    writeBack: new ChangeWriteBack({ changes: a.changes, config, clock, threadLink, commitUrl: github.commitUrl, logger }),
    evidence: new PublishEvidence({
      repo,
      audit,
      queue,
      clock,
      threadLink,
      commitUrl: github.commitUrl,
      // a pack built inside a job that made GitHub calls for the promotion: count them first
      settleCounters: (id) => githubCalls.settleCurrent(id),
      directory: a.slack.directory,
      journey: { config, history, github: { pulls: github.compare, runs: github.runs, logs: github.logs }, logger },
    }),
    githubCalls,
    githubEvents: new HandleGitHubEvent({ wakes: a.wakes, runs: a.runRecords, queue, logger, trigger: (e) => autoPromote.onTrigger(e) }),
    promotionLink: threadLink,
  };
}

/** What Slack commands and buttons run (web role). */
export function buildWebUseCases(a: Adapters, s: SharedUseCases, o: ShipgateOptions) {
  const { config, logger } = o;
  const { clock, repo, audit, queue, history, github } = a;
  const { chat, directory } = a.slack;
  const random = o.random ?? Math.random;
  const locks = s.locks;
  return {
    request: new RequestPromotion({ config, clock, random, repo, audit, chat, directory, queue, locks, logger }),
    rollback: new RequestRollback({ config, clock, random, repo, audit, chat, directory, queue, locks, logger, history }),
    decide: new DecideApproval({ config, clock, repo, audit, directory, queue, logger }),
    replan: new RequestPlan({ config, clock, repo, audit, directory, queue, logger }),
    freeze: new FreezeActions({ config, clock, repo, audit, queue, directory, calendars: a.calendars, locks, logger }),
    plan: new PlanPromotion({ config, clock, github: github.runs, compare: github.compare, history, gates: s.gates, logger }),
    describe: new DescribeDeployments({ config, clock, repo, history, locks: a.lockStore, calendars: a.calendars, link: threadLink }),
    evidence: s.evidence,
  };
}

export type WebUseCases = ReturnType<typeof buildWebUseCases>;

/** The step engine's timing: defaults, the options' overrides, and whether webhooks wake it. */
export function execTiming(o: ShipgateOptions): ExecTiming {
  return {
    ...DEFAULT_TIMING,
    ...(o.pollMs ? { pollMs: o.pollMs, pollMaxMs: Math.max(o.pollMs * 4, o.pollMs), webhookPollMs: Math.max(o.pollMs * 20, o.pollMs) } : {}),
    ...(o.changeRecheckMs ? { changeRecheckMs: o.changeRecheckMs } : {}),
    ...(o.timing ?? {}),
    webhooks: Boolean(o.env.GITHUB_WEBHOOK_SECRET),
  };
}

/** What the worker jobs run (worker role). */
export function buildWorkerUseCases(a: Adapters, s: SharedUseCases, o: ShipgateOptions) {
  const { config, logger } = o;
  const { clock, repo, audit, queue, history, github } = a;
  const { gates, writeBack } = s;
  const timing = execTiming(o);
  const rollback = new RequestRollback({ config, clock, random: o.random ?? Math.random, repo, audit, chat: a.slack.chat, directory: a.slack.directory, queue, locks: s.locks, logger, history });
  const execute = new ExecutePromotion({
    config,
    clock,
    repo,
    audit,
    queue,
    gates,
    github: github.runs,
    pulls: github.pulls,
    git: github.git,
    reviews: github.reviews,
    logs: github.logs,
    ...(a.databricks ? { databricks: a.databricks } : {}),
    ...(a.databricksJobs ? { databricksJobs: a.databricksJobs } : {}),
    ...(a.dbtRunResults ? { dbtRunResults: a.dbtRunResults } : {}),
    runs: a.runRecords,
    wakes: a.wakes,
    logger,
    promotionLink: (p) => threadLink(p) ?? p.id,
    checksFor: checksForCommit({ config, commitChecks: github.commitChecks, commitUrl: github.commitUrl }),
    onStarted: async (p) => (await writeBack.onStart(p)).message,
    onFinished: async (p) => (await writeBack.onFinish(p)).message,
    timing,
    lifecycle: {
      openNextStage: (p) => s.autoPromote.openNextStage(p),
      rollbackAfterVerification: async (p) => ({ rollbackId: (await rollback.afterFailedVerification(p, 'shipgate')).promotion.id }),
      announce: async (text) => (config.announce ? a.slack.chat.postToChannel(config.announce.channel, text) : undefined),
    },
  });
  return {
    evaluate: new EvaluatePromotion({
      config,
      clock,
      repo,
      audit,
      github: github.runs,
      history,
      gates,
      logger,
      queue,
      commitsBetween: github.commitsBetween,
      createChange: async (p, service) => {
        const r = await writeBack.createChangeFor(p, service);
        return { ...(r.change ? { cr: r.change.number } : {}), message: r.message };
      },
    }),
    execute,
    planReview: new FollowPlanReview({ config, clock, repo, audit, github: github.runs, artifacts: github.artifacts, runs: a.runRecords, wakes: a.wakes, queue, logger, timing }),
    delivery: new DeliverChat({ clock, repo, chat: a.slack.delivery, evidencePack: (id) => s.evidence.pack(id), logger, leaseMs: timing.leaseMs }),
    mirror: new MirrorDeployment({ config, clock, repo, queue, deployments: github.deploymentWrites, logger, leaseMs: timing.leaseMs }),
    protection: new AnswerProtectionRule({ config, repo, queue, callback: github.protectionCallback, clock, logger }),
    sweeper: new SweepPromotions({ repo, queue, context: (p) => execute.context(p), clock, logger }),
    expirer: new DecideApproval({ config, clock, repo, audit, directory: a.slack.directory, queue, logger }),
    announcer: new FreezeAnnouncer({ config, clock, calendars: a.calendars, once: a.once, post: (c, t) => a.slack.chat.postToChannel(c, t), logger }),
  };
}

export type WorkerUseCases = ReturnType<typeof buildWorkerUseCases>;
