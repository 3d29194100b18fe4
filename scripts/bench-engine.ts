/**
 * Step-engine figures (issue 11), against the real bot (startShipgate) over HTTP + real Redis,
 * with the Slack and GitHub emulators and GitHub webhooks on:
 *  1. click → dispatch while 20 earlier promotions each follow a still-running 10-minute run
 *     (emulator durations): 20 clicks at once with write pacing off (what the engine adds), and
 *     20 clicks 1.5 s apart with pacing on (as in production);
 *  2. BENCH_ENGINE_N (default 100) promotions approved at once with one token and GitHub write
 *     pacing ON: time to the last dispatch, drain (all succeeded + chat delivered), duplicates;
 *  3. Redis commands per promotion (INFO commandstats deltas) over a full workflow promotion, on
 *     a private redis-server (the shared one serves other people's tests), with the breakdown.
 * Parts 1 (at once), 2 and 3 are each followed by their baseline in the same run
 * (bench-engine-baseline.ts: a bare BullMQ worker that only dispatches).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { dropPrefix } from '../src/adapters/redis/drop-prefix';
import { parseConfig } from '../src/config/load-config';
import { envSchema } from '../src/config/env-schema';
import { startShipgate, type Shipgate } from '../src/main';
import { silentLogger } from '../src/app/logger';
import { SlackEmulator } from '../src/emulators/slack-emulator';
import { GitHubEmulator } from '../src/emulators/github-emulator';
import { isExecutionActive } from '../src/domain/execution-plan';
import { owesChat } from '../src/domain/outbox';
import type { Promotion } from '../src/domain/promotion';
import { RedisPromotionRepository } from '../src/adapters/redis/redis-promotion-repository';
import { benchEngineBaseline } from './bench-engine-baseline';
import { latencies } from './bench-stats';

type Row = { name: string; value: string };

const SIGNING = 'bench-engine-signing-secret';
const WEBHOOK_SECRET = 'bench-engine-webhook-secret';
const REQUESTER = 'U0REQ';
const APPROVER = 'U0APP';
const CHANNEL = 'C0ENG';

async function waitFor<T>(what: string | (() => string), probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`bench-engine: timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** `count` services named `<base>-NN` on one repo and workflow, each with its own (service, prod) lock. */
function services(base: string, repo: string, count: number): string {
  return Array.from({ length: count }, (_, i) => `  - { name: ${base}-${String(i).padStart(3, '0')}, repo: ${repo}, pipeline: [int, prod], strategy: { type: workflow, workflow: deploy.yml, inputs: { sha: "{{sha}}", promotion: "{{promotion}}" } } }`).join('\n');
}

function configFor(groups: Array<{ base: string; repo: string; count: number }>): string {
  return `
environments:
  - { name: int }
  - { name: prod, deployers: ["*"], approvers: [S0APP] }
services:
${groups.map((g) => services(g.base, g.repo, g.count)).join('\n')}
`;
}

