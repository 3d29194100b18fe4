import { LogLevel } from '@slack/web-api';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { Redis, type RedisOptions } from 'ioredis';
import type { Clock } from '../app/ports/clock';
import type { AuditLog } from '../app/ports/audit-log';
import type { ChangeManagement } from '../app/ports/change-management';
import type { Logger } from '../app/logger';
import { systemClock } from '../app/ports/clock';
import { CachedFreezeCalendars } from '../adapters/calendar/cached-freeze-calendars';
import { RedisWakeRegistry } from '../adapters/redis/redis-wake-registry';
import { RedisRunRecords } from '../adapters/redis/redis-run-records';
import { RedisKeys } from '../adapters/redis/redis-keys';
import { RedisPromotionRepository } from '../adapters/redis/redis-promotion-repository';
import { RedisAuditLog } from '../adapters/redis/redis-audit-log';
import { RedisDeploymentHistory } from '../adapters/redis/redis-deployment-history';
import { RedisOnceGuard } from '../adapters/redis/redis-once-guard';
import { RedisPromotionLocks } from '../adapters/redis/redis-promotion-locks';
import { BullmqJobQueue } from '../adapters/queue/bullmq-job-queue';
import { SlackChat } from '../adapters/slack/slack-chat';
import { SlackDirectory } from '../adapters/slack/slack-directory';
import { SlackPeopleLookup } from '../adapters/slack/slack-people-lookup';
import { SlackAuthMonitor } from '../adapters/slack/slack-auth-monitor';
import { SlackChatDelivery } from '../adapters/slack/slack-chat-delivery';
import { ShipgateMetrics } from '../adapters/metrics/shipgate-metrics';
import { OutboundFetch } from '../adapters/http/outbound-fetch';
import { PrometheusMetricQueries } from '../adapters/prometheus/prometheus-metric-queries';
import type { MetricQueries } from '../app/ports/metric-queries';
import { changeManagementFromEnv } from '../adapters/servicenow/change-management-from-env';
import { incidentLookupFromEnv } from '../adapters/servicenow/incident-lookup-from-env';
import type { IncidentLookup } from '../app/ports/incident-lookup';
import { DatabricksJobsClient } from '../adapters/databricks/databricks-jobs-client';
import { DatabricksJobsApi } from '../adapters/databricks/databricks-jobs';
import { DbtRunResultsFromVolume } from '../adapters/databricks/dbt-run-results';
import { commitUrlFor } from '../adapters/github/commit-url';
import { buildGitHub, type GitHubAdapters } from './build-github';
import { buildFreezeCalendars } from './build-gates';
import type { ShipgateOptions } from './shipgate-options';

/** The Slack clients: the interactive one (bounded retries), the delivery job's, and what Bolt is given. */
export interface SlackAdapters {
  chat: SlackChat;
  directory: SlackDirectory;
  /** Commit authors by email (triggered promotions). */
  people: SlackPeopleLookup;
  auth: SlackAuthMonitor;
  /** The chat delivery job's (its client retries once: the job retries with its own backoff). */
  delivery: SlackChatDelivery;
  /** Options of Bolt's own client (respond() and the listeners' client). */
  boltClientOptions: WebClientOptions;
}

/** Every adapter of a running shipgate, built once from config + env. */
export interface Adapters {
  clock: Clock;
  keys: RedisKeys;
  redis: Redis;
  metrics: ShipgateMetrics;
  repo: RedisPromotionRepository;
  audit: AuditLog;
  history: RedisDeploymentHistory;
  queue: BullmqJobQueue;
  /** Connection of the workers (none in the web role). */
  workerConnection: Redis | undefined;
  outbound: OutboundFetch;
  slack: SlackAdapters;
  github: GitHubAdapters;
  changes: ChangeManagement;
  /** Prometheus of the `metrics` gate (PROMETHEUS_URL); undefined when not set. */
  prometheus: MetricQueries | undefined;
  /** Incidents by number (`hotfix=INC…`). */
  incidents: IncidentLookup;
  calendars: CachedFreezeCalendars;
  databricks: DatabricksJobsClient | undefined;
  /** The databricks strategy's Jobs API and dbt run_results reader (both need DATABRICKS_HOST / DATABRICKS_TOKEN). */
  databricksJobs: DatabricksJobsApi | undefined;
  dbtRunResults: DbtRunResultsFromVolume | undefined;
  wakes: RedisWakeRegistry;
  runRecords: RedisRunRecords;
  once: RedisOnceGuard;
  lockStore: RedisPromotionLocks;
  /** Drops the Redis connections and aborts the outbound calls still waiting (last step of close()). */
  disconnect(): void;
}

function redisConnection(url: string, logger: Logger, what: string, options: RedisOptions): Redis {
  const redis = new Redis(url, options);
  redis.on('error', (e) => logger.warn({ err: e }, `${what} connection error`));
  return redis;
}

