/**
 * The sandbox as a person runs it, as real processes: `npm run sandbox` stopped with SIGTERM or
 * a terminal's Ctrl-C leaves nothing behind (npm, node, the private redis-server); the
 * redis-server also goes when the sandbox itself is killed; a second sandbox on another port
 * (or on the same shared Redis) never resets the first one's data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { gone, isRedisServer, processTree, type ProcessInfo } from '../helpers/process-tree';
import { closedPort } from '../helpers/black-hole';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';
import { findOnPath } from '../../src/sandbox/sandbox-redis';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'shipgate.js');

interface Running {
  child: ChildProcess;
  output: () => string;
  /** The console URL, once the startup output shows it. */
  url: () => Promise<string>;
}

function run(command: string, args: string[], o: { cwd: string; env?: Record<string, string>; detached?: boolean }): Running {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...o.env };
  const child = spawn(command, args, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: o.detached ?? false });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  return {
    child,
    output: () => out,
    // npm run sandbox builds first (tsc), hence the long bound
    url: () => waitUntil('the console URL in the startup output', () => /Open {2}(http:\/\/\S+)/.exec(out)?.[1] ?? (child.exitCode !== null ? Promise.reject(new Error(`exited ${child.exitCode}:\n${out}`)) : undefined), 120_000, 100),
  };
}

