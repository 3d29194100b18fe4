import { parseConfig } from '../../src/config/load-config';
import { envSchema } from '../../src/config/env-schema';
import { startShipgate, type Shipgate, type ShipgateOptions } from '../../src/main';
import { silentLogger } from '../../src/app/logger';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { GitHubEmulator } from '../../src/emulators/github-emulator';
import { ServiceNowEmulator } from '../../src/emulators/servicenow-emulator';
import type { Promotion } from '../../src/domain/promotion';
import type { Clock } from '../../src/app/ports/clock';
import type { ShipgateEnv } from '../../src/config/env-schema';
import type { ShipgateConfig } from '../../src/config/config-schema';
import { dropPrefix, REDIS_URL, uniquePrefix } from './redis-prefix';
import { waitUntil } from './wait-until';

export const USERS = {
  engineer: 'U0ENGINEER',
  rm1: 'U0RELMGR1',
  rm2: 'U0RELMGR2',
  vp: 'U0VPALICE',
  outsider: 'U0OUTSIDER',
  oncall: 'U0ONCALLOL',
} as const;
export const CHANNEL = 'C0RELEASES';
export const INCIDENT_CHANNEL = 'C0INC2041';
export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-token';
export const GITHUB_TOKEN = 'ghp_testtoken';
export const APP_TOKEN = 'xapp-1-A0SHIPGATE-test-app-token';

export const BASE_CONFIG = `
timezone: Europe/London
environments:
  - name: int
    deployers: ["*"]
  - name: prod
    deployers: [S0RELEASEMGRS, ${USERS.engineer}]
    approvers: [S0RELEASEMGRS]
    requiredApprovals: 1
services:
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [int, prod]
    strategy:
      type: workflow
      workflow: deploy.yml
      ref: main
      inputs: { environment: "{{env}}", sha: "{{sha}}", promotion: "{{promotion}}" }
  - name: databricks-jobs
    repo: acme/platform
    pipeline: [dev, test, prod]
    strategy: { type: workflow, workflow: deploy.yml }
`.replace('environments:\n', 'environments:\n  - name: dev\n  - name: test\n');

export interface Harness {
  slack: SlackEmulator;
  github: GitHubEmulator;
  servicenow: ServiceNowEmulator;
  app: Shipgate;
  config: ShipgateConfig;
  /** The config as YAML (for child processes). */
  configText: string;
  env: ShipgateEnv;
  /** The options every bot of this harness starts with (child processes get the same). */
  startOptions: Record<string, unknown>;
  /** Starts another bot process on the same Redis prefix and emulators (e.g. a worker). */
  startAnother(role: 'all' | 'web' | 'worker', clock?: Clock, options?: Partial<ShipgateOptions>): Promise<Shipgate>;
  prefix: string;
  /** Head SHA of acme/markets main at start. */
  mainSha: string;
  promote(text: string, userId?: string, channelId?: string): ReturnType<SlackEmulator['sendSlashCommand']>;
  /** `/promote`, then the promotion it created once it reaches `state` (default awaiting_approval). */
  request(text: string, userId?: string, state?: Promotion['state'] | Array<Promotion['state']>, command?: string, channelId?: string): Promise<Promotion>;
  click(p: Promotion, actionId: string, userId: string): ReturnType<SlackEmulator['sendBlockAction']>;
  latest(): Promise<Promotion>;
  waitState(id: string, state: Promotion['state'] | Array<Promotion['state']>, timeoutMs?: number): Promise<Promotion>;
  ephemeralsFor(userId: string): string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: string;
  workflowConclusion?: 'success' | 'failure';
  clock?: Clock;
  role?: 'all' | 'web' | 'worker';
  /** Enables GitHub webhooks: the emulator delivers signed events to the bot. */
  webhookSecret?: string;
  /** Poll interval while following runs (default 30 ms; large = webhook-driven only). */
  pollMs?: number;
  /** Starts the ServiceNow emulator and points SERVICENOW_* at it. */
  servicenow?: boolean;
  changeRecheckMs?: number;
  /** The GitHub emulator's clock (default Date.now): drive it to age workflow runs without waiting. */
  githubNow?: () => number;
  /** Durations of acme/markets' deploy.yml runs on the GitHub emulator's clock (default 50 ms queued, 150 ms in progress). */
  workflowDurations?: { queuedMs: number; inProgressMs: number };
  /** Extra environment variables (e.g. WORKER_CONCURRENCY), parsed like the rest of the environment. */
  env?: Record<string, string>;
  /** Redis of this harness and its child processes (default the shared test Redis). */
  redisUrl?: string;
  /** Socket Mode: SLACK_APP_TOKEN set, the Slack emulator delivers over the bot's WebSocket. */
  socketMode?: boolean;
}

