import { App, LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import type { ShipgateConfig } from './config/config-schema';
import type { Role, ShipgateEnv } from './config/env-schema';
import type { Logger } from './app/logger';
import { systemClock, type Clock } from './app/ports/clock';
import { GateEvaluator } from './app/gate-evaluator';
import { RequestPromotion } from './app/request-promotion';
import { EvaluatePromotion } from './app/evaluate-promotion';
import { DecideApproval } from './app/decide-approval';
import { FreezeActions } from './app/freeze-actions';
import { freezeGateCheck } from './app/freeze-gate-check';
import { CachedFreezeCalendars } from './adapters/calendar/cached-freeze-calendars';
import { ExecutePromotion, type Advance } from './app/execution/execute-promotion';
import { DEFAULT_TIMING, type ExecTiming } from './app/execution/exec-deps';
import { MirrorDeployment } from './app/execution/mirror-deployment';
import { DeliverChat } from './app/deliver-chat';
import { SweepPromotions } from './app/sweep-promotions';
import { SlackChatDelivery } from './adapters/slack/slack-chat-delivery';
import { RedisWakeRegistry } from './adapters/redis/redis-wake-registry';
import { RedisRunRecords } from './adapters/redis/redis-run-records';
import { RedisKeys } from './adapters/redis/redis-keys';
import { RedisPromotionRepository } from './adapters/redis/redis-promotion-repository';
import { RedisAuditLog } from './adapters/redis/redis-audit-log';
import type { AuditLog } from './app/ports/audit-log';
import { RedisDeploymentHistory } from './adapters/redis/redis-deployment-history';
import { RedisOnceGuard } from './adapters/redis/redis-once-guard';
import { FreezeAnnouncer } from './app/freeze-announcer';
import { BullmqJobQueue } from './adapters/queue/bullmq-job-queue';
import { startPromotionWorkers } from './adapters/queue/promotion-worker';
import { createGitHubClient, githubCallScope } from './adapters/github/github-client';
import { GitHubWorkflowRuns } from './adapters/github/github-workflow-runs';
import { SlackChat } from './adapters/slack/slack-chat';
import { SlackDirectory } from './adapters/slack/slack-directory';
import { registerSlackListeners } from './adapters/slack/slack-listeners';
import { SlackListenerRegistry } from './adapters/slack/listener-registry';
import { createSlackReceiver } from './adapters/slack/slack-receiver';
import { slackEventsRoute } from './adapters/http/slack-events-route';
import { HttpServer, sendJson } from './adapters/http/http-server';
import { ShipgateMetrics } from './adapters/metrics/shipgate-metrics';
import { GitHubPullRequests } from './adapters/github/github-pull-requests';
import { GitHubEnvironmentReviews } from './adapters/github/github-environment-reviews';
import { GitHubRunLogs } from './adapters/github/github-run-logs';
import { GitHubGitData } from './adapters/github/github-git-data';
import { GitHubDeployments } from './adapters/github/github-deployments';
import { GitHubProtectionRuleCallback } from './adapters/github/github-protection-rule-callback';
import { githubWebhookRoute } from './adapters/http/github-webhook-route';
import { DatabricksJobsClient } from './adapters/databricks/databricks-jobs-client';
import { changeManagementFromEnv } from './adapters/servicenow/change-management-from-env';
import { registerServiceNowGates } from './app/servicenow-gates';
import { ChangeWriteBack } from './app/change-write-back';
import { HandleGitHubEvent } from './app/handle-github-event';
import { AnswerProtectionRule } from './app/answer-protection-rule';
import { LockGuard } from './app/lock-guard';
import { RequestRollback } from './app/request-rollback';
import { DescribeDeployments } from './app/describe-deployments';
import { PublishEvidence } from './app/publish-evidence';
import { RedisPromotionLocks } from './adapters/redis/redis-promotion-locks';
import type { Promotion } from './domain/promotion';
import { findService } from './domain/resolve-request';
import { ShipgateError } from './domain/shipgate-error';
import { registerGitHubGates } from './app/github-gates';
import { checksGate } from './domain/gates/checks-gate';
import { PlanPromotion } from './app/plan-promotion';
import { redeployGateCheck } from './app/redeploy-gate-check';
import { EtagCache } from './adapters/github/etag-cache';
import { GitHubCommitChecks } from './adapters/github/github-commit-checks';
import { GitHubCompare } from './adapters/github/github-compare';
import { GitHubDeploymentLookup } from './adapters/github/github-deployment-lookup';
import { OutboundFetch } from './adapters/http/outbound-fetch';
import { SlackAuthMonitor } from './adapters/slack/slack-auth-monitor';

export interface ShipgateOptions {
  config: ShipgateConfig;
  /** Directory relative paths in the config (ICS files) are resolved against. */
  baseDir?: string;
  env: ShipgateEnv;
  role: Role;
  logger: Logger;
  clock?: Clock;
  random?: () => number;
  /** Poll interval while following GitHub runs (ms). */
  pollMs?: number;
  /** Extra routes on the same port (the sandbox console). */
  extraRoutes?: (server: HttpServer) => void;
  /** Host to bind (default 0.0.0.0). */
  host?: string;
  /** How often a change awaiting approval is re-checked (default 60 s). */
  changeRecheckMs?: number;
  /** Octokit client-side pacing (default on; emulator-backed tests turn it off). */
  githubThrottle?: boolean;
  /** Step-engine timing overrides (tests). */
  timing?: Partial<ExecTiming>;
  /** Job lock duration: a killed worker's job resumes after about 1.5× this (default 4 s). */
  lockDurationMs?: number;
  /** How often the sweeper looks for promotions whose job was lost (default 30 s). */
  sweepEveryMs?: number;
  /** Per-attempt timeout of GitHub requests (default 10 s). */
  githubTimeoutMs?: number;
  /** Slack token checks behind /readyz (defaults: re-check every 5 min, backoff 1 s … 5 min after a failure). */
  slackAuth?: { recheckMs?: number; minBackoffMs?: number; maxBackoffMs?: number };
  /**
   * How long close() lets in-flight Slack listener work and running worker jobs finish (default
   * 3 s). What is still running then is abandoned the way a crash abandons it: a worker job's
   * lock expires and another worker resumes it, without repeating a side effect.
   */
  shutdownGraceMs?: number;
}

export interface Shipgate {
  url: string;
  port: number;
  redis: Redis;
  keys: RedisKeys;
  repo: RedisPromotionRepository;
  audit: AuditLog;
  history: RedisDeploymentHistory;
  queue: BullmqJobQueue;
  workers: Worker[];
  /** The bot token's last auth.test (what /readyz reports). */
  slackAuth: SlackAuthMonitor;
  /** Bounded: resolves within about `shutdownGraceMs` + 3 s whatever Slack, GitHub or Redis do. */
  close(): Promise<void>;
}

/** Resolves when `work` settles or after `ms`, whichever is first; says which. */
async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms).unref())),
  ]);
  clearTimeout(timer);
  return settled;
}

