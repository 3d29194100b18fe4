/**
 * Slack ack latency under load, side by side (issue 13; SPEC §8: ack within 3 s): shipgate's real
 * `serve` (emulated Slack and GitHub, real Redis, throwaway key prefix) and a bare Bolt app
 * (scripts/bench-ack-bare.ts), each in its own process, loaded by autocannon in interleaved
 * rounds at 20 and 200 connections with signed requests, every one with its own trigger_id:
 * `/promote help`, `/promote <svc> prod` opening a new promotion each time (one service per
 * request, so the lock never short-circuits it), and an Approve click on a fresh awaiting card.
 * CPU per ack is each server's own process.cpuUsage() delta over the run (scripts/bench-ack-probe.ts).
 * Needs Redis on REDIS_URL (default 127.0.0.1:6379). BENCH_ACK_VERBOSE=1 prints each run to stderr.
 * Alone: `npm run build && node dist/scripts/bench-ack.js` (or `BENCH_ONLY=ack npm run bench`).
 * BENCH_ACK_PATHS=help,promote,approve: only these paths (approve needs promote before it).
 * BENCH_ACK_PROFILE=<dir>: a V8 CPU profile of each server over each timed run, written to
 * `<dir>/<server>-<path>-<conns>-r<round>.cpuprofile` (summarise with scripts/bench-ack-profile.ts).
 * BENCH_ACK_ROLES=split: shipgate as `serve --role web` (measured, loaded) beside a
 * `serve --role worker` process, instead of one `serve --role all`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { dropPrefix } from '../src/adapters/redis/drop-prefix';
import { SlackEmulator } from '../src/emulators/slack-emulator';
import { GitHubEmulator } from '../src/emulators/github-emulator';
import { findAction } from '../src/emulators/slack/blocks';
import type { SlackState } from '../src/emulators/slack/state';
import type { SlackMessage } from '../src/emulators/slack/shapes';
import { freePort, runLoad, ServerProcess, waitIdle, type LoadResult } from './bench-ack-load';
import { pct } from './bench-stats';

const SECRET = 'bench-secret-0123456789';
const TOKEN = 'xoxb-bench';
const HOOK_SECRET = 'bench-webhook-secret';
const LEVELS = [20, 200] as const;
const ROUNDS = 2;
const DURATION_S = 4;
/** Promotions one timed `/promote <svc> prod` run may open (= services it may use). */
const PROMOTE_CAP = 500;
/** Approve clicks per run (cards made by the promote runs before it). */
const APPROVE_CAP: Record<number, number> = { 20: 300, 200: 600 };
const IDLE_BOUND_MS = 20_000;
const REQUESTER = 'U0BENCH';
const APPROVER = 'U0RM';
const CHANNEL = 'C0BENCH';

type PathName = 'help' | 'promote' | 'approve';
const ALL_PATHS: Array<{ path: PathName; label: string }> = [
  { path: 'help', label: '/promote help' },
  { path: 'promote', label: '/promote <svc> prod (new promotion each)' },
  { path: 'approve', label: 'Approve click (fresh card each)' },
];
const ONLY_PATHS = (process.env.BENCH_ACK_PATHS ?? '').split(',').filter(Boolean);
const PATHS = ONLY_PATHS.length ? ALL_PATHS.filter((p) => ONLY_PATHS.includes(p.path)) : ALL_PATHS;
const PROFILE_DIR = process.env.BENCH_ACK_PROFILE;
const SPLIT_ROLES = process.env.BENCH_ACK_ROLES === 'split';

function configYaml(services: number): string {
  const lines = ['environments:', '  - { name: int }', '  - { name: prod, deployers: ["*"], approvers: [S0RM] }', 'services:'];
  for (let i = 0; i < services; i++)
    lines.push(`  - { name: s${i}, repo: acme/svc, pipeline: [int, prod], strategy: { type: workflow, workflow: deploy.yml } }`);
  lines.push('  - { name: probe, repo: acme/svc, pipeline: [int, prod], strategy: { type: workflow, workflow: deploy.yml } }');
  return `${lines.join('\n')}\n`;
}

/** Several runs of one path and level, summed (the same fields as one run). */
type Totals = LoadResult;

