/**
 * Plumbing of the ack bench (scripts/bench-ack.ts): server child processes measured from inside
 * (scripts/bench-ack-probe.ts), and one autocannon run of signed Slack requests, each with a body
 * of its own (Slack never repeats a trigger_id; shipgate's replay guard answers 409 to a repeat).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import autocannon from 'autocannon';
import { signSlackRequest } from '../src/emulators/slack-signature';

export interface Usage {
  /** process.cpuUsage() of the server process (µs). */
  cpu: { user: number; system: number };
  rss: number;
}

/** A server in its own process (node -r bench-ack-probe …), so CPU and RSS are its own. */
export class ServerProcess {
  private readonly child: ChildProcess;
  private stderr = '';
  private exited = false;
  readonly startedAt = performance.now();

  constructor(
    readonly label: string,
    args: string[],
    env: Record<string, string>,
  ) {
    const probe = path.join(__dirname, 'bench-ack-probe.js');
    // BENCH_ACK_NODE_ARGS: extra node flags for every server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`)
    const nodeArgs = (process.env.BENCH_ACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
    this.child = spawn(process.execPath, [...nodeArgs, '-r', probe, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child.stderr?.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-4000);
    });
    this.child.on('exit', () => {
      this.exited = true;
    });
  }

  /** Resolves on the child's first IPC message that is not a usage answer (`{ ready: true }`). */
  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.label} not ready within ${timeoutMs} ms: ${this.stderr}`)), timeoutMs);
      this.child.once('message', () => {
        clearTimeout(t);
        resolve();
      });
      this.child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`${this.label} exited (${code}): ${this.stderr}`));
      });
    });
  }

  usage(): Promise<Usage> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.label}: no usage answer: ${this.stderr}`)), 10_000);
      const on = (m: unknown) => {
        if (!m || typeof m !== 'object' || !('cpu' in m)) return;
        this.child.off('message', on);
        clearTimeout(t);
        resolve(m as Usage);
      };
      this.child.on('message', on);
      this.child.send('usage');
    });
  }

  /** Starts a CPU profile inside the server, or stops it and writes it to `file` (scripts/bench-ack-probe.ts). */
  profile(step: 'start' | 'stop', file?: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.label}: no profile answer: ${this.stderr}`)), 30_000);
      const on = (m: unknown) => {
        if (!m || typeof m !== 'object' || !('profiled' in m)) return;
        this.child.off('message', on);
        clearTimeout(t);
        const r = m as { profiled: boolean; error?: string };
        if (r.profiled) resolve();
        else reject(new Error(`${this.label}: profile ${step} failed: ${r.error}`));
      };
      this.child.on('message', on);
      this.child.send({ profile: step, ...(file ? { file } : {}) });
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(t);
  }

  get errors(): string {
    return this.stderr;
  }
}

export const cpuMs = (u: Usage): number => (u.cpu.user + u.cpu.system) / 1000;

/** Waits until the server uses < 5% of a core for 0.5 s (background work after a run finished); false if not within `boundMs`. */
export async function waitIdle(server: ServerProcess, boundMs: number): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  let last = cpuMs(await server.usage());
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuMs(await server.usage());
    if (now - last < 25) return true;
    last = now;
    if (Date.now() > deadline) return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface LoadResult {
  /** ms of every answered request. */
  latencies: number[];
  ok: number;
  non2xx: number;
  /** Requests with no answer within Slack's 3 s (autocannon timeout). */
  timeouts: number;
  errors: number;
  seconds: number;
  cpuMs: number;
  statuses: Record<string, number>;
}

export interface LoadSpec {
  url: string;
  connections: number;
  /** Run for this long… */
  durationS?: number;
  /** …or exactly this many requests (wins over durationS). */
  amount?: number;
  /** Stop a timed run after this many requests. */
  maxRequests?: number;
  signingSecret: string;
  /** The raw form body of the next request (called once per request). */
  nextBody: () => string;
  /** Write a V8 CPU profile of the server over exactly this run to this file. */
  profileFile?: string;
}

/** One autocannon run against `server`; CPU is the server's own cpuUsage delta over the run. */
export async function runLoad(server: ServerProcess, spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  if (spec.profileFile) await server.profile('start');
  const before = cpuMs(await server.usage());
  const started = performance.now();
  const opts: autocannon.Options = {
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    timeout: 3,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.durationS ?? 3 }),
    ...(spec.maxRequests !== undefined && spec.amount === undefined ? { maxOverallRequests: spec.maxRequests } : {}),
    requests: [
      {
        method: 'POST',
        path: '/slack/events',
        setupRequest: (req) => {
          const body = spec.nextBody();
          const ts = Math.floor(Date.now() / 1000);
          return {
            ...req,
            body,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
              'x-slack-request-timestamp': String(ts),
              'x-slack-signature': signSlackRequest(spec.signingSecret, ts, body),
            },
          };
        },
      },
    ],
  };
  let instance: autocannon.Instance | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(opts, (err, res) => (err ? reject(err as Error) : resolve(res)));
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
    });
  });
  const seconds = (performance.now() - started) / 1000;
  const after = cpuMs(await server.usage());
  if (spec.profileFile) await server.profile('stop', spec.profileFile);
  const statuses: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = s.count ?? 0;
  return {
    latencies,
    ok: result['2xx'],
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    errors: result.errors - result.timeouts,
    seconds,
    cpuMs: after - before,
    statuses,
  };
}