function serviceNames(base: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${base}-${String(i).padStart(3, '0')}`);
}

interface Rig {
  slack: SlackEmulator;
  github: GitHubEmulator;
  app: Shipgate;
  /** performance.now() of each promotion's dispatches, by promotion id (from the workflow input). */
  dispatchedAt: Map<string, number[]>;
  close(): Promise<void>;
}

async function startRig(o: { name: string; redisUrl: string; config: string; repos: Array<{ repo: string; queuedMs: number; inProgressMs: number }>; throttle: boolean }): Promise<Rig> {
  const prefix = `bench-engine-${o.name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const slack = new SlackEmulator({ token: 'xoxb-e', signingSecret: SIGNING, users: [{ id: REQUESTER, name: 'req' }, { id: APPROVER, name: 'app' }], channels: [{ id: CHANNEL, name: 'eng' }], usergroups: { S0APP: [APPROVER] } });
  const github = new GitHubEmulator({ token: 'ghp_e' });
  await Promise.all([slack.start(), github.start()]);
  for (const r of o.repos) {
    github.addRepo(r.repo, { defaultBranch: 'main' });
    github.addCommit(r.repo, 'main', { message: 'release' });
    // run-name carries the promotion id (as the README asks when one workflow deploys many services)
    github.addWorkflow(r.repo, { file: 'deploy.yml', runName: 'deploy {{ inputs.promotion }}', durations: { queuedMs: r.queuedMs, inProgressMs: r.inProgressMs }, logLines: ['run_id=1'] });
  }
  const dispatchedAt = new Map<string, number[]>();
  github.on('dispatch', (d: { inputs: Record<string, unknown> }) => {
    const id = String(d.inputs.promotion ?? '?');
    dispatchedAt.set(id, [...(dispatchedAt.get(id) ?? []), performance.now()]);
  });
  const env = envSchema.parse({
    SLACK_BOT_TOKEN: 'xoxb-e',
    SLACK_SIGNING_SECRET: SIGNING,
    SLACK_API_URL: `${slack.url}/api/`,
    GITHUB_TOKEN: 'ghp_e',
    GITHUB_API_URL: github.url,
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    REDIS_URL: o.redisUrl,
    SHIPGATE_REDIS_PREFIX: prefix,
    PORT: '0',
  });
  // production settings except where said: default worker concurrency, lease and poll timing
  const app = await startShipgate({ config: parseConfig(o.config), env, role: 'all', logger: silentLogger, host: '127.0.0.1', ...(o.throttle ? {} : { githubThrottle: false }) });
  slack.botUrl = `${app.url}/slack/events`;
  github.webhook = { url: `${app.url}/github/webhooks`, secret: WEBHOOK_SECRET };
  return {
    slack,
    github,
    app,
    dispatchedAt,
    close: async () => {
      await app.close();
      await Promise.all([slack.stop(), github.stop()]);
      await dropPrefix(o.redisUrl, prefix);
    },
  };
}

/** `/promote <service> prod` for each service (a few at a time), then each promotion once its card shows Approve. */
async function requestAll(rig: Rig, names: string[]): Promise<Map<string, Promotion>> {
  const queue = [...names];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        const res = await rig.slack.sendSlashCommand({ command: '/promote', text: `${s} prod`, userId: REQUESTER, channelId: CHANNEL });
        if (res.status !== 200) throw new Error(`/promote ${s} prod answered ${res.status}`);
      }
    }),
  );
  const wanted = new Set(names);
  return waitFor(
    `${names.length} promotions awaiting approval`,
    async () => {
      const found = new Map<string, Promotion>();
      for (const p of await rig.app.repo.recent(5000)) {
        if (!wanted.has(p.service)) continue;
        if (p.state !== 'awaiting_approval' && p.state !== 'requested') throw new Error(`${p.service}: ${p.state}: ${p.stateReason ?? p.gates.map((g) => `${g.gate} ${g.status}`).join(', ')}`);
        if (p.state === 'awaiting_approval' && p.messageTs && JSON.stringify(rig.slack.message(p.channel, p.messageTs)?.blocks ?? []).includes('"action_id":"promotion_approve"')) found.set(p.service, p);
      }
      return found.size === names.length ? found : undefined;
    },
    60_000 + names.length * 1000,
    200,
  );
}

/** Sends Approve and returns performance.now() at the moment the click left. */
async function approve(rig: Rig, p: Promotion): Promise<number> {
  const at = performance.now();
  const res = await rig.slack.sendBlockAction({ userId: APPROVER, channelId: p.channel, messageTs: p.messageTs!, actionId: 'promotion_approve' });
  if (res.status !== 200) throw new Error(`approve ${p.id} answered ${res.status}`);
  return at;
}

async function settledAll(rig: Rig, ids: string[], timeoutMs: number): Promise<Promotion[]> {
  return waitFor(
    `${ids.length} promotions to succeed and their chat to be delivered`,
    async () => {
      const ps = (await Promise.all(ids.map((id) => rig.app.repo.get(id)))) as Promotion[];
      const failed = ps.find((p) => p.state !== 'awaiting_approval' && p.state !== 'approved' && p.state !== 'running' && p.state !== 'succeeded');
      if (failed) throw new Error(`${failed.id} ${failed.state}: ${failed.stateReason ?? ''}`);
      return ps.every((p) => p.state === 'succeeded' && !owesChat(p)) ? ps : undefined;
    },
    timeoutMs,
    200,
  );
}