function add(t: Totals | undefined, r: LoadResult): Totals {
  const x = t ?? { latencies: [], ok: 0, non2xx: 0, timeouts: 0, errors: 0, seconds: 0, cpuMs: 0, statuses: {} };
  for (const l of r.latencies) x.latencies.push(l);
  x.ok += r.ok;
  x.non2xx += r.non2xx;
  x.timeouts += r.timeouts;
  x.errors += r.errors;
  x.seconds += r.seconds;
  x.cpuMs += r.cpuMs;
  for (const [k, v] of Object.entries(r.statuses)) x.statuses[k] = (x.statuses[k] ?? 0) + v;
  return x;
}

interface Figures {
  p50: number;
  p99: number;
  max: number;
  rps: number;
  cpu: number;
}

function figures(t: Totals): Figures {
  const s = [...t.latencies].sort((a, b) => a - b);
  const answered = t.ok + t.non2xx;
  return { p50: pct(s, 50), p99: pct(s, 99), max: s[s.length - 1] ?? NaN, rps: answered / t.seconds, cpu: t.cpuMs / Math.max(1, answered) };
}

function describe(t: Totals): string {
  const f = figures(t);
  const odd = Object.entries(t.statuses).filter(([k]) => k !== '200');
  const extra = [odd.length ? `status ${odd.map(([k, v]) => `${k}×${v}`).join(' ')}` : '', t.errors ? `${t.errors} errors` : ''].filter(Boolean).join(', ');
  return `p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms, max ${f.max.toFixed(0)} ms, ${f.rps.toFixed(0)} req/s, CPU ${f.cpu.toFixed(2)} ms/ack, ${t.timeouts} past 3 s (n=${t.latencies.length}${extra ? `; ${extra}` : ''})`;
}

