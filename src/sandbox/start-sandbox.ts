/**
 * `shipgate sandbox`: the real bot (`startShipgate`, the same code path as `serve`, role
 * `all`) wired to the built-in Slack, GitHub and ServiceNow emulators, with a demo
 * workspace, a demo `shipgate.yml`, seeded history, and the browser console on the bot's
 * own port.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../config/load-config';
import { approvalRuleWarnings } from '../config/approval-rules-issues';
import { formatPath } from '../config/format-issues';
import { loadEnv } from '../config/env-schema';
import type { ShipgateConfig } from '../config/config-schema';
import { createLogger } from '../adapters/logging/create-logger';
import { silentLogger } from '../app/logger';
import type { DeploymentHistory } from '../app/ports/deployment-history';
import { startShipgate, type Shipgate } from '../main';
import { ShipgateError } from '../shared/shipgate-error';
import { SlackEmulator } from '../emulators/slack-emulator';
import { GitHubEmulator } from '../emulators/github-emulator';
import { ServiceNowEmulator } from '../emulators/servicenow-emulator';
import { DatabricksEmulator } from '../emulators/databricks-emulator';
import { seedDatabricks, type DatabricksSeed } from './seed-databricks';
import { DEMO_CHANNELS, DEMO_USERGROUPS, DEMO_USERS, demoGroupMembers } from './demo-workspace';
import { startSandboxRedis, type SandboxRedis } from './sandbox-redis';
import { claimPrefix } from './prefix-claim';
import { seedGitHub, type GitHubSeed, type SeedClock } from './seed-github';
import { seedHistory } from './seed-history';
import { seedWebapp } from './seed-webapp';
import { registerMergeToMain } from './console/merge-to-main';
import { INFRA_REPO, seedPlanReview } from './seed-plan-review';
import { seedCycleRunsOn } from './seed-cycles';
import { openDemoChangeWindows, seedServiceNow, type ServiceNowSeed } from './seed-servicenow';
import { PrometheusEmulator } from '../emulators/prometheus-emulator';
import { seedPrometheus } from './seed-prometheus';
import { SandboxConsole } from './console/sandbox-console';
import { ClockConsole } from './console/clock-console';
import { SandboxClock } from './sandbox-clock';
import { buildFreezeCalendars } from '../wiring/build-gates';
import { buildChangeManagement } from '../wiring/build-change-management';

export interface SandboxOptions {
  /** Port of the bot and the console (default 3000; 0 = a free one). */
  port?: number;
  /** Address to bind (default 127.0.0.1; `0.0.0.0` to reach it from other machines or a container). */
  host?: string;
  /** Use this Redis instead of starting a private redis-server (`REDIS_URL`). */
  redisUrl?: string;
  /**
   * Where the private redis-server keeps its append-only file (default `.data/redis/<port>`:
   * one per port, so sandboxes on different ports never share data); one sandbox per directory.
   */
  dataDir?: string;
  /**
   * Redis key prefix (`SHIPGATE_REDIS_PREFIX`, default `sandbox`); its keys are reset at every
   * start. In a shared Redis (`redisUrl`) one sandbox at a time holds a prefix.
   */
  prefix?: string;
  /** Progress lines of the sandbox itself (not the bot's logs). */
  log?: (line: string) => void;
  /** The bot's log level (`LOG_LEVEL`, default `warn`; logs go to stdout as JSON). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Demo config (default `examples/sandbox/shipgate.yml`). */
  configFile?: string;
  /**
   * `false` drops the freeze calendar, for runs whose outcome must not depend on today's
   * date (the end-to-end tests); default true.
   */
  freezeCalendar?: boolean;
  /** The redis-server to start when no `redisUrl` is given (default: `redis-server` on `searchPath`). */
  redisServerBinary?: string;
  /** PATH-style directories searched for `redis-server` (default `process.env.PATH`). */
  searchPath?: string;
  /** How often the worker polls a GitHub run it follows (ms, default 1000). */
  pollMs?: number;
  /** Start the sandbox's clock at this instant (default: now); the console moves it at runtime. */
  startAt?: Date;
  /** Socket Mode: the bot gets SLACK_APP_TOKEN and the emulated Slack delivers over its WebSocket. */
  socketMode?: boolean;
  /** A Prometheus for `metrics` gates (PROMETHEUS_URL); default: the Prometheus emulator, answering the demo query. */
  prometheusUrl?: string;
}