function exitOf(child: ChildProcess, withinMs: number): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pid ${child.pid} still running ${withinMs} ms after the signal`)), withinMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

const started: ChildProcess[] = [];
const leftovers: ProcessInfo[] = [];
const dirs: string[] = [];
function tempDir(name: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), `sg-${name}-`));
  dirs.push(d);
  return d;
}

beforeAll(() => {
  if (!findOnPath('redis-server', process.env.PATH)) throw new Error('redis-server is not on PATH: install it (sudo apt-get install -y redis-server); these tests need it');
});

afterEach(() => {
  // never leave anything running, whatever the test did (each of these pids was started by this test)
  for (const child of started.splice(0)) if (child.pid !== undefined && !gone(child.pid)) leftovers.push(...processTree(child.pid));
  for (const p of leftovers.splice(0)) if (!gone(p.pid)) process.kill(p.pid, 'SIGKILL');
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What a running sandbox started, below `root`: its node and its private redis-server. */
async function treeOf(root: number): Promise<ProcessInfo[]> {
  const tree = await waitUntil('the sandbox node and its redis-server', () => {
    const t = processTree(root);
    return t.some(isRedisServer) && t.some((p) => p.cmdline.includes('shipgate.js sandbox')) ? t : undefined;
  });
  leftovers.push(...tree); // killed after the test if still there (a detached redis-server has left the tree)
  return tree;
}

async function expectAllGone(tree: ProcessInfo[]): Promise<void> {
  await waitUntil(`every process of the sandbox to end (${tree.map((p) => `${p.pid} ${p.cmdline.slice(0, 60)}`).join('; ')})`, () => tree.every((p) => gone(p.pid)), 10_000, 50);
}

describe('npm run sandbox', () => {
  it.each([
    ['SIGTERM to npm', 'SIGTERM', false],
    ["a terminal's Ctrl-C (SIGINT to npm's process group)", 'SIGINT', true],
  ] as const)('%s ends npm, node and the private redis-server, exit status 0', async (_what, signal, group) => {
    const data = tempDir('npm-data');
    const sb = run('npm', ['run', 'sandbox', '--', '--port', '0', '--data-dir', data, '--log-level', 'silent'], { cwd: ROOT, detached: group });
    await sb.url();
    const tree = await treeOf(sb.child.pid!);
    expect(existsSync(path.join(data, 'sandbox.lock'))).toBe(true);

    if (group) process.kill(-sb.child.pid!, signal);
    else sb.child.kill(signal);
    const exit = await exitOf(sb.child, 15_000);
    await expectAllGone(tree);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(sb.output()).toContain(`${signal}: stopping the sandbox`);
    expect(existsSync(path.join(data, 'sandbox.lock'))).toBe(false);
  });
});

describe('shipgate sandbox', () => {
  it('its private redis-server stops when the sandbox is killed (SIGKILL: no chance to clean up)', async () => {
    const data = tempDir('kill-data');
    const sb = run(process.execPath, [BIN, 'sandbox', '--port', '0', '--data-dir', data, '--log-level', 'silent'], { cwd: tempDir('kill-cwd') });
    await sb.url();
    const tree = await treeOf(sb.child.pid!);
    sb.child.kill('SIGKILL');
    await exitOf(sb.child, 5000);
    await expectAllGone(tree);
  });

  it('SIGINT stops it and its redis-server, exit status 0', async () => {
    const sb = run(process.execPath, [BIN, 'sandbox', '--port', '0', '--data-dir', tempDir('int-data'), '--log-level', 'silent'], { cwd: tempDir('int-cwd') });
    await sb.url();
    const tree = await treeOf(sb.child.pid!);
    sb.child.kill('SIGINT');
    await expect(exitOf(sb.child, 15_000)).resolves.toEqual({ code: 0, signal: null });
    await expectAllGone(tree);
  });

  it('a second sandbox on another port has its own redis-server and data directory: the first one keeps its data', async () => {
    const cwd = tempDir('two-cwd'); // the default data directory is .data/redis/<port> under the working directory
    const [portA, portB] = [await closedPort(), await closedPort()];
    const a = run(process.execPath, [BIN, 'sandbox', '--port', String(portA), '--log-level', 'silent'], { cwd });
    await a.url();
    await treeOf(a.child.pid!);
    const redisA = /private redis-server on (127\.0\.0\.1:\d+)/.exec(a.output())?.[1];
    expect(redisA).toBeDefined();
    const r = new Redis(`redis://${redisA}`);
    // the running sandbox's own job-queue keys come and go (stalled checks, locks, delayed jobs): compare its data
    const dataKeys = async (pattern: string) => (await r.keys(pattern)).filter((k) => !/:bull:/.test(k)).sort();
    try {
      await r.set('sandbox:first-sandbox-marker', 'mine');
      const before = await dataKeys('sandbox:*');
      expect(before.length).toBeGreaterThan(10); // seeded promotions, history, audit

      const b = run(process.execPath, [BIN, 'sandbox', '--port', String(portB), '--log-level', 'silent'], { cwd });
      await b.url();
      await treeOf(b.child.pid!);
      expect(b.output()).not.toContain('of a previous sandbox run'); // it found no data to reset
      expect(b.output()).not.toContain(redisA);

      expect(await dataKeys('sandbox:*')).toEqual(before);
      expect(await r.get('sandbox:first-sandbox-marker')).toBe('mine');
      expect(existsSync(path.join(cwd, '.data', 'redis', String(portA), 'appendonlydir'))).toBe(true);
      expect(existsSync(path.join(cwd, '.data', 'redis', String(portB), 'appendonlydir'))).toBe(true);
      expect((await fetch(`http://127.0.0.1:${portA}/readyz`)).status).toBe(200);

      b.child.kill('SIGTERM');
      a.child.kill('SIGTERM');
      await expect(exitOf(b.child, 15_000)).resolves.toEqual({ code: 0, signal: null });
      await expect(exitOf(a.child, 15_000)).resolves.toEqual({ code: 0, signal: null });
    } finally {
      r.disconnect();
    }
  });

  it('on a shared Redis (REDIS_URL) a second sandbox with the same key prefix refuses to start instead of resetting the first one', async () => {
    const prefix = uniquePrefix('sandbox-shared');
    const env = { REDIS_URL, SHIPGATE_REDIS_PREFIX: prefix };
    const a = run(process.execPath, [BIN, 'sandbox', '--port', '0', '--log-level', 'silent'], { cwd: tempDir('shared-a'), env });
    const r = new Redis(REDIS_URL);
    const dataKeys = async (pattern: string) => (await r.keys(pattern)).filter((k) => !/:bull:/.test(k)).sort();
    try {
      await a.url();
      const before = await dataKeys(`${prefix}:*`);
      expect(before.length).toBeGreaterThan(10);

      const b = run(process.execPath, [BIN, 'sandbox', '--port', '0', '--log-level', 'silent'], { cwd: tempDir('shared-b'), env });
      await expect(exitOf(b.child, 30_000)).resolves.toEqual({ code: 1, signal: null });
      expect(b.output()).toContain(`another sandbox (pid ${a.child.pid}`);
      expect(b.output()).toContain(`uses the keys under "${prefix}:"`);
      expect(b.output()).toContain('SHIPGATE_REDIS_PREFIX=');
      expect(await dataKeys(`${prefix}:*`)).toEqual(before);

      a.child.kill('SIGTERM');
      await expect(exitOf(a.child, 15_000)).resolves.toEqual({ code: 0, signal: null });
    } finally {
      if (a.child.exitCode === null) a.child.kill('SIGKILL');
      r.disconnect();
      await dropPrefix(prefix);
    }
  });
});