/** Click → dispatch of 20 promotions while 20 others each follow a 10-minute run. */
async function clickToDispatch(redisUrl: string, throttle: boolean): Promise<Row> {
  const n = 20;
  const config = configFor([
    { base: 'long', repo: 'acme/long', count: n },
    { base: 'fast', repo: 'acme/fast', count: n },
  ]);
  const rig = await startRig({
    name: throttle ? 'paced' : 'latency',
    redisUrl,
    config,
    throttle,
    repos: [
      { repo: 'acme/long', queuedMs: 500, inProgressMs: 600_000 },
      { repo: 'acme/fast', queuedMs: 200, inProgressMs: 500 },
    ],
  });
  try {
    const long = await requestAll(rig, serviceNames('long', n));
    const fast = await requestAll(rig, serviceNames('fast', n));
    await Promise.all([...long.values()].map((p) => approve(rig, p)));
    const longIds = new Set([...long.values()].map((p) => p.id));
    // every earlier promotion is following its run, which is in progress for 10 minutes
    let seen = '';
    await waitFor(
      () => `${n} 10-minute runs in progress, each followed by its promotion (${seen})`,
      async () => {
        const inProgress = new Set(rig.github.events.filter((e) => e.type === 'run' && (e.data as { status: string; run: { repository: { full_name: string } } }).status === 'in_progress' && (e.data as { run: { repository: { full_name: string } } }).run.repository.full_name === 'acme/long').map((e) => (e.data as { run: { id: number } }).run.id));
        const ps = (await Promise.all([...longIds].map((id) => rig.app.repo.get(id)))) as Promotion[];
        seen = `${inProgress.size} runs in progress; ${ps.map((p) => `${p.state}[${Object.entries(p.steps).map(([k, v]) => `${k}:${v.status}`).join(' ')}]`).slice(0, 2).join(', ')}`;
        if (inProgress.size < n) return undefined;
        // dispatched and its run known (from the dispatch answer or find_run), follow_run not done: each waits on its in-progress run
        return ps.every((p) => p.state === 'running' && p.steps.dispatch?.status === 'done' && (p.steps.dispatch.output?.runId !== undefined || p.steps.find_run?.status === 'done') && p.steps.follow_run?.status !== 'done');
      },
      60_000 + n * 2000,
      100,
    );
    const clickedAt = new Map<string, number>();
    if (throttle) {
      // one click every 1.5 s: each dispatch has the write pacer to itself, as clicks spread over a morning do
      for (const p of fast.values()) {
        clickedAt.set(p.id, await approve(rig, p));
        await new Promise((r) => setTimeout(r, 1500));
      }
    } else {
      await Promise.all([...fast.values()].map(async (p) => clickedAt.set(p.id, await approve(rig, p))));
    }
    const fastIds = [...clickedAt.keys()];
    await waitFor('a dispatch for each new promotion', () => fastIds.every((id) => rig.dispatchedAt.has(id)), 60_000);
    const ms = fastIds.map((id) => rig.dispatchedAt.get(id)![0]! - clickedAt.get(id)!);
    await settledAll(rig, fastIds, 120_000);
    const stillRunning = ((await Promise.all([...longIds].map((id) => rig.app.repo.get(id)))) as Promotion[]).filter((p) => p.state === 'running').length;
    const dup = [...rig.dispatchedAt.values()].filter((d) => d.length > 1).length;
    return {
      name: throttle ? 'click → dispatch, 20 clicks 1.5 s apart, write pacing on' : 'click → dispatch, 20 clicks at once, write pacing off',
      value: `${latencies(ms)} while ${n} earlier promotions follow 10-min runs (${stillRunning}/${n} still running after); ${dup} duplicates; target p99 < 1 s`,
    };
  } finally {
    await rig.close();
  }
}

/** N promotions approved at once, one token, write pacing on. */
async function burst(redisUrl: string, n: number): Promise<Row[]> {
  const rig = await startRig({ name: 'burst', redisUrl, config: configFor([{ base: 'svc', repo: 'acme/svc', count: n }]), throttle: true, repos: [{ repo: 'acme/svc', queuedMs: 200, inProgressMs: 1000 }] });
  try {
    const ps = [...(await requestAll(rig, serviceNames('svc', n))).values()];
    const t0 = performance.now();
    const clicked = await Promise.all(ps.map((p) => approve(rig, p)));
    const clicksSent = performance.now() - t0;
    const ids = ps.map((p) => p.id);
    await waitFor(`a dispatch for each of ${n} promotions`, () => ids.every((id) => rig.dispatchedAt.has(id)), n * 3000 + 60_000, 100);
    const firsts = ids.map((id, i) => rig.dispatchedAt.get(id)![0]! - clicked[i]!);
    const lastDispatch = Math.max(...ids.map((id) => rig.dispatchedAt.get(id)![0]!)) - t0;
    const done = await settledAll(rig, ids, n * 3000 + 120_000);
    const drain = performance.now() - t0;
    const mirrored = done.filter((p) => p.exec?.mirrored).length;
    const perPromotion = ids.map((id) => rig.dispatchedAt.get(id)?.length ?? 0);
    const duplicates = perPromotion.reduce((a, c) => a + Math.max(0, c - 1), 0);
    const strays = [...rig.dispatchedAt.keys()].filter((id) => !ids.includes(id)).length;
    return [
      { name: `${n} approved at once, pacing on: time to the ${n}th dispatch`, value: `${(lastDispatch / 1000).toFixed(1)} s after the first click (clicks sent in ${(clicksSent / 1000).toFixed(1)} s; click → dispatch ${latencies(firsts)}); bound ≈ ${n} s at one write per second` },
      { name: `${n} approved at once, pacing on: drain`, value: `${(drain / 1000).toFixed(1)} s until all ${n} succeeded and chat delivered (${mirrored}/${n} GitHub Deployments mirrored by then, low lane)` },
      { name: `${n} approved at once, pacing on: duplicates`, value: `${duplicates} duplicate dispatches (dispatches per promotion: min ${Math.min(...perPromotion)}, max ${Math.max(...perPromotion)}; ${strays} dispatches of no promotion); must be 0` },
    ];
  } finally {
    await rig.close();
  }
}