function buildSlack(o: ShipgateOptions, outbound: OutboundFetch, clock: Clock): SlackAdapters {
  const { env, config, logger } = o;
  const slackApiUrl = env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/` } : {};
  // unref: a retry waiting when the process stops does not hold it open
  const retryConfig = { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2000, unref: true };
  // failures reach callers as errors (logged there, redacted); the client's own console lines would only duplicate them
  const client = new WebClient(env.SLACK_BOT_TOKEN, { ...slackApiUrl, retryConfig, fetch: outbound.fetch, logLevel: LogLevel.ERROR });
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
  const auth = new SlackAuthMonitor({
    // one attempt with a bound per check; the monitor backs off itself
    authTest: () => new WebClient(env.SLACK_BOT_TOKEN, { ...slackApiUrl, retryConfig: { retries: 0 }, timeout: 10_000, fetch: outbound.fetch, logLevel: LogLevel.ERROR }).auth.test(),
    logger,
    clock,
    ...o.slackAuth,
  }).start();
  const renderOptions = { commitUrl: commitUrlFor(env.GITHUB_API_URL), emergencyEnabled: Boolean(config.emergency) };
  return {
    chat: new SlackChat(client, renderOptions, deliveryClient),
    directory: new SlackDirectory(client, clock),
    people: new SlackPeopleLookup(client),
    auth,
    delivery: new SlackChatDelivery(deliveryClient, renderOptions),
    boltClientOptions: { ...slackApiUrl, retryConfig, fetch: outbound.fetch },
  };
}

/** Builds the adapters of `serve` (and the sandbox) for a role; the Slack token check starts at once. */
export function buildAdapters(o: ShipgateOptions): Adapters {
  const { config, env, logger } = o;
  const clock = o.clock ?? systemClock;
  const keys = new RedisKeys(env.SHIPGATE_REDIS_PREFIX);
  const redis = redisConnection(env.REDIS_URL, logger, 'redis', { maxRetriesPerRequest: 3, lazyConnect: false });
  const bullConnection = redisConnection(env.REDIS_URL, logger, 'redis (queue)', { maxRetriesPerRequest: null });
  const workerConnection = o.role === 'web' ? undefined : redisConnection(env.REDIS_URL, logger, 'redis (worker)', { maxRetriesPerRequest: null });
  let depth: () => Promise<number> = async () => 0;
  const metrics = new ShipgateMetrics(() => depth());
  // the connection's own error listener logs the outage once per reconnect attempt; the queues repeat it
  const queue = new BullmqJobQueue(bullConnection, keys.queuePrefix(), (e) => logger.debug({ err: e }, 'queue: redis error'));
  depth = () => queue.depth();
  // every outbound call (Slack, response_url, GitHub, ServiceNow) goes through one fetch that close() aborts
  const outbound = new OutboundFetch();
  const changes = changeManagementFromEnv(env, { logger, defaultTimeZone: config.timezone, client: { fetch: outbound.fetch } });
  return {
    clock,
    keys,
    redis,
    metrics,
    repo: metrics.meteredRepository(new RedisPromotionRepository(redis, keys)),
    audit: metrics.metered(new RedisAuditLog(redis, keys)),
    history: new RedisDeploymentHistory(redis, keys),
    queue,
    workerConnection,
    outbound,
    slack: buildSlack(o, outbound, clock),
    github: buildGitHub(env, logger, {
      onRequest: (route) => metrics.githubCalls.inc({ method: route.split(' ')[0] ?? 'GET' }),
      onRateLimit: (remaining) => metrics.rateLimit.set(remaining),
      ...(o.githubThrottle === false ? { throttle: false } : {}),
      ...(o.githubTimeoutMs ? { timeoutMs: o.githubTimeoutMs } : {}),
      fetch: outbound.fetch,
    }),
    changes,
    prometheus: env.PROMETHEUS_URL ? new PrometheusMetricQueries({ baseUrl: env.PROMETHEUS_URL, fetch: outbound.fetch }) : undefined,
    incidents: incidentLookupFromEnv(env, { logger, client: { fetch: outbound.fetch } }),
    calendars: buildFreezeCalendars(config, o.baseDir ?? process.cwd(), { clock, logger, blackouts: changes }),
    databricks: env.DATABRICKS_HOST && env.DATABRICKS_TOKEN ? new DatabricksJobsClient(env.DATABRICKS_HOST, env.DATABRICKS_TOKEN) : undefined,
    databricksJobs: env.DATABRICKS_HOST && env.DATABRICKS_TOKEN ? new DatabricksJobsApi({ host: env.DATABRICKS_HOST, token: env.DATABRICKS_TOKEN, fetch: outbound.fetch }) : undefined,
    dbtRunResults: env.DATABRICKS_HOST && env.DATABRICKS_TOKEN ? new DbtRunResultsFromVolume({ host: env.DATABRICKS_HOST, token: env.DATABRICKS_TOKEN, fetch: outbound.fetch }) : undefined,
    wakes: new RedisWakeRegistry(redis, keys),
    runRecords: new RedisRunRecords(redis, keys),
    once: new RedisOnceGuard(redis, keys),
    lockStore: new RedisPromotionLocks(redis, keys),
    disconnect: () => {
      redis.disconnect();
      bullConnection.disconnect();
      workerConnection?.disconnect();
      outbound.abort();
    },
  };
}