export interface Sandbox {
  /** The console, e.g. `http://127.0.0.1:3000/`. */
  url: string;
  port: number;
  prefix: string;
  redis: { url: string; description: string; dataDir?: string };
  configFile: string;
  config: ShipgateConfig;
  slack: SlackEmulator;
  github: GitHubEmulator;
  servicenow: ServiceNowEmulator;
  databricks: DatabricksEmulator;
  app: Shipgate;
  seed: GitHubSeed & { servicenow: ServiceNowSeed; databricks: DatabricksSeed };
  /** The clock the bot and the emulators share (real time + the console's offset). */
  clock: SandboxClock;
  /** The console's clock control (also behind `/console/api/clock`). */
  clockControl: ClockConsole;
  close(): Promise<void>;
}

/** The repository root (holds package.json and examples/), from src/sandbox or dist/src/sandbox. */
export function packageRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'shipgate') return dir;
      } catch {
        // keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export const DEMO_CONFIG = path.join('examples', 'sandbox', 'shipgate.yml');

async function resetPrefix(url: string, prefix: string): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  r.on('error', () => undefined);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return deleted;
}

/** Fails early, before anything is started, when the port cannot be listened on. */
async function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const code = await new Promise<string | undefined>((resolve) => {
    const probe = net.createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });
  if (code === 'EADDRINUSE') {
    throw new ShipgateError('bad_option', `port ${port} is already in use: run the sandbox with --port ${port + 1} (or --port 0 for any free port)`, { port });
  }
  if (code === 'EACCES') throw new ShipgateError('bad_option', `no permission to listen on port ${port}: use a port above 1023, e.g. --port 3000`, { port });
  if (code) throw new ShipgateError('bad_option', `cannot listen on ${host}:${port}: ${code}`, { port, host });
}