function parseCommandstats(info: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** A private redis-server (commandstats of the shared one include other people's tests), or undefined. */
async function privateRedis(): Promise<{ url: string; stop(): void } | undefined> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const failed = new Promise<undefined>((r) => child.once('error', () => r(undefined)));
  const url = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        await r.connect();
        await r.ping();
        r.disconnect();
        return { url, stop: () => void child.kill('SIGKILL') };
      } catch {
        r.disconnect();
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    child.kill('SIGKILL');
    return undefined;
  })();
  return Promise.race([ready, failed]);
}

/** An ioredis client that counts the commands it sends (the bench's own looks are taken out of the figures). */
function countingRedis(url: string): { redis: Redis; sent: Map<string, number> } {
  const redis = new Redis(url);
  const sent = new Map<string, number>();
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((cmd: { name: string }) => {
    sent.set(cmd.name.toLowerCase(), (sent.get(cmd.name.toLowerCase()) ?? 0) + 1);
    return send(cmd as never);
  }) as typeof redis.sendCommand;
  return { redis, sent };
}

/** Redis commands over one full workflow promotion: request → approve → succeeded → chat delivered (and mirrored). */
async function redisCommands(): Promise<Row[]> {
  const own = await privateRedis();
  const redisUrl = own?.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const rig = await startRig({ name: 'redis', redisUrl, config: configFor([{ base: 'one', repo: 'acme/one', count: 1 }]), throttle: false, repos: [{ repo: 'acme/one', queuedMs: 200, inProgressMs: 500 }] });
  const probe = countingRedis(redisUrl);
  const probeAddr = /addr=(\S+)/.exec(String(await probe.redis.call('CLIENT', 'INFO')))?.[1] ?? '';
  const looks = new RedisPromotionRepository(probe.redis, rig.app.keys);
  const bySource = { client: 0, lua: 0, bullmqKeys: 0, shipgateKeys: 0 };
  const keyPrefix = rig.app.keys.prefix;
  let counting = false;
  // MONITOR through redis-cli: each line is `<time> [<db> <client address|lua>] "CMD" "arg" …`
  const monitor = own ? spawn('redis-cli', ['-u', redisUrl, 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'] }) : undefined;
  let partial = '';
  let attached = false;
  monitor?.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('monitor-check')) attached = true;
      const m = /^[\d.]+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
      if (!m || !counting || m[1] === probeAddr) continue;
      const args = [...m[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]!);
      if (process.env.BENCH_ENGINE_TRACE) process.stderr.write(`${m[1] === 'lua' ? 'lua' : 'cli'} ${args.map((x) => x.slice(0, 80)).join(' ')}\n`);
      if (m[1] === 'lua') bySource.lua++;
      else bySource.client++;
      const key = args.slice(1).find((x) => x.startsWith(keyPrefix));
      if (key?.startsWith(`${keyPrefix}:bull`)) bySource.bullmqKeys++;
      else if (key) bySource.shipgateKeys++;
    }
  });
  // the monitor is attached once it shows a command of ours
  if (monitor) {
    await waitFor('the MONITOR to attach', async () => {
      await probe.redis.call('ECHO', 'monitor-check');
      return attached;
    }, 5000);
  }
  const stats = async () => parseCommandstats(await probe.redis.info('commandstats'));
  const deltaOf = (a: Map<string, number>, b: Map<string, number>) => {
    const d = new Map<string, number>();
    for (const [cmd, calls] of b) if (calls - (a.get(cmd) ?? 0) > 0) d.set(cmd, calls - (a.get(cmd) ?? 0));
    return d;
  };
  try {
    // let the worker settle into its idle loop first
    await new Promise((r) => setTimeout(r, 1000));
    const before = await stats();
    probe.sent.clear();
    counting = true;
    const t0 = performance.now();
    const res = await rig.slack.sendSlashCommand({ command: '/promote', text: 'one-000 prod', userId: REQUESTER, channelId: CHANNEL });
    if (res.status !== 200) throw new Error(`/promote answered ${res.status}`);
    const p = await waitFor(
      'the promotion awaiting approval',
      async () => {
        const [x] = await looks.recent(1);
        return x?.state === 'awaiting_approval' && x.messageTs && JSON.stringify(rig.slack.message(x.channel, x.messageTs)?.blocks ?? []).includes('"action_id":"promotion_approve"') ? x : undefined;
      },
      30_000,
      100,
    );
    await approve(rig, p);
    await waitFor(
      'the promotion to finish (succeeded, finalized, mirrored, chat delivered)',
      async () => {
        const x = await looks.get(p.id);
        if (x && x.state !== 'awaiting_approval' && x.state !== 'approved' && x.state !== 'running' && x.state !== 'succeeded') throw new Error(`${x.id} ${x.state}: ${x.stateReason ?? ''}`);
        return x && x.state === 'succeeded' && !isExecutionActive(x) && !owesChat(x);
      },
      60_000,
      100,
    );
    const seconds = (performance.now() - t0) / 1000;
    counting = false;
    const ours = new Map(probe.sent);
    const after = await stats();
    const delta = deltaOf(before, after);
    // take out what the bench sent itself (its looks, the mark, the INFO that read `before`)
    for (const [cmd, n] of ours) {
      const left = (delta.get(cmd) ?? 0) - n;
      if (left > 0) delta.set(cmd, left);
      else delta.delete(cmd);
    }
    const oursTotal = [...ours.values()].reduce((a, b) => a + b, 0);
    // the idle background (BullMQ's stall checks, delayed-job markers, the sweeper) over the same time
    const idleBefore = await stats();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const idleDelta = deltaOf(idleBefore, await stats());
    idleDelta.delete('info');
    const idle = [...idleDelta.values()].reduce((a, b) => a + b, 0);
    const total = [...delta.values()].reduce((a, b) => a + b, 0);
    const breakdown = [...delta.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
    return [
      { name: 'Redis commands per workflow promotion', value: `${total} (INFO commandstats delta over ${seconds.toFixed(1)} s from /promote to finalized + chat delivered, commands run inside Lua included, the bench's own ${oursTotal} taken out; idle background over the same time: ${idle}; ${own ? 'private redis-server' : `shared ${redisUrl}: other clients may be counted`})` },
      { name: 'Redis commands per promotion, by command', value: breakdown },
      ...(monitor ? [{ name: 'Redis commands per promotion, by origin (MONITOR)', value: `${bySource.client} sent by the bot, ${bySource.lua} run inside Lua scripts; ${bySource.bullmqKeys} on BullMQ keys, ${bySource.shipgateKeys} on shipgate keys` }] : []),
    ];
  } finally {
    monitor?.kill('SIGTERM');
    probe.redis.disconnect();
    await rig.close();
    own?.stop();
  }
}

export async function benchEngine(): Promise<Row[]> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const n = Number(process.env.BENCH_ENGINE_N ?? 100);
  // BENCH_ENGINE_PARTS=latency,paced,burst,redis picks parts (default all)
  const parts = new Set((process.env.BENCH_ENGINE_PARTS ?? 'latency,paced,burst,redis').split(','));
  const rows: Row[] = [];
  // each part is followed by its baseline (a bare BullMQ worker that only dispatches), in the same run
  if (parts.has('latency')) rows.push(await clickToDispatch(redisUrl, false), ...(await benchEngineBaseline(new Set(['latency']), n)));
  if (parts.has('paced')) rows.push(await clickToDispatch(redisUrl, true));
  if (parts.has('burst')) rows.push(...(await burst(redisUrl, n)), ...(await benchEngineBaseline(new Set(['burst']), n)));
  if (parts.has('redis')) rows.push(...(await redisCommands()), ...(await benchEngineBaseline(new Set(['redis']), n)));
  return rows;
}

if (require.main === module) {
  benchEngine().then(
    (rows) => {
      for (const r of rows) process.stdout.write(`${r.name.padEnd(64)} ${r.value}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