function ratio(sg: Totals, bare: Totals, conns: number): string {
  const a = figures(sg);
  const b = figures(bare);
  const x = (n: number, d: number) => `×${(n / d).toFixed(2)}`;
  const target = conns <= 20 ? 'target p99 ×≤1.2 and p99 < 100 ms' : 'target p99 ×≤1.5 and 0 past 3 s';
  return `p99 ${x(a.p99, b.p99)}, p50 ${x(a.p50, b.p50)}, max ${x(a.max, b.max)}, CPU/ack ${x(a.cpu, b.cpu)}, req/s ${x(a.rps, b.rps)} (${target})`;
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`bench-ack: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function benchAck(): Promise<Array<{ name: string; value: string }>> {
  const benchStarted = performance.now();
  const prefix = `bench-ack-${process.pid}-${Date.now()}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const services = ROUNDS * LEVELS.length * PROMOTE_CAP + 50;
  const dir = mkdtempSync(path.join(tmpdir(), 'shipgate-bench-ack-'));
  const configFile = path.join(dir, 'shipgate.yml');
  writeFileSync(configFile, configYaml(services));
  const slack = new SlackEmulator({
    token: TOKEN,
    signingSecret: SECRET,
    users: [
      { id: REQUESTER, name: 'bench' },
      { id: APPROVER, name: 'rm' },
    ],
    channels: [{ id: CHANNEL, name: 'bench' }],
    usergroups: { S0RM: [APPROVER] },
  });
  const github = new GitHubEmulator({ token: 'ghp_bench', rateLimit: 10_000_000, defaultDurations: { queuedMs: 10, inProgressMs: 10 } });
  await Promise.all([slack.start(), github.start()]);
  github.addRepo('acme/svc', { defaultBranch: 'main' });
  github.addWorkflow('acme/svc', { file: 'deploy.yml' });
  // Slack's side of a request: trigger_ids and response_urls minted the way the emulator mints them
  const state = (slack as unknown as { state: SlackState }).state;
  const sgPort = await freePort();
  const sgUrl = `http://127.0.0.1:${sgPort}`;
  slack.botUrl = `${sgUrl}/slack/events`;
  github.webhook = { url: `${sgUrl}/github/webhooks`, secret: HOOK_SECRET };
  const spawnShipgate = (config: string, port: number, keyPrefix: string, role = SPLIT_ROLES ? 'web' : 'all') =>
    new ServerProcess(`shipgate ${role}`, [path.join(__dirname, '..', '..', 'bin', 'shipgate.js'), 'serve', '--role', role, '--config', config], {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `${slack.url}/api/`,
      GITHUB_TOKEN: 'ghp_bench',
      GITHUB_API_URL: github.url,
      GITHUB_WEBHOOK_SECRET: HOOK_SECRET,
      REDIS_URL: redisUrl,
      SHIPGATE_REDIS_PREFIX: keyPrefix,
      PORT: String(port),
    });
  const readyz = async (server: ServerProcess, url: string): Promise<number> => {
    const exited = server.ready(60_000).then(
      () => Promise.reject(new Error(`shipgate exited: ${server.errors}`)),
      () => Promise.reject(new Error(`shipgate exited: ${server.errors}`)),
    );
    exited.catch(() => undefined);
    await Promise.race([
      until(async () => ((await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000, 'shipgate /readyz'),
      exited,
    ]);
    return performance.now() - server.startedAt;
  };
  let shipgate: ServerProcess | undefined;
  let bare: ServerProcess | undefined;
  let worker: ServerProcess | undefined;
  /** shipgate (and its worker process, when split) gone quiet. */
  const idle = async (web: ServerProcess): Promise<boolean> => {
    const quiet = await waitIdle(web, IDLE_BOUND_MS);
    return (worker ? await waitIdle(worker, IDLE_BOUND_MS) : true) && quiet;
  };
  const rows: Array<{ name: string; value: string }> = [];
  try {
    // start → /readyz and RSS idle with a small config (the bench's own has one service per promotion)
    const smallConfig = path.join(dir, 'small.yml');
    writeFileSync(smallConfig, configYaml(0));
    const smallPort = await freePort();
    const small = spawnShipgate(smallConfig, smallPort, `${prefix}-small`);
    let smallStartMs: number;
    let smallRss: number;
    try {
      smallStartMs = await readyz(small, `http://127.0.0.1:${smallPort}`);
      await waitIdle(small, IDLE_BOUND_MS);
      smallRss = (await small.usage()).rss;
    } finally {
      await small.stop();
      await dropPrefix(redisUrl, `${prefix}-small`);
    }
    if (SPLIT_ROLES) {
      const workerPort = await freePort();
      worker = spawnShipgate(configFile, workerPort, prefix, 'worker');
      await readyz(worker, `http://127.0.0.1:${workerPort}`);
    }
    shipgate = spawnShipgate(configFile, sgPort, prefix);
    const sgStartMs = await readyz(shipgate, sgUrl);
    await idle(shipgate);
    const sgRss = (await shipgate.usage()).rss;

    const slashBody = (text: string): string => {
      const fields: Record<string, string> = {
        token: 'emulator-verification-token',
        team_id: state.identity.teamId,
        team_domain: state.identity.teamDomain,
        channel_id: CHANNEL,
        channel_name: 'bench',
        user_id: REQUESTER,
        user_name: 'bench',
        command: '/promote',
        text,
        api_app_id: state.identity.appId,
        is_enterprise_install: 'false',
        response_url: state.newResponseUrl({ channel: CHANNEL, userId: REQUESTER, isEphemeral: false }),
        trigger_id: state.newTrigger(REQUESTER),
      };
      return new URLSearchParams(fields).toString();
    };
    const clickBody = (card: SlackMessage): string => {
      const found = findAction(card.blocks, 'promotion_approve');
      const element = found?.element ?? {};
      const payload = {
        type: 'block_actions',
        user: { id: APPROVER, username: 'rm', name: 'rm', team_id: state.identity.teamId },
        api_app_id: state.identity.appId,
        token: 'emulator-verification-token',
        trigger_id: state.newTrigger(APPROVER),
        team: { id: state.identity.teamId, domain: state.identity.teamDomain },
        enterprise: null,
        is_enterprise_install: false,
        container: { type: 'message', message_ts: card.ts, channel_id: CHANNEL, is_ephemeral: false },
        message: card,
        channel: { id: CHANNEL, name: 'bench' },
        response_url: state.newResponseUrl({ channel: CHANNEL, userId: APPROVER, messageTs: card.ts, isEphemeral: false, threadTs: card.thread_ts }),
        actions: [
          {
            type: 'button',
            block_id: found?.blockId ?? '',
            action_id: 'promotion_approve',
            text: element.text,
            value: element.value,
            style: element.style,
            action_ts: state.nextTs(),
          },
        ],
        state: { values: {} },
      };
      return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    };
    const used = new Set<string>();
    const freshCards = (): SlackMessage[] =>
      slack.messages(CHANNEL).filter((m) => !used.has(m.ts) && JSON.stringify(m.blocks ?? []).includes('"action_id":"promotion_approve"'));

    // what shipgate acknowledges each path with: the bare app acknowledges with the same
    const helpAck = await slack.sendSlashCommand({ command: '/promote', text: 'help', userId: REQUESTER, channelId: CHANNEL });
    let help: unknown = helpAck.body;
    if (help === '' || help === undefined) {
      const shown = await until(() => slack.ephemerals(REQUESTER).at(-1), 10_000, 'the help text');
      help = { response_type: 'ephemeral', text: shown.text, blocks: shown.blocks };
    }
    const promoteAck = await slack.sendSlashCommand({ command: '/promote', text: 'probe prod', userId: REQUESTER, channelId: CHANNEL });
    if (promoteAck.status !== 200) throw new Error(`probe promotion answered ${promoteAck.status}`);
    const probeCard = await until(() => freshCards()[0], 30_000, 'the probe promotion awaiting approval');
    used.add(probeCard.ts);
    const approveAck = await slack.sendBlockAction({ userId: APPROVER, channelId: CHANNEL, messageTs: probeCard.ts, actionId: 'promotion_approve' });
    if (approveAck.status !== 200) throw new Error(`probe approve answered ${approveAck.status}`);
    await idle(shipgate);

    const barePort = await freePort();
    const bareUrl = `http://127.0.0.1:${barePort}`;
    bare = new ServerProcess('bare Bolt', [path.join(__dirname, 'bench-ack-bare.js')], {
      PORT: String(barePort),
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: TOKEN,
      BENCH_ACKS: JSON.stringify({ help, promote: promoteAck.body }),
    });
    await bare.ready(30_000);
    const bareStartMs = performance.now() - bare.startedAt;
    await waitIdle(bare, IDLE_BOUND_MS);
    const bareRss = (await bare.usage()).rss;

    const apps = { shipgate: { server: shipgate, url: sgUrl }, bare: { server: bare, url: bareUrl } };
    // warm-up (not counted): JIT and connection pools of both
    for (const a of Object.values(apps))
      await runLoad(a.server, { url: a.url, connections: 20, durationS: 1, signingSecret: SECRET, nextBody: () => slashBody('help') });
    await idle(shipgate);

    /** Waits (bounded) until `needed` fresh cards show Approve, or their number stops growing for 5 s. */
    const waitCards = async (needed: number): Promise<string> => {
      const started = Date.now();
      let n = freshCards().length;
      let since = Date.now();
      while (n < needed && Date.now() - since < 5000 && Date.now() - started < 30_000) {
        await new Promise((r) => setTimeout(r, 250));
        const m = freshCards().length;
        if (m !== n) since = Date.now();
        n = m;
      }
      const stuck = slack.messages(CHANNEL).filter((m) => / requested$/.test(m.text)).length;
      return `${n} fresh cards (wanted ${needed}) after ${((Date.now() - started) / 1000).toFixed(1)} s, ${stuck} cards still "requested"`;
    };
    const cardWaits: string[] = [];
    const totals = new Map<string, Totals>();
    let nextService = 0;
    let idleMissed = 0;
    let wrapped = 0;
    // path by path (every promote run before the first click, so clicks find cards not queued behind executions), both levels, interleaved rounds
    for (const { path: p } of PATHS) {
      for (const conns of LEVELS) {
        for (let round = 0; round < ROUNDS; round++) {
          const order: Array<'shipgate' | 'bare'> = round % 2 === 0 ? ['shipgate', 'bare'] : ['bare', 'shipgate'];
          if (p === 'approve' && round === 0) cardWaits.push(`${conns} conns: ${await waitCards(APPROVE_CAP[conns]! * ROUNDS)}`);
          const cards = p === 'approve' ? freshCards().slice(0, APPROVE_CAP[conns]) : [];
          if (p === 'approve') for (const c of cards) used.add(c.ts);
          for (const name of order) {
            const a = apps[name];
            let nextBody: () => string;
            let amount: number | undefined;
            if (p === 'help') nextBody = () => slashBody('help');
            else if (p === 'promote') {
              nextBody = () => {
                if (name === 'bare') return slashBody(`s${nextService % services} prod`);
                if (nextService >= services) wrapped++;
                return slashBody(`s${nextService++ % services} prod`);
              };
            } else {
              let i = 0;
              amount = cards.length;
              nextBody = () => clickBody(cards[i++ % cards.length]!);
            }
            if (amount === 0) continue;
            const r = await runLoad(a.server, {
              url: a.url,
              // autocannon refuses more connections than requests (fewer fresh cards than connections under load)
              connections: amount !== undefined ? Math.min(conns, amount) : conns,
              signingSecret: SECRET,
              nextBody,
              ...(amount !== undefined ? { amount } : { durationS: DURATION_S }),
              ...(p === 'promote' && name === 'shipgate' ? { maxRequests: PROMOTE_CAP } : {}),
              ...(PROFILE_DIR ? { profileFile: path.join(PROFILE_DIR, `${name}-${p}-${conns}-r${round}.cpuprofile`) } : {}),
            });
            if (process.env.BENCH_ACK_VERBOSE)
              process.stderr.write(`${p} ${conns} ${name} round ${round}: ${describe(add(undefined, r))}${p === 'approve' ? ` cards ${cards.length}` : ''}\n`);
            const k = `${p}|${conns}|${name}`;
            totals.set(k, add(totals.get(k), r));
            if (name === 'shipgate' && !(await idle(shipgate))) idleMissed++;
            if (process.env.BENCH_ACK_VERBOSE && name === 'shipgate') {
              const all = slack.messages(CHANNEL);
              process.stderr.write(`  channel: ${all.length} messages, ${freshCards().length} fresh cards; last: ${all.at(-1)?.text.slice(0, 160)}\n`);
            }
          }
        }
      }
    }

    for (const conns of LEVELS) {
      for (const { path: p, label } of PATHS) {
        const sg = totals.get(`${p}|${conns}|shipgate`);
        const b = totals.get(`${p}|${conns}|bare`);
        if (!sg || !b) {
          rows.push({ name: `ack ${label}, ${conns} conns`, value: 'not measured (no fresh cards)' });
          continue;
        }
        rows.push({ name: `ack ${label}, ${conns} conns: shipgate`, value: describe(sg) });
        rows.push({ name: `ack ${label}, ${conns} conns: bare Bolt`, value: describe(b) });
        rows.push({ name: `ack ${label}, ${conns} conns: shipgate/bare`, value: ratio(sg, b, conns) });
      }
    }
    const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
    rows.push({
      name: 'RSS idle: shipgate serve / bare Bolt',
      value: `${mb(smallRss)} / ${mb(bareRss)} (target shipgate < 110 MB; 1 service; with the bench's ${services + 1} services ${mb(sgRss)})`,
    });
    rows.push({
      name: 'start → /readyz: shipgate serve',
      value: `${smallStartMs.toFixed(0)} ms (1 service; ${sgStartMs.toFixed(0)} ms with ${services + 1}; bare Bolt start → listening ${bareStartMs.toFixed(0)} ms)`,
    });
    rows.push({ name: 'approve cards before the approve rounds', value: cardWaits.join('; ') });
    rows.push({
      name: 'ack bench runtime',
      value: `${((performance.now() - benchStarted) / 1000).toFixed(0)} s: ${ROUNDS} interleaved rounds per path and level, timed runs ${DURATION_S} s (promote ≤ ${PROMOTE_CAP} req/run), approve runs = fresh cards; ${idleMissed} waits for shipgate to go idle hit the ${IDLE_BOUND_MS / 1000} s bound; ${wrapped} promote requests reused a service`,
    });
    return rows;
  } finally {
    await bare?.stop();
    await shipgate?.stop();
    await worker?.stop();
    await Promise.all([slack.stop(), github.stop()]);
    await dropPrefix(redisUrl, prefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchAck().then(
    (rows) => {
      const w = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) process.stdout.write(`${r.name.padEnd(w)} | ${r.value}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
