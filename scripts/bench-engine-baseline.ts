/**
 * The baseline beside the step-engine rows (bench-engine.ts), in the same run: what a bare
 * BullMQ worker that only dispatches costs on the same machine, Redis and GitHub emulator.
 * No gates, no promotion record, no Slack: a click is an HTTP POST that enqueues one job; the
 * job makes the one `workflow_dispatch` call with a plain Octokit (and, paced, Octokit's own
 * throttling plugin at one write per second, as GitHub asks). The distance between the two
 * rows is what shipgate's engine adds; the Redis row is BullMQ's own cost per job.
 */
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { dropPrefix } from '../src/adapters/redis/drop-prefix';
import { GitHubEmulator } from '../src/emulators/github-emulator';
import { latencies } from './bench-stats';

type Row = { name: string; value: string };

/** shipgate's default step-job concurrency (promotion-worker.ts). */
const CONCURRENCY = 16;

async function waitFor(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`bench-engine-baseline: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface BareRig {
  click(id: string): Promise<number>;
  dispatchedAt: Map<string, number[]>;
  close(): Promise<void>;
}

async function startBare(redisUrl: string, paced: boolean): Promise<BareRig> {
  const prefix = `bench-bare-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const github = new GitHubEmulator({ token: 'ghp_bare' });
  await github.start();
  github.addRepo('acme/bare', { defaultBranch: 'main' });
  github.addCommit('acme/bare', 'main', { message: 'release' });
  github.addWorkflow('acme/bare', { file: 'deploy.yml', durations: { queuedMs: 200, inProgressMs: 500 } });
  const dispatchedAt = new Map<string, number[]>();
  github.on('dispatch', (d: { inputs: Record<string, unknown> }) => {
    const id = String(d.inputs.promotion ?? '?');
    dispatchedAt.set(id, [...(dispatchedAt.get(id) ?? []), performance.now()]);
  });
  const Client = paced ? Octokit.plugin(throttling) : Octokit;
  const octokit = new Client({
    baseUrl: github.url,
    auth: 'ghp_bare',
    ...(paced
      ? { throttle: { onRateLimit: () => true, onSecondaryRateLimit: () => true } }
      : {}),
  });
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bare', { connection, prefix });
  const worker = new Worker(
    'bare',
    async (job) => {
      await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', { owner: 'acme', repo: 'bare', workflow_id: 'deploy.yml', ref: 'main', inputs: { promotion: String(job.data.id) } });
    },
    { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency: CONCURRENCY },
  );
  await worker.waitUntilReady();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String((JSON.parse(Buffer.concat(chunks).toString() || '{}') as { id?: string }).id ?? '');
      queue.add('click', { id }, { jobId: id, removeOnComplete: true }).then(
        () => res.writeHead(200).end('{"ok":true}'),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true });
  return {
    dispatchedAt,
    click: (id) =>
      new Promise<number>((resolve, reject) => {
        const at = performance.now();
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/click', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve(at) : reject(new Error(`click answered ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ id }));
      }),
    close: async () => {
      agent.destroy();
      await new Promise((r) => server.close(r));
      await worker.close();
      await queue.close();
      connection.disconnect();
      await github.stop();
      await dropPrefix(redisUrl, prefix);
    },
  };
}

/** 20 clicks at once, pacing off: the bare path from click to dispatch. */
async function bareClickToDispatch(redisUrl: string): Promise<Row> {
  const rig = await startBare(redisUrl, false);
  try {
    const ids = Array.from({ length: 20 }, (_, i) => `bare-${i}`);
    const clicked = await Promise.all(ids.map((id) => rig.click(id)));
    await waitFor('20 dispatches', () => ids.every((id) => rig.dispatchedAt.has(id)), 30_000);
    const ms = ids.map((id, i) => rig.dispatchedAt.get(id)![0]! - clicked[i]!);
    return { name: 'baseline: click → dispatch, 20 at once, bare BullMQ + Octokit', value: `${latencies(ms)} (one job per click, one dispatch call, no gates or state; same Redis and emulator)` };
  } finally {
    await rig.close();
  }
}

/** N clicks at once through Octokit's throttling plugin: time to the Nth dispatch. */
async function bareBurst(redisUrl: string, n: number): Promise<Row> {
  const rig = await startBare(redisUrl, true);
  try {
    const ids = Array.from({ length: n }, (_, i) => `burst-${i}`);
    const t0 = performance.now();
    await Promise.all(ids.map((id) => rig.click(id)));
    await waitFor(`${n} dispatches`, () => ids.every((id) => rig.dispatchedAt.has(id)), n * 3000 + 30_000);
    const last = Math.max(...ids.map((id) => rig.dispatchedAt.get(id)![0]!)) - t0;
    const duplicates = ids.reduce((a, id) => a + Math.max(0, (rig.dispatchedAt.get(id)?.length ?? 0) - 1), 0);
    return { name: `baseline: ${n} at once, Octokit throttling: time to the ${n}th dispatch`, value: `${(last / 1000).toFixed(1)} s after the first click; ${duplicates} duplicates` };
  } finally {
    await rig.close();
  }
}

/** BullMQ's own Redis commands per job (add + process + complete), on a private redis-server. */
async function bareRedisPerJob(): Promise<Row | undefined> {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (n) => (n > 50 ? null : 50) });
  probe.on('error', () => undefined);
  try {
    await probe.ping();
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue('chain', { connection });
    const jobs = 20;
    let done = 0;
    const worker = new Worker(
      'chain',
      async (job) => {
        // a chain of step jobs, each enqueuing the next, as shipgate's steps do
        const i = Number(job.data.i);
        if (i + 1 < jobs) await queue.add('step', { i: i + 1 }, { removeOnComplete: true });
        done++;
      },
      { connection: new Redis(url, { maxRetriesPerRequest: null }), concurrency: CONCURRENCY },
    );
    await worker.waitUntilReady();
    await new Promise((r) => setTimeout(r, 500));
    const count = async () => {
      let total = 0;
      for (const line of String(await probe.info('commandstats')).split('\n')) {
        const m = /^cmdstat_[^:]+:calls=(\d+)/.exec(line.trim());
        if (m) total += Number(m[1]);
      }
      return total;
    };
    const before = await count();
    const t0 = performance.now();
    await queue.add('step', { i: 0 }, { removeOnComplete: true });
    await waitFor(`a chain of ${jobs} jobs`, () => done >= jobs, 30_000);
    const seconds = (performance.now() - t0) / 1000;
    const during = (await count()) - before - 1;
    // the idle background (marker waits, stall checks) over the same time, taken out
    const idleBefore = await count();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const idle = (await count()) - idleBefore - 1;
    await worker.close();
    await queue.close();
    connection.disconnect();
    const perJob = (during - idle) / jobs;
    return { name: 'baseline: Redis commands per bare BullMQ job', value: `${perJob.toFixed(0)} per job in a chain of ${jobs} (INFO commandstats, Lua included, idle background taken out; private redis-server)` };
  } catch {
    return undefined;
  } finally {
    probe.disconnect();
    child.kill('SIGKILL');
  }
}

export async function benchEngineBaseline(parts: Set<string>, n: number): Promise<Row[]> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const rows: Row[] = [];
  if (parts.has('latency')) rows.push(await bareClickToDispatch(redisUrl));
  if (parts.has('burst')) rows.push(await bareBurst(redisUrl, n));
  if (parts.has('redis')) {
    const r = await bareRedisPerJob();
    if (r) rows.push(r);
  }
  return rows;
}