function secret(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

export async function startSandbox(o: SandboxOptions = {}): Promise<Sandbox> {
  const log = o.log ?? (() => undefined);
  const prefix = o.prefix ?? 'sandbox';
  const host = o.host ?? '127.0.0.1';
  const configFile = path.resolve(o.configFile ?? path.join(packageRoot(), DEMO_CONFIG));
  const loaded = loadConfig(configFile);
  let config = loaded.config;
  if (o.freezeCalendar === false) config = { ...config, freezes: [] };
  // the demo workspace declares its user groups: approval rules naming others (or asking more than their members) are flagged
  for (const w of approvalRuleWarnings(config, demoGroupMembers())) log(`warning: ${formatPath(w.path)}: ${w.message}`);
  const port = o.port ?? 3000;
  await assertPortFree(port, host);

  const redis: SandboxRedis = await startSandboxRedis({
    ...(o.redisUrl ? { redisUrl: o.redisUrl } : {}),
    dataDir: o.dataDir ?? path.join('.data', 'redis', String(port)),
    port,
    ...(o.redisServerBinary ? { redisServerBinary: o.redisServerBinary } : {}),
    ...(o.searchPath !== undefined ? { searchPath: o.searchPath } : {}),
    log,
  });

  const cleanups: Array<() => Promise<void>> = [() => redis.close()];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    cleanups.length = 0;
  };

  try {
    // in a shared Redis, the keys under the prefix belong to one sandbox at a time: claimed before they are reset
    if (o.redisUrl) {
      const claim = await claimPrefix(redis.url, prefix, { port, startedAt: new Date().toISOString() });
      cleanups.push(() => claim.release());
    }
    const stale = await resetPrefix(redis.url, prefix);
    if (stale) log(`reset ${stale} key${stale === 1 ? '' : 's'} of a previous sandbox run (prefix "${prefix}:")`);

    const tokens = { app: `xapp-1-sandbox-${secret(8)}`, slack: `xoxb-sandbox-${secret(8)}`, signing: secret(), github: `ghp_sandbox${secret(8)}`, webhook: secret(), servicenow: secret(), databricks: `dapi${secret(16)}` };
    // one clock for the bot and the emulators; Slack still signs its requests with real time (the bot checks them against its own)
    const sandboxClock = new SandboxClock();
    if (o.startAt) sandboxClock.set(o.startAt);
    const clock: SeedClock = { skewMs: 0, base: () => sandboxClock.nowMs() };
    const slack = new SlackEmulator({
      now: () => sandboxClock.nowMs(),
      requestNow: () => sandboxClock.realNowMs(),
      token: tokens.slack,
      signingSecret: tokens.signing,
      users: DEMO_USERS.map(({ id, name, realName, tz, email }) => ({ id, name, realName, tz: tz ?? 'Europe/London', ...(email ? { email } : {}) })),
      channels: DEMO_CHANNELS.map(({ id, name, topic, purpose }) => ({ id, name, topic, ...(purpose ? { purpose } : {}) })),
      usergroups: Object.fromEntries(DEMO_USERGROUPS.map((g) => [g.id, g.members])),
      teamName: 'Acme (shipgate sandbox)',
      teamDomain: 'acme-sandbox',
      ...(o.socketMode ? { socketMode: true, appToken: tokens.app } : {}),
    });
    const github = new GitHubEmulator({ token: tokens.github, now: () => sandboxClock.nowMs() + clock.skewMs });
    const servicenow = new ServiceNowEmulator({ username: 'shipgate', password: tokens.servicenow, timeZone: config.timezone, now: () => sandboxClock.nowMs() });
    const databricks = new DatabricksEmulator({ tokens: [tokens.databricks], now: () => sandboxClock.nowMs() });
    await Promise.all([slack.start(), github.start(), servicenow.start(), databricks.start()]);
    cleanups.push(
      () => slack.stop(),
      () => github.stop(),
      () => servicenow.stop(),
      () => databricks.stop(),
    );
    log(`emulated Slack Web API on ${slack.url}, GitHub REST on ${github.url}, ServiceNow on ${servicenow.url}, Databricks on ${databricks.url}`);

    const gh = await seedGitHub(github, clock, tokens.github);
    const dbxSeed = seedDatabricks(databricks, github, servicenow, sandboxClock.nowMs());
    const seed = { ...gh, deployments: [...gh.deployments, ...dbxSeed.deployments], servicenow: seedServiceNow(servicenow, sandboxClock.nowMs()), databricks: dbxSeed };
    let prometheusUrl = o.prometheusUrl;
    if (!prometheusUrl) {
      const prometheus = new PrometheusEmulator({ now: () => sandboxClock.nowMs() });
      prometheusUrl = await prometheus.start();
      cleanups.push(() => prometheus.stop());
      seedPrometheus(prometheus);
      log(`emulated Prometheus on ${prometheusUrl}`);
    }
    if (config.services.some((s) => s.repo === 'acme/webapp')) seedWebapp(github);
    seed.deployments.push(...seedPlanReview(github, clock));
    seed.heads[INFRA_REPO] = { main: github.branchHead(INFRA_REPO, 'main')! };
    // prod's `cycles` gate: the runs on the candidates of the services whose source is not a branch head
    const cycled = seed.deployments.filter((x) => (x.service === 'risk-models' && x.env === 'staging') || (x.service === 'markets-infra' && x.env === 'int'));
    const latest = [...new Map(cycled.sort((a, b) => a.at.getTime() - b.at.getTime()).map((x) => [x.service, x])).values()];
    await seedCycleRunsOn(github, clock, tokens.github, latest);

    const env = loadEnv(
      {
        SLACK_BOT_TOKEN: tokens.slack,
        SLACK_SIGNING_SECRET: tokens.signing,
        ...(o.socketMode ? { SLACK_APP_TOKEN: tokens.app } : {}),
        SLACK_API_URL: `${slack.url}/api/`,
        GITHUB_TOKEN: tokens.github,
        GITHUB_API_URL: github.url,
        GITHUB_WEBHOOK_SECRET: tokens.webhook,
        SERVICENOW_INSTANCE_URL: servicenow.url,
        SERVICENOW_USERNAME: 'shipgate',
        SERVICENOW_PASSWORD: tokens.servicenow,
        DATABRICKS_HOST: databricks.url,
        DATABRICKS_TOKEN: tokens.databricks,
        REDIS_URL: redis.url,
        SHIPGATE_REDIS_PREFIX: prefix,
        SHIPGATE_CONFIG: configFile,
        PORT: String(port),
        LOG_LEVEL: o.logLevel ?? 'warn',
        PROMETHEUS_URL: prometheusUrl,
      },
      'all',
    );
    const logger = env.LOG_LEVEL === 'silent' ? silentLogger : createLogger(env.LOG_LEVEL);

    // the console reads shipgate's deployment history, which exists once the app is up
    const appRef: { app?: Shipgate } = {};
    const history: Pick<DeploymentHistory, 'list'> = { list: (service, e, limit) => appRef.app?.history.list(service, e, limit) ?? Promise.resolve([]) };
    const consoleUi = new SandboxConsole({ slack, github, servicenow, config, history, redisDescription: redis.description, clock: sandboxClock });
    cleanups.push(async () => consoleUi.close());
    const changes = buildChangeManagement(env, config);
    const repos = [...new Set(config.services.map((s) => s.repo))];
    const clockControl = new ClockConsole({
      clock: sandboxClock,
      calendars: buildFreezeCalendars(config, loaded.baseDir, { clock: sandboxClock, logger, blackouts: changes }),
      environments: config.environments.map((e) => e.name),
      timezone: config.timezone,
      // a run's steps are timed on the emulator's clock: moving it back would leave the run waiting for a future instant
      busy: () => {
        const running = repos.flatMap((r) => github.runs(r)).find((r) => r.status !== 'completed');
        return running ? `wait for ${String(running.name)} #${String(running.run_number)} to finish: a workflow run in progress is timed on the sandbox clock` : undefined;
      },
      moved: async () => {
        openDemoChangeWindows(servicenow, sandboxClock.nowMs());
        // delayed executions (queued for the next window) wait in real time: re-check them at the new time now
        // (execution is idempotent by state; one still frozen is queued again)
        const delayed = (await appRef.app?.queue.queue.getDelayed().catch(() => [])) ?? [];
        await Promise.all(delayed.filter((j) => j.name === 'execute').map((j) => j.promote().catch(() => undefined)));
        log(`clock ${sandboxClock.offsetMs ? `moved to ${sandboxClock.now().toISOString()}` : 'back to now'}${delayed.length ? `; re-checking ${delayed.length} queued promotion(s)` : ''}`);
        consoleUi.notify();
      },
    });
    const app = await startShipgate({
      config,
      baseDir: loaded.baseDir,
      env,
      role: 'all',
      logger,
      host,
      pollMs: o.pollMs ?? 1000,
      clock: sandboxClock,
      extraRoutes: (server) => {
        consoleUi.register(server);
        registerMergeToMain(server, { github, config });
        clockControl.register(server);
      },
    });
    appRef.app = app;
    cleanups.push(() => app.close());
    slack.botUrl = `${app.url}/slack/events`;
    github.webhook = { url: `${app.url}/github/webhooks`, secret: tokens.webhook };

    const seeded = await seedHistory({ repo: app.repo, history: app.history, audit: app.audit }, seed.deployments);
    const names = config.services.map((s) => s.name);
    log(`seeded ${seed.deployments.length} past deployments (${seeded} promotions) of ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('')}`);

    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return {
      url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${app.port}/`,
      port: app.port,
      prefix,
      redis: { url: redis.url, description: redis.description, ...(redis.dataDir ? { dataDir: redis.dataDir } : {}) },
      configFile,
      config,
      slack,
      github,
      servicenow,
      databricks,
      app,
      seed,
      clock: sandboxClock,
      clockControl,
      close: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
