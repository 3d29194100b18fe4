import { connect as tcpConnect } from 'node:net';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { configProblems, loadConfig, type LoadedConfig } from '../config/load-config';
import { envSchema } from '../config/env-schema';
import { formatIssues } from '../config/format-issues';
import { CR_PATTERN, parseForce, type PromoteOptions } from '../domain/command-parser';
import { planBlocked, type Plan } from '../domain/plan';
import { isShipgateError, ShipgateError } from '../shared/shipgate-error';
import { parseCommand, withUsage, type CommandSpec } from './cli-args';
import { isGate, type GateResult } from '../domain/gates/gate-result';
import type { Logger } from '../app/logger';
import type { Clock } from '../app/ports/clock';
import type { DeploymentHistory } from '../app/ports/deployment-history';
import { PlanPromotion } from '../app/plan-promotion';
import { buildGitHub } from '../wiring/build-github';
import { buildFreezeCalendars, buildGates } from '../wiring/build-gates';
import { buildChangeManagement, buildIncidentLookup, serviceNowConfigured } from '../wiring/build-change-management';
import { RedisDeploymentHistory } from '../adapters/redis/redis-deployment-history';
import { RedisKeys } from '../adapters/redis/redis-keys';
import { PrometheusMetricQueries } from '../adapters/prometheus/prometheus-metric-queries';
import { DatabricksJobsApi } from '../adapters/databricks/databricks-jobs';

/**
 * `shipgate plan <service> <env> [from=…] [ref=…] [cr=…] [--json] [--config F]` (SPEC §4):
 * the same gate evaluation and diff as `/promote plan`, against the configured live systems
 * (GitHub from GITHUB_TOKEN / GITHUB_API_URL, ServiceNow when SERVICENOW_* are set, shipgate's
 * deployment history from Redis when REDIS_URL answers). Requests nothing.
 *
 * Exit: 0 no gate blocks (pending approval or checks still running are expected), 3 a gate
 * blocks, 2 bad arguments / unknown service or environment / bad environment variables,
 * 1 invalid config or GitHub unusable (credentials, network).
 */

export interface PlanCommandIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
  now: () => Date;
}

export interface HistoryHandle {
  history?: DeploymentHistory;
  /** Why there is no history (shown on stderr), when there is none. */
  note?: string;
  close(): Promise<void>;
}