/** GitHub web URL of a commit, derived from the API base (github.com, GHES /api/v3, or an emulator). */
export function commitUrlFor(apiUrl: string): (repo: string, sha: string) => string {
  const base = apiUrl.replace(/\/$/, '');
  const web = base === 'https://api.github.com' ? 'https://github.com' : base.replace(/\/api\/v3$/, '');
  return (repo, sha) => `${web}/${repo}/commit/${sha}`;
}

/** The composition root: wires config, adapters and use-cases for a role and starts them. */
export async function startShipgate(o: ShipgateOptions): Promise<Shipgate> {
  const { config, env, logger } = o;
  const clock = o.clock ?? systemClock;
  const keys = new RedisKeys(env.SHIPGATE_REDIS_PREFIX);
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: false });
  redis.on('error', (e) => logger.warn({ err: e.message }, 'redis connection error'));
  const bullConnection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  bullConnection.on('error', (e) => logger.warn({ err: e.message }, 'redis (queue) connection error'));

  const workerConnection = o.role === 'web' ? undefined : new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  workerConnection?.on('error', (e) => logger.warn({ err: e.message }, 'redis (worker) connection error'));
  let depth: () => Promise<number> = async () => 0;
  const metrics = new ShipgateMetrics(() => depth());
  const repo = metrics.meteredRepository(new RedisPromotionRepository(redis, keys));
  const audit = metrics.metered(new RedisAuditLog(redis, keys));
  const history = new RedisDeploymentHistory(redis, keys);
  // the connection's own error listener logs the outage once per reconnect attempt; the queues repeat it
  const queue = new BullmqJobQueue(bullConnection, keys.queuePrefix(), (e) => logger.debug({ err: e.message }, 'queue: redis error'));
  depth = () => queue.depth();

  // every outbound call (Slack, response_url, GitHub, ServiceNow) goes through one fetch that close() aborts
  const outbound = new OutboundFetch();
  const slackApiUrl = env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/` } : {};
  // unref: a retry waiting when the process stops does not hold it open
  const slackRetry = { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2000, unref: true };
  // failures reach callers as errors (logged there, redacted); the client's own console lines would only duplicate them
  const slackClient = new WebClient(env.SLACK_BOT_TOKEN, { ...slackApiUrl, retryConfig: slackRetry, fetch: outbound.fetch, logLevel: LogLevel.ERROR });
  // the delivery job retries with its own backoff and looks in the thread before posting again:
  // the client never retries, since a post answered 500 or timed out may have been applied
  const deliveryClient = new WebClient(env.SLACK_BOT_TOKEN, {
    ...slackApiUrl,
    retryConfig: { retries: 0 },
    timeout: 10_000,
    rejectRateLimitedCalls: true,
    fetch: outbound.fetch,
    logLevel: LogLevel.ERROR,
  });
  const slackAuth = new SlackAuthMonitor({
    // one attempt with a bound per check; the monitor backs off itself
    authTest: () => new WebClient(env.SLACK_BOT_TOKEN, { ...slackApiUrl, retryConfig: { retries: 0 }, timeout: 10_000, fetch: outbound.fetch, logLevel: LogLevel.ERROR }).auth.test(),
    logger,
    clock,
    ...o.slackAuth,
  }).start();
  const renderOptions = { commitUrl: commitUrlFor(env.GITHUB_API_URL), emergencyEnabled: Boolean(config.emergency) };
  const chat = new SlackChat(slackClient, renderOptions);
  const directory = new SlackDirectory(slackClient, clock);
  const ghClient = createGitHubClient({
    baseUrl: env.GITHUB_API_URL,
    ...(env.GITHUB_APP_ID && env.GITHUB_APP_PRIVATE_KEY && env.GITHUB_APP_INSTALLATION_ID
      ? { app: { appId: env.GITHUB_APP_ID, privateKey: env.GITHUB_APP_PRIVATE_KEY, installationId: env.GITHUB_APP_INSTALLATION_ID } }
      : { token: env.GITHUB_TOKEN ?? '' }),
    logger,
    onRequest: (route) => metrics.githubCalls.inc({ method: route.split(' ')[0] ?? 'GET' }),
    onRateLimit: (remaining) => metrics.rateLimit.set(remaining),
    ...(o.githubThrottle === false ? { throttle: false } : {}),
    ...(o.githubTimeoutMs ? { timeoutMs: o.githubTimeoutMs } : {}),
    fetch: outbound.fetch,
  });
  /** Adds the GitHub calls counted so far in a scope to the promotion's evidence (and zeroes them, so none counts twice). */
  const settleGithubCalls = async (scope: { promotionId: string; calls: number } | undefined, id: string) => {
    if (!scope || scope.promotionId !== id || !scope.calls) return;
    const calls = scope.calls;
    scope.calls = 0;
    await repo
      .update(id, (cur) => ({ ...cur, evidence: { ...cur.evidence, githubCalls: (cur.evidence.githubCalls ?? 0) + calls } }))
      .catch((e: Error) => logger.warn({ promotionId: id, err: e.message }, 'could not record the GitHub call count'));
  };
  /** Runs worker work for a promotion and adds the GitHub calls it made to the promotion's evidence. */
  const counted = async (id: string, work: () => Promise<unknown>) => {
    const scope = { promotionId: id, calls: 0 };
    try {
      await githubCallScope.run(scope, work);
    } finally {
      await settleGithubCalls(scope, id);
    }
  };
  const etags = new EtagCache(ghClient);
  const github = new GitHubWorkflowRuns(ghClient, etags);
  const pullRequests = new GitHubPullRequests(ghClient);
  const runLogs = new GitHubRunLogs(ghClient);
  const compare = new GitHubCompare(ghClient, { etags });
  const changes = changeManagementFromEnv(env, { logger, defaultTimeZone: config.timezone, client: { fetch: outbound.fetch } });
  const calendars = new CachedFreezeCalendars(config, o.baseDir ?? process.cwd(), clock, logger, { blackoutSource: (name) => changes.blackoutSpans(name) });
  const gates = new GateEvaluator({ config, clock }).register('freeze', freezeGateCheck(calendars, config));
  registerServiceNowGates(gates, { changes, hasEmergencyOverride: (p) => Boolean(p.override?.approvedBy) });
  const commitChecks = new GitHubCommitChecks(ghClient, { etags });
  registerGitHubGates(gates, {
    commitChecks,
    deployments: new GitHubDeploymentLookup(ghClient, { etags }),
    history,
    timeZone: config.timezone,
    commitUrl: commitUrlFor(env.GITHUB_API_URL),
  });
  gates.register('redeploy', redeployGateCheck(history));
  const threadLink = (p: Promotion) => (p.messageTs ? `https://slack.com/archives/${p.channel}/p${p.messageTs.replace('.', '')}` : undefined);
  const writeBack = new ChangeWriteBack({ changes, config, clock, threadLink, commitUrl: commitUrlFor(env.GITHUB_API_URL), logger });
  const wakes = new RedisWakeRegistry(redis, keys);
  const runRecords = new RedisRunRecords(redis, keys);
  const once = new RedisOnceGuard(redis, keys);
  const lockStore = new RedisPromotionLocks(redis, keys);
  const locks = new LockGuard({ clock, repo, queue, promotionLink: threadLink });
  const evidence = new PublishEvidence({
    repo,
    audit,
    queue,
    clock,
    threadLink,
    commitUrl: commitUrlFor(env.GITHUB_API_URL),
    // a pack built inside a job that made GitHub calls for the promotion: count them first
    settleCounters: (id) => settleGithubCalls(githubCallScope.getStore(), id),
    directory,
    journey: { config, history, github: { pulls: compare, runs: github, logs: runLogs }, logger },
  });

  const server = new HttpServer(logger);
  let workers: Worker[] = [];
  let slackApp: App | undefined;
  const inflight = new Set<Promise<unknown>>();
  /** Adds work to `inflight` until it settles (listener work after ack(), worker jobs). */
  const tracked = <T>(work: Promise<T>): Promise<T> => {
    inflight.add(work);
    const done = () => inflight.delete(work);
    work.then(done, done);
    return work;
  };

  if (o.role !== 'worker') {
    const request = new RequestPromotion({ config, clock, random: o.random ?? Math.random, repo, audit, chat, directory, queue, locks, logger });
    const rollback = new RequestRollback({ config, clock, random: o.random ?? Math.random, repo, audit, chat, directory, queue, locks, logger, history });
    const decide = new DecideApproval({ config, clock, repo, audit, directory, queue, logger });
    const freeze = new FreezeActions({ config, clock, repo, audit, queue, directory, calendars, locks, logger });
    const socketMode = Boolean(env.SLACK_APP_TOKEN);
    const receiver = socketMode ? undefined : createSlackReceiver(env.SLACK_SIGNING_SECRET ?? '', logger);
    slackApp = new App({
      // our own auth.test (SlackAuthMonitor) instead of Bolt's: Bolt's runs once, retries for half an
      // hour without a timeout and holds every request until it answers; ours backs off and recovers
      authorize: async () => ({ botToken: env.SLACK_BOT_TOKEN, ...slackAuth.identity() }),
      ...(socketMode ? { socketMode: true, appToken: env.SLACK_APP_TOKEN } : { receiver: receiver! }),
      logLevel: LogLevel.ERROR,
      // respond() and the listeners' client use the same abortable fetch and bounded retries
      clientOptions: { ...slackApiUrl, retryConfig: slackRetry, fetch: outbound.fetch },
    });
    // track listener work that continues after ack() so close() can wait for it
    slackApp.use(({ next }) => tracked(next()));
    const plan = new PlanPromotion({ config, clock, github, compare, history, gates, logger });
    const listeners = new SlackListenerRegistry();
    registerSlackListeners(listeners.recording(slackApp), {
      commitUrl: commitUrlFor(env.GITHUB_API_URL), config, useCases: { request, rollback, plan, decide, freeze, describe: new DescribeDeployments({ config, clock, repo, history, locks: lockStore, calendars, link: threadLink }), evidence }, repo, chat, logger });
    if (receiver) {
      const slackRoute = slackEventsRoute({ signingSecret: env.SLACK_SIGNING_SECRET ?? '', receiver, listeners, replays: once, logger });
      server.route('POST', '/slack/events', (req, res) => {
        // ack latency as Slack sees it: request arrival → HTTP response
        const started = process.hrtime.bigint();
        const kind = String(req.headers['content-type'] ?? '').includes('json') ? 'event' : 'command_or_interaction';
        res.on('finish', () => metrics.ack.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9));
        metrics.commands.inc({ kind });
        return slackRoute(req, res);
      });
    }
  }

  if (o.role !== 'web') {
    const evaluate = new EvaluatePromotion({
      config,
      clock,
      repo,
      audit,
      github,
      history,
      gates,
      logger,
      queue,
      commitsBetween: (r, base, head) => pullRequests.commitsBetween(r, base, head),
      createChange: async (p, service) => {
        const r = await writeBack.createChangeFor(p, service);
        return { ...(r.change ? { cr: r.change.number } : {}), message: r.message };
      },
    });
    const timing: ExecTiming = {
      ...DEFAULT_TIMING,
      ...(o.pollMs ? { pollMs: o.pollMs, pollMaxMs: Math.max(o.pollMs * 4, o.pollMs), webhookPollMs: Math.max(o.pollMs * 20, o.pollMs) } : {}),
      ...(o.changeRecheckMs ? { changeRecheckMs: o.changeRecheckMs } : {}),
      ...(o.timing ?? {}),
      webhooks: Boolean(env.GITHUB_WEBHOOK_SECRET),
    };
    const execute = new ExecutePromotion({
      config,
      clock,
      repo,
      audit,
      queue,
      gates,
      github,
      pulls: pullRequests,
      git: new GitHubGitData(ghClient),
      reviews: new GitHubEnvironmentReviews(ghClient),
      logs: runLogs,
      ...(env.DATABRICKS_HOST && env.DATABRICKS_TOKEN ? { databricks: new DatabricksJobsClient(env.DATABRICKS_HOST, env.DATABRICKS_TOKEN) } : {}),
      runs: runRecords,
      wakes,
      logger,
      promotionLink: (p) => threadLink(p) ?? p.id,
      checksFor: async (p, sha) => {
        const service = findService(config, p.service);
        if (!service.requiredChecks.length) return undefined;
        return checksGate(service.requiredChecks, await commitChecks.observe(p.repo, sha), { sha, commitUrl: commitUrlFor(env.GITHUB_API_URL)(p.repo, sha) });
      },
      onStarted: async (p) => (await writeBack.onStart(p)).message,
      onFinished: async (p) => (await writeBack.onFinish(p)).message,
      timing,
    });
    const delivery = new DeliverChat({ clock, repo, chat: new SlackChatDelivery(deliveryClient, renderOptions), evidencePack: (id) => evidence.pack(id), logger, leaseMs: timing.leaseMs });
    const mirror = new MirrorDeployment({ config, clock, repo, queue, deployments: new GitHubDeployments(ghClient), logger, leaseMs: timing.leaseMs });
    const protection = new AnswerProtectionRule({ config, repo, queue, callback: new GitHubProtectionRuleCallback(ghClient), clock, logger });
    const sweeper = new SweepPromotions({ repo, queue, context: (p) => execute.context(p), clock, logger });
    const expirer = new DecideApproval({ config, clock, repo, audit, directory, queue, logger });
    const announcer = new FreezeAnnouncer({ config, clock, calendars, once, post: (c, t) => chat.postToChannel(c, t), logger });
    workers = startPromotionWorkers(
      workerConnection!,
      queue,
      {
        evaluate: (id) => tracked(counted(id, () => evaluate.execute(id))),
        execute: (id, token) =>
          tracked(
            (async () => {
          const box: { r: Advance } = { r: { done: true } };
          await counted(id, async () => {
            box.r = await execute.advance(id, token);
          });
          return box.r.done ? ({ done: true } as const) : ({ done: false, waitMs: box.r.waitMs } as const);
            })(),
          ),
        deliverChat: async (id, token) => {
          // an evidence pack may look up earlier stages on GitHub: those calls count too
          const box: { r: Awaited<ReturnType<DeliverChat['deliver']>> } = { r: { done: true } };
          await counted(id, async () => {
            box.r = await delivery.deliver(id, token);
          });
          return box.r;
        },
        mirror: (id, token) => tracked(counted(id, () => mirror.mirror(id, token)).then(() => undefined)),
        expire: (id) => tracked(expirer.expire(id)),
        announce: () => tracked(announcer.tick()),
        sweep: () => tracked(sweeper.sweep()),
        protect: (e, attempt) => tracked(protection.handle(e, attempt)),
      },
      logger,
      {
        ...(env.WORKER_CONCURRENCY ? { concurrency: env.WORKER_CONCURRENCY } : {}),
        ...(o.lockDurationMs ? { lockDurationMs: o.lockDurationMs, stalledIntervalMs: Math.max(250, Math.floor(o.lockDurationMs / 2)) } : {}),
      },
    );
    await queue.scheduleSweeper(o.sweepEveryMs ?? 30_000);
    if (config.announce) await queue.scheduleAnnouncements();
  }

  const githubEvents = new HandleGitHubEvent({ wakes, runs: runRecords, queue, logger });
  // answered by a worker job (retried when GitHub fails), never inline in the webhook request
  server.route('POST', '/github/webhooks', githubWebhookRoute({ secret: env.GITHUB_WEBHOOK_SECRET, previousSecret: env.GITHUB_WEBHOOK_SECRET_PREVIOUS, once, events: githubEvents, protection: { handle: (e) => queue.enqueueProtectionAnswer(e) }, logger }));
  server.route('GET', '/metrics', async (_req, res) => {
    res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
  });
  server.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok', role: o.role }));
  server.route('GET', '/readyz', async (_req, res) => {
    // ready = Redis answers PING, the config is loaded and Slack accepted the bot token (auth.test)
    const [redisState, slack] = await Promise.all([
      Promise.race([redis.ping(), new Promise<string>((_, rej) => setTimeout(() => rej(new Error('timeout')), 1000).unref())]).then(
        (pong) => (pong === 'PONG' ? undefined : 'redis not ready'),
        (e: unknown) => `redis unreachable: ${e instanceof Error ? e.message : String(e)}`,
      ),
      slackAuth.whenChecked(1000),
    ]);
    const reasons = [
      ...(redisState ? [redisState] : []),
      ...(slack.status === 'failed' ? [`slack auth.test failed: ${slack.error}`] : slack.status === 'pending' ? ['slack auth.test has not answered yet'] : []),
    ];
    const body = { config: 'loaded', services: config.services.length, slack };
    if (!reasons.length) return sendJson(res, 200, { status: 'ready', ...body });
    sendJson(res, 503, { status: redisState?.startsWith('redis unreachable') ? 'redis unreachable' : 'not ready', reasons, ...body });
  });
  o.extraRoutes?.(server);

  const grace = o.shutdownGraceMs ?? 3000;
  /**
   * Bounded whatever Slack, GitHub or Redis do: stop taking work, give what runs `grace` ms,
   * then close Redis (so abandoned work cannot record anything half-done) and abort the
   * outbound calls still waiting for an answer.
   */
  const close = async (listening: boolean) => {
    slackAuth.stop();
    const stopping: Array<Promise<unknown>> = [];
    if (listening) stopping.push(server.close());
    if (slackApp && env.SLACK_APP_TOKEN) stopping.push(slackApp.stop());
    for (const w of workers) stopping.push(w.pause(true)); // no new jobs; running ones keep going
    await within(1000, Promise.allSettled(stopping));
    if (!(await within(grace, Promise.allSettled([...inflight])))) {
      logger.warn({ abandoned: inflight.size, outboundCallsWaiting: outbound.inFlight, graceMs: grace }, 'work still running at shutdown is abandoned (a worker job is resumed by the next worker)');
    }
    await within(1500, Promise.allSettled(workers.map((w) => w.close(true))));
    await within(1000, queue.close());
    redis.disconnect();
    bullConnection.disconnect();
    workerConnection?.disconnect();
    outbound.abort();
  };
  let port: number;
  try {
    port = await server.listen(env.PORT, o.host ?? '0.0.0.0');
    if (slackApp && env.SLACK_APP_TOKEN) await slackApp.start();
  } catch (e) {
    // nothing may keep the process alive after a failed start (port taken, Socket Mode refused)
    await close(false);
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'EADDRINUSE' ? new ShipgateError('internal', `port ${env.PORT} is already in use: stop what uses it or set PORT`) : e;
  }
  logger.info({ port, role: o.role, socketMode: Boolean(env.SLACK_APP_TOKEN) }, 'shipgate started');

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    redis,
    keys,
    repo,
    audit,
    history,
    queue,
    workers,
    slackAuth,
    close: () => close(true),
  };
}