export async function startHarness(name: string, opts: HarnessOptions = {}): Promise<Harness> {
  const prefix = uniquePrefix(name);
  const slack = new SlackEmulator({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    users: [
      { id: USERS.engineer, name: 'erin.engineer', tz: 'Europe/London' },
      { id: USERS.rm1, name: 'rita.release', tz: 'America/New_York' },
      { id: USERS.rm2, name: 'ravi.release', tz: 'Asia/Kolkata' },
      { id: USERS.vp, name: 'vera.vp' },
      { id: USERS.outsider, name: 'olly.outsider' },
      { id: USERS.oncall, name: 'omar.oncall', tz: 'Europe/London' },
    ],
    channels: [
      { id: CHANNEL, name: 'releases' },
      { id: INCIDENT_CHANNEL, name: 'inc-2041-stale-prices' },
    ],
    usergroups: { S0RELEASEMGRS: [USERS.rm1, USERS.rm2], S0VPS: [USERS.vp], S0ONCALL: [USERS.oncall, USERS.engineer] },
    ...(opts.socketMode ? { socketMode: true, appToken: APP_TOKEN, socketWarningCloseMs: 500 } : {}),
  });
  const github = new GitHubEmulator({ token: GITHUB_TOKEN, ...(opts.githubNow ? { now: opts.githubNow } : {}) });
  const servicenow = new ServiceNowEmulator({ username: 'shipgate', password: 'sn-password' });
  await Promise.all([slack.start(), github.start(), ...(opts.servicenow ? [servicenow.start()] : [])]);
  github.addRepo('acme/markets', { defaultBranch: 'main' });
  github.addCommit('acme/markets', 'main', { message: 'initial' });
  const mainSha = github.addCommit('acme/markets', 'main', { message: 'feat: new risk model' });
  github.addWorkflow('acme/markets', {
    file: 'deploy.yml',
    name: 'deploy',
    conclusion: opts.workflowConclusion ?? 'success',
    durations: opts.workflowDurations ?? { queuedMs: 50, inProgressMs: 150 },
    logLines: ['deploying', 'databricks run_id=912345 submitted'],
  });
  const config = parseConfig(opts.config ?? BASE_CONFIG);
  const env = envSchema.parse({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${slack.url}/api/`,
    GITHUB_TOKEN,
    GITHUB_API_URL: github.url,
    REDIS_URL: opts.redisUrl ?? REDIS_URL,
    SHIPGATE_REDIS_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...(opts.webhookSecret ? { GITHUB_WEBHOOK_SECRET: opts.webhookSecret } : {}),
    ...(opts.servicenow ? { SERVICENOW_INSTANCE_URL: servicenow.url, SERVICENOW_USERNAME: 'shipgate', SERVICENOW_PASSWORD: 'sn-password' } : {}),
    ...(opts.socketMode ? { SLACK_APP_TOKEN: APP_TOKEN } : {}),
    ...(opts.env ?? {}),
  });
  // short leases and timeouts: the emulators answer in milliseconds (a lease must outlast a request)
  const extra = { ...(opts.socketMode ? { socketClientPingTimeoutMs: 500 } : {}), ...(opts.changeRecheckMs ? { changeRecheckMs: opts.changeRecheckMs } : {}), githubTimeoutMs: 1000, timing: { leaseMs: 1500, runVisibleMs: 300 }, lockDurationMs: 1500 };
  const app = await startShipgate({ config, env, role: opts.role ?? 'all', logger: silentLogger, pollMs: opts.pollMs ?? 30, host: '127.0.0.1', githubThrottle: false, ...extra, ...(opts.clock ? { clock: opts.clock } : {}) });
  slack.botUrl = `${app.url}/slack/events`;
  if (opts.webhookSecret) github.webhook = { url: `${app.url}/github/webhooks`, secret: opts.webhookSecret };

  const others: Shipgate[] = [];
  const h: Harness = {
    slack,
    github,
    servicenow,
    app,
    config,
    configText: opts.config ?? BASE_CONFIG,
    env,
    startOptions: { pollMs: opts.pollMs ?? 30, ...extra },
    prefix,
    startAnother: async (role, clock, options = {}) => {
      const other = await startShipgate({ config, env, role, logger: silentLogger, pollMs: opts.pollMs ?? 30, host: '127.0.0.1', githubThrottle: false, ...extra, ...(clock ? { clock } : {}), ...options });
      others.push(other);
      return other;
    },
    mainSha,
    promote: (text, userId = USERS.engineer, channelId = CHANNEL) => slack.sendSlashCommand({ command: '/promote', text, userId, channelId }),
    request: async (text, userId = USERS.engineer, state = 'awaiting_approval', command = '/promote', channelId = CHANNEL) => {
      const before = new Set((await h.app.repo.recent(1000)).map((p) => p.id));
      const res = await slack.sendSlashCommand({ command, text, userId, channelId });
      if (res.status !== 200) throw new Error(`/promote ${text} answered ${res.status}`);
      const created = await waitUntil(`a promotion from "/promote ${text}"`, async () => (await h.app.repo.recent(20)).find((p) => !before.has(p.id)));
      const p = await h.waitState(created.id, state);
      // the message is updated right after the state is stored
      await waitUntil(`message of ${p.id} to show ${p.state}`, () => p.messageTs && slack.message(channelId, p.messageTs)?.text.includes(p.state.replace('_', ' ')));
      return p;
    },
    // a person can only click what the message shows: wait (bounded) until the card carries the button
    click: async (p, actionId, userId) => {
      await waitUntil(`the message of ${p.id} to show ${actionId}`, () => JSON.stringify(slack.message(p.channel, p.messageTs!)?.blocks ?? []).includes(`"action_id":"${actionId}"`));
      return slack.sendBlockAction({ userId, channelId: p.channel, messageTs: p.messageTs!, actionId });
    },
    latest: async () => {
      const [p] = await h.app.repo.recent(1);
      if (!p) throw new Error('no promotion stored');
      return p;
    },
    waitState: (id, state, timeoutMs = 10_000) => {
      const states = Array.isArray(state) ? state : [state];
      return waitUntil(`promotion ${id} to be ${states.join('|')}`, async () => {
        const p = await h.app.repo.get(id);
        return p && states.includes(p.state) ? p : undefined;
      }, timeoutMs);
    },
    ephemeralsFor: (userId) => slack.ephemerals(userId).map((e) => e.text),
    close: async () => {
      await h.app.close();
      await Promise.all(others.map((o) => o.close()));
      await Promise.all([slack.stop(), github.stop(), ...(opts.servicenow ? [servicenow.stop()] : [])]);
      await dropPrefix(prefix, opts.redisUrl);
    },
  };
  return h;
}