export interface PlanCommandDeps {
  /** Opens shipgate's deployment history (default: Redis at REDIS_URL, when it answers within `redisTimeoutMs`). */
  openHistory?: (env: PlanEnv) => Promise<HistoryHandle>;
  redisTimeoutMs?: number;
  logger?: Logger;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_BLOCKED = 3;

export const PLAN_USAGE = [
  'usage: shipgate plan <service> <env> [from=<env>] [ref=<sha|tag|branch>] [cr=CHG0000000] [force=true] [--json] [--config F]',
  '',
  '  Dry run of /promote: evaluates every gate and lists what would ship (commits and pull',
  '  requests between what runs in <env> and the candidate). Requests nothing.',
  '  exit 0 no gate blocks, 3 a gate blocks, 1/2 errors',
  '',
  '  env: GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY + GITHUB_APP_INSTALLATION_ID (required),',
  '       GITHUB_API_URL, REDIS_URL (history, optional),',
  '       SERVICENOW_INSTANCE_URL + credentials (change record / incident gates), PROMETHEUS_URL (metrics gates)',
  '  --config F   default: $SHIPGATE_CONFIG, else ./shipgate.yml',
].join('\n');

const OPTION_KEYS = ['from', 'ref', 'cr', 'reason', 'force'] as const;
const REF_RE = /^(?!.*\.\.)(?!\/)(?!.*\/$)(?!.*@\{)[A-Za-z0-9._/-]{1,200}$/;

/** A usage error of `shipgate plan` (printed with its usage, exit 2). */
class UsageError extends ShipgateError {
  constructor(message: string) {
    super('bad_command', message, { command: 'plan', usage: PLAN_USAGE });
  }
}

interface ParsedArgs {
  service: string;
  env: string;
  options: PromoteOptions;
  json: boolean;
  config?: string;
  help: boolean;
}

const PLAN_SPEC: CommandSpec = { name: 'plan', usage: PLAN_USAGE, noun: 'flag', positionals: true, options: { json: { type: 'boolean' }, config: { type: 'string', value: 'a file' } } };

export function parsePlanArgs(argv: readonly string[]): ParsedArgs {
  const args = argv[0] === 'plan' ? argv.slice(1) : [...argv];
  const { values, positionals: words, help } = parseCommand(PLAN_SPEC, args);
  if (help || words.includes('help')) return { service: '', env: '', options: {}, json: false, help: true };
  const json = values.json === true;
  const config = typeof values.config === 'string' ? values.config : undefined;
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (const a of words) {
    const eq = a.indexOf('=');
    if (eq > 0) {
      const key = a.slice(0, eq).toLowerCase();
      const value = a.slice(eq + 1);
      if (!(OPTION_KEYS as readonly string[]).includes(key)) throw new UsageError(`unknown option "${key}=" (options: from=, ref=, cr=, force=true)`);
      if (key in options) throw new UsageError(`option "${key}=" given twice`);
      if (!value) throw new UsageError(`option "${key}=" needs a value`);
      options[key] = value;
      continue;
    }
    positional.push(a);
  }
  if (positional.length !== 2) {
    throw new UsageError(
      positional.length < 2
        ? `missing ${positional.length === 0 ? 'service and environment' : 'environment'}`
        : `unexpected "${positional.slice(2).join(' ')}"`,
    );
  }
  if (options.cr !== undefined) {
    options.cr = options.cr.toUpperCase();
    if (!CR_PATTERN.test(options.cr)) throw new UsageError(`cr=${options.cr} is not a ServiceNow change number; expected the form CHG0030001`);
  }
  if (options.ref !== undefined && !REF_RE.test(options.ref)) throw new UsageError(`ref=${options.ref} is not a commit SHA, tag or branch name`);
  const { force, ...rest } = options;
  const parsed: PromoteOptions = rest;
  if (force !== undefined) {
    const f = parseForce(force);
    if (typeof f === 'object') throw new UsageError(`force=${force}: force= takes true`);
    if (f) parsed.force = true;
  }
  return { service: positional[0]!, env: positional[1]!, options: parsed, json, ...(config ? { config } : {}), help: false };
}

/** The environment `shipgate plan` needs: GitHub (token or App) required; Redis and ServiceNow optional. */
const planEnvSchema = z.object({
  GITHUB_TOKEN: envSchema.shape.GITHUB_TOKEN,
  GITHUB_APP_ID: envSchema.shape.GITHUB_APP_ID,
  GITHUB_APP_PRIVATE_KEY: envSchema.shape.GITHUB_APP_PRIVATE_KEY,
  GITHUB_APP_INSTALLATION_ID: envSchema.shape.GITHUB_APP_INSTALLATION_ID,
  GITHUB_API_URL: envSchema.shape.GITHUB_API_URL,
  REDIS_URL: envSchema.shape.REDIS_URL,
  SHIPGATE_REDIS_PREFIX: envSchema.shape.SHIPGATE_REDIS_PREFIX,
  SHIPGATE_CONFIG: envSchema.shape.SHIPGATE_CONFIG,
  SERVICENOW_INSTANCE_URL: envSchema.shape.SERVICENOW_INSTANCE_URL,
  SERVICENOW_USERNAME: envSchema.shape.SERVICENOW_USERNAME,
  SERVICENOW_PASSWORD: envSchema.shape.SERVICENOW_PASSWORD,
  SERVICENOW_TOKEN: envSchema.shape.SERVICENOW_TOKEN,
  PROMETHEUS_URL: envSchema.shape.PROMETHEUS_URL,
  DATABRICKS_HOST: envSchema.shape.DATABRICKS_HOST,
  DATABRICKS_TOKEN: envSchema.shape.DATABRICKS_TOKEN,
});
export type PlanEnv = z.output<typeof planEnvSchema>;

/** Validates only what `shipgate plan` uses; one line per problem, naming the variable and the fix. */
export function loadPlanEnv(raw: Record<string, string | undefined>): { env: PlanEnv } | { problems: string[] } {
  const picked = Object.fromEntries(Object.entries(raw).filter(([k, v]) => k in planEnvSchema.shape && v !== undefined && v !== '')) as Record<string, string>;
  const result = planEnvSchema.safeParse(picked);
  const problems = result.success ? [] : formatIssues(result.error.issues);
  const app = [picked.GITHUB_APP_ID, picked.GITHUB_APP_PRIVATE_KEY, picked.GITHUB_APP_INSTALLATION_ID];
  if (app.some(Boolean) && !app.every(Boolean)) {
    problems.push('GITHUB_APP_ID: GitHub App auth needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID together');
  } else if (!picked.GITHUB_TOKEN && !app.every(Boolean)) {
    problems.push(
      'GITHUB_TOKEN: missing (a token with read access to the repositories: contents, checks, statuses, deployments, pull requests; or set GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID)',
    );
  }
  if (picked.SERVICENOW_USERNAME && !picked.SERVICENOW_PASSWORD) problems.push('SERVICENOW_PASSWORD: SERVICENOW_USERNAME is set without SERVICENOW_PASSWORD');
  if (problems.length || !result.success) return { problems };
  return { env: result.data };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** Whether something accepts TCP connections at the Redis URL's host:port (no timer left behind either way). */
function tcpReachable(url: string, timeoutMs: number): Promise<string | undefined> {
  let host = '127.0.0.1';
  let port = 6379;
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^\[|\]$/g, '') || host;
    port = u.port ? Number(u.port) : port;
  } catch {
    return Promise.resolve('REDIS_URL is not a URL');
  }
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (problem: string | undefined): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(undefined));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** Redis at REDIS_URL when it answers quickly, else no history (with the reason). */
async function openRedisHistory(env: PlanEnv, timeoutMs: number): Promise<HistoryHandle> {
  const where = redact(env.REDIS_URL);
  const unreachable = await tcpReachable(env.REDIS_URL, timeoutMs);
  if (unreachable) return { note: `Redis at ${where} did not answer (${unreachable})`, close: async () => undefined };
  const redis = new Redis(env.REDIS_URL, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return {
      history: new RedisDeploymentHistory(redis, new RedisKeys(env.SHIPGATE_REDIS_PREFIX)),
      close: async () => {
        redis.disconnect();
      },
    };
  } catch (e) {
    redis.disconnect();
    return { note: `Redis at ${where} refused shipgate (${e instanceof Error ? e.message : String(e)})`, close: async () => undefined };
  }
}

/** An Error logged as `err` is shown by its message on the terminal (JSON.stringify would print `{}`). */
function plainErrors(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

function stderrLogger(io: PlanCommandIO): Logger {
  const logger: Logger = {
    info: () => undefined,
    debug: () => undefined,
    warn: (o, m) => io.stderr(`warning: ${m ?? ''} ${JSON.stringify(o, plainErrors)}\n`),
    error: (o, m) => io.stderr(`error: ${m ?? ''} ${JSON.stringify(o, plainErrors)}\n`),
    child: () => logger,
  };
  return logger;
}

/** Slack mrkdwn → terminal text: `<url|text>` → `text (url)`, `<@U1>` → `@U1`, no emphasis marks. */
export function mrkdwnToPlain(text: string): string {
  return text
    .replace(/<([^|<>]+)\|([^<>]+)>/g, (_m, url: string, label: string) => (label.replace(/`/g, '') === url ? url : `${label} (${url})`))
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<([a-z]+:[^<>]+)>/g, '$1')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;])/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;])/g, '$1$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function jsonPlan(plan: Plan): Record<string, unknown> {
  const d = plan.diff;
  return {
    service: plan.service,
    repo: plan.repo,
    env: plan.env,
    from: plan.from,
    candidate: { sha: plan.candidate.sha ?? null, ref: plan.candidate.ref, source: mrkdwnToPlain(plan.candidate.source) },
    gates: plan.gates.map((g) => ({ gate: g.gate, status: g.status, code: g.code, summary: mrkdwnToPlain(g.summary) })),
    blocked: planBlocked(plan),
    diff: {
      base: d.base?.sha ?? null,
      baseSource: d.base ? mrkdwnToPlain(d.base.source) : null,
      head: d.head || null,
      status: d.status ?? null,
      total: d.total,
      more: d.more,
      commits: d.commits.map((c) => ({
        sha: c.sha,
        message: c.message,
        author: c.authorLogin ?? c.authorName,
        authorName: c.authorName,
        url: c.url,
        pullRequests: c.pulls ?? [],
      })),
      pullRequests: d.pullRequests.map((p) => ({
        number: p.number,
        title: p.title,
        url: p.url,
        state: p.state,
        merged: p.merged,
        author: p.authorLogin ?? null,
      })),
      url: d.url ?? null,
      ...(d.note ? { note: d.note } : {}),
    },
    history: plan.history,
    at: plan.at,
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (i === r.length - 1 ? 0 : (r[i] ?? '').length))));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function humanPlan(plan: Plan): string {
  const d = plan.diff;
  const lines: string[] = [`Plan: ${plan.service} ${plan.from} → ${plan.env} (${plan.repo}), dry run`];
  lines.push(
    plan.candidate.sha
      ? `Candidate: ${plan.candidate.sha.slice(0, 7)} (${plan.candidate.sha}) from ${mrkdwnToPlain(plan.candidate.source)}`
      : `Candidate: unresolved (${plan.candidate.ref})`,
  );
  lines.push(d.base ? `Runs in ${plan.env}: ${d.base.sha.slice(0, 7)} (${mrkdwnToPlain(d.base.source)})` : `Runs in ${plan.env}: unknown`);
  lines.push('');
  lines.push(
    ...table([['GATE', 'STATUS', 'CODE', 'SUMMARY'], ...plan.gates.map((g: GateResult) => [g.gate, g.status.toUpperCase(), g.code, mrkdwnToPlain(g.summary)])]),
  );
  lines.push('');
  if (d.commits.length) {
    lines.push(`What would ship: ${d.total} commit${d.total === 1 ? '' : 's'}${d.url ? ` (${d.url})` : ''}`);
    for (const c of d.commits) {
      lines.push(
        `  ${c.sha.slice(0, 7)}  ${c.message}${c.pulls?.length ? ` (${c.pulls.map((n) => `#${n}`).join(', ')})` : ''}  ${c.authorLogin ? `@${c.authorLogin}` : c.authorName}`,
      );
    }
    if (d.more > 0) lines.push(`  … and ${d.more} more${d.url ? `: ${d.url}` : ''}`);
  } else {
    lines.push('What would ship: nothing listed');
  }
  if (d.note) lines.push(`  note: ${d.note}`);
  if (d.pullRequests.length) {
    lines.push('', `Pull requests (${d.pullRequests.length}):`);
    for (const p of d.pullRequests)
      lines.push(`  #${p.number}  ${p.title}  (${p.merged ? 'merged' : p.state}${p.authorLogin ? `, @${p.authorLogin}` : ''})  ${p.url}`);
  }
  lines.push('');
  const blocked = plan.gates.filter((g) => g.status === 'block');
  const pending = plan.gates.filter((g) => g.status === 'pending');
  lines.push(
    blocked.length
      ? `Result: BLOCKED by ${blocked.map((g) => g.gate).join(', ')} (exit 3)`
      : `Result: no gate blocks${pending.length ? ` (pending: ${pending.map((g) => g.gate).join(', ')})` : ''} (exit 0)`,
  );
  return `${lines.join('\n')}\n`;
}

export function planCommand(argv: string[], io: PlanCommandIO, deps: PlanCommandDeps = {}): Promise<number> {
  return withUsage(io, () => plan(argv, io, deps));
}

async function plan(argv: string[], io: PlanCommandIO, deps: PlanCommandDeps): Promise<number> {
  const args = parsePlanArgs(argv);
  if (args.help) {
    io.stdout(`${PLAN_USAGE}\n`);
    return EXIT_OK;
  }

  const envResult = loadPlanEnv(io.env);
  if ('problems' in envResult) {
    io.stderr('shipgate plan: fix these environment variables (see README "Environment variables"):\n');
    for (const p of envResult.problems) io.stderr(`  ${p}\n`);
    return EXIT_USAGE;
  }
  const env = envResult.env;

  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(args.config ?? env.SHIPGATE_CONFIG);
  } catch (e) {
    const problems = configProblems(e);
    if (!problems) throw e;
    io.stderr(`${(e as Error).message}\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return EXIT_ERROR;
  }
  const { config } = loaded;
  const logger = deps.logger ?? stderrLogger(io);
  const clock: Clock = { now: io.now };

  const handle = await (deps.openHistory ?? ((e: PlanEnv) => openRedisHistory(e, deps.redisTimeoutMs ?? 1500)))(env);
  try {
    if (!handle.history) {
      io.stderr(
        `warning: planning without shipgate's deployment history: ${handle.note ?? 'not available'}. The candidate defaults to the source branch head, what runs in the target is unknown unless it is a branch, and soak is read from GitHub Deployments only.\n`,
      );
    }
    // the bot's wiring (src/wiring/): the same GitHub adapters and the same gates as /promote plan; the
    // terminal output shows SHAs without commit links (the full SHA is on the Candidate line)
    const github = buildGitHub(env, logger, { maxRateLimitRetries: 1 });
    const changes = buildChangeManagement(env, config, { logger });
    const calendars = buildFreezeCalendars(config, loaded.baseDir, { clock, logger, ...(serviceNowConfigured(env) ? { blackouts: changes } : {}) });
    const history = handle.history ? { history: handle.history } : {};
    const prometheus = env.PROMETHEUS_URL ? new PrometheusMetricQueries({ baseUrl: env.PROMETHEUS_URL }) : undefined;
    const incidents = buildIncidentLookup(env, { logger });
    const databricksJobs = env.DATABRICKS_HOST && env.DATABRICKS_TOKEN ? { databricksJobs: new DatabricksJobsApi({ host: env.DATABRICKS_HOST, token: env.DATABRICKS_TOKEN }) } : {};
    const gates = buildGates({ config, clock, calendars, changes, incidents, github, commitUrl: github.commitUrl, prometheus, ...history, ...databricksJobs });
    const planner = new PlanPromotion({ config, clock, github: github.runs, compare: github.compare, ...history, gates, logger });
    let plan: Plan;
    try {
      plan = await planner.execute({ service: args.service, env: args.env, options: args.options });
    } catch (e) {
      if (isShipgateError(e) && ['unknown_service', 'unknown_environment', 'bad_path', 'bad_option'].includes(e.code)) {
        io.stderr(`shipgate plan: ${mrkdwnToPlain(e.message)}\n`);
        return EXIT_USAGE;
      }
      if (isShipgateError(e)) {
        io.stderr(`shipgate plan: ${mrkdwnToPlain(e.message)}\n`);
        return EXIT_ERROR;
      }
      throw e;
    }
    io.stdout(args.json ? `${JSON.stringify(jsonPlan(plan), null, 2)}\n` : humanPlan(plan));
    // a failed GitHub call leaves its error code on the `candidate_not_found` block
    const candidate = plan.gates.find(isGate('candidate', 'candidate_not_found'));
    const errorCode = candidate?.status === 'block' ? candidate.details?.errorCode : undefined;
    if (errorCode !== undefined && errorCode !== 'not_found') {
      io.stderr(`shipgate plan: GitHub could not be used: ${mrkdwnToPlain(candidate!.summary)}\n`);
      return EXIT_ERROR;
    }
    return planBlocked(plan) ? EXIT_BLOCKED : EXIT_OK;
  } finally {
    await handle.close();
  }
}
