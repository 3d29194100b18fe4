/**
 * Process start-up costs (issue 13), measured on the built bin (`bin/shipgate.js`):
 *
 * - `shipgate freeze check` as a CI step runs it: wall time per call, median of 10 spawned
 *   processes, for examples/shipgate.yml (every rule kind) and for a config whose only
 *   freeze rule is a weekly window; `node -e 0` alongside as the floor on this machine.
 * - `shipgate serve` (examples/shipgate.yml, Slack and GitHub emulated): spawn → first
 *   `/readyz` 200, and the process's RSS 1 s after that (idle, nothing asked of it).
 *
 * Standalone: `npm run build && node dist/scripts/bench-startup.js`
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { dropPrefix } from '../src/adapters/redis/drop-prefix';
import { SlackEmulator } from '../src/emulators/slack-emulator';
import { GitHubEmulator } from '../src/emulators/github-emulator';

// BENCH_ROOT: another checkout's built bin (to compare before / after with the same script)
const ROOT = process.env.BENCH_ROOT ?? path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'shipgate.js');
const EXAMPLE = path.join(ROOT, 'examples', 'shipgate.yml');

const WEEKLY_CONFIG = `
timezone: Europe/London
environments:
  - name: dev
  - name: prod
services:
  - name: svc
    repo: acme/svc
    pipeline: [dev, prod]
    strategy: { type: workflow, workflow: deploy.yml }
freezes:
  - { name: weekend, environments: ["*"], recurring: { cron: "0 18 * * 5", duration: 62h } }
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function spread(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${median(xs).toFixed(0)} ms (min ${s[0]!.toFixed(0)}, max ${s[s.length - 1]!.toFixed(0)}, n=${xs.length})`;
}

/** Wall time of `node args…` run to its end, `n` times. Exit codes 0 and 3 (open / frozen) are answers. */
function wallTimes(args: string[], n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    out.push(performance.now() - t0);
    if (r.status !== 0 && r.status !== 3) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${String(r.stderr)}`);
  }
  return out;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

/** One `serve` process: ms from spawn to the first /readyz 200, and its RSS (MB) 1 s later. */
async function serveOnce(slack: SlackEmulator, github: GitHubEmulator, redisUrl: string): Promise<{ readyMs: number; rss: number }> {
  const prefix = `bench-startup-${process.pid}-${Date.now()}`;
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--config', EXAMPLE], {
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: 'xoxb-startup',
      SLACK_SIGNING_SECRET: 'bench-startup-secret',
      SLACK_API_URL: `${slack.url}/api/`,
      GITHUB_TOKEN: 'ghp_startup',
      GITHUB_API_URL: github.url,
      // the example config names ServiceNow; nothing here reaches it
      SERVICENOW_INSTANCE_URL: 'http://127.0.0.1:9',
      SERVICENOW_TOKEN: 'sn-startup',
      REDIS_URL: redisUrl,
      SHIPGATE_REDIS_PREFIX: prefix,
      PORT: String(port),
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode} before /readyz`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('serve: no /readyz 200 within 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    const readyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 1000));
    return { readyMs, rss: rssMb(child.pid!) };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await dropPrefix(redisUrl, prefix);
  }
}

export async function benchStartup(): Promise<Array<{ name: string; value: string }>> {
  const n = Number(process.env.BENCH_STARTUP_RUNS ?? 10);
  const dir = mkdtempSync(path.join(tmpdir(), 'shipgate-bench-startup-'));
  const weekly = path.join(dir, 'shipgate.yml');
  writeFileSync(weekly, WEEKLY_CONFIG);
  const rows: Array<{ name: string; value: string }> = [];
  try {
    const floor = wallTimes(['-e', '0'], n);
    const example = wallTimes([BIN, 'freeze', 'check', '--env', 'prod', '--config', EXAMPLE], n);
    const weeklyOnly = wallTimes([BIN, 'freeze', 'check', '--env', 'prod', '--config', weekly], n);
    rows.push(
      { name: '`freeze check` wall per call, examples/shipgate.yml (every rule kind)', value: `${spread(example)} (target < 200 ms)` },
      { name: '`freeze check` wall per call, one weekly window only', value: `${spread(weeklyOnly)} (target < 200 ms)` },
      { name: '`node -e 0` wall (the floor on this machine, for comparison)', value: spread(floor) },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const slack = new SlackEmulator({ token: 'xoxb-startup', signingSecret: 'bench-startup-secret', users: [{ id: 'U0A', name: 'a' }], channels: [{ id: 'C0A', name: 'a' }] });
  const github = new GitHubEmulator({ token: 'ghp_startup' });
  await Promise.all([slack.start(), github.start()]);
  const ready: number[] = [];
  const rss: number[] = [];
  try {
    for (let i = 0; i < Number(process.env.BENCH_STARTUP_SERVES ?? 3); i++) {
      const r = await serveOnce(slack, github, redisUrl);
      ready.push(r.readyMs);
      rss.push(r.rss);
    }
  } finally {
    await Promise.all([slack.stop(), github.stop()]);
  }
  rows.push(
    { name: '`serve` start → /readyz 200 (examples/shipgate.yml)', value: spread(ready) },
    { name: '`serve` idle RSS 1 s after /readyz', value: `median ${median(rss).toFixed(0)} MB (min ${Math.min(...rss).toFixed(0)}, max ${Math.max(...rss).toFixed(0)}, n=${rss.length}; target < 110 MB)` },
  );
  return rows;
}

if (require.main === module) {
  benchStartup().then(
    (rows) => {
      for (const r of rows) process.stdout.write(`${r.name}: ${r.value}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
