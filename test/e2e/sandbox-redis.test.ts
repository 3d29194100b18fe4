/**
 * The sandbox and Redis: it refuses to start, saying exactly how to get Redis, when none is
 * configured and no redis-server exists (an empty search path stands in for "not installed"),
 * or when REDIS_URL does not answer; and it runs a private redis-server when it can.
 */
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../src/sandbox/start-sandbox';
import { findOnPath, redisAnswers } from '../../src/sandbox/sandbox-redis';
import { sandboxCommand } from '../../src/sandbox/sandbox-command';
import type { CliIo } from '../../src/cli';

jest.setTimeout(60_000);

const INSTALL_LINES = ['sudo apt-get install -y redis-server', 'brew install redis', 'docker run -d -p 6379:6379 redis:7', 'REDIS_URL='];

function captureIo(env: Record<string, string | undefined>): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), env, now: () => new Date() };
}

describe('sandbox without Redis', () => {
  let empty: string;
  beforeAll(() => {
    empty = mkdtempSync(path.join(os.tmpdir(), 'sg-no-redis-'));
  });
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('startSandbox fails with a ShipgateError naming the install commands when no redis-server is on the path', async () => {
    const started = startSandbox({ port: 0, searchPath: empty, logLevel: 'silent' });
    await expect(started).rejects.toMatchObject({ name: 'ShipgateError', code: 'redis_unavailable' });
    const message = await started.catch((e: Error) => e.message);
    expect(message).toContain('REDIS_URL is not set and no redis-server was found on PATH');
    for (const line of INSTALL_LINES) expect(message).toContain(line);
  });

  it('`shipgate sandbox` exits 1 with that message', async () => {
    const io = captureIo({ PATH: empty });
    await expect(sandboxCommand(['--port', '0', '--log-level', 'silent'], io)).resolves.toBe(1);
    const stderr = io.err.join('\n');
    expect(stderr).toContain('shipgate sandbox needs Redis');
    for (const line of INSTALL_LINES) expect(stderr).toContain(line);
    expect(io.out.join('\n')).not.toContain('Open  http');
  });

  it('`shipgate sandbox` exits 1 when REDIS_URL does not answer, and says which URL', async () => {
    const io = captureIo({ REDIS_URL: 'redis://127.0.0.1:1', PATH: empty });
    await expect(sandboxCommand(['--port', '0', '--log-level', 'silent'], io)).resolves.toBe(1);
    const stderr = io.err.join('\n');
    expect(stderr).toContain('nothing answers at redis://127.0.0.1:1 (REDIS_URL)');
    for (const line of INSTALL_LINES) expect(stderr).toContain(line);
  });
});

// CI installs redis-server (.ci/run): these tests run or fail, they never skip
describe('sandbox with a private redis-server', () => {
  beforeAll(() => {
    if (!findOnPath('redis-server', process.env.PATH)) {
      throw new Error(`redis-server is not on PATH (${process.env.PATH ?? ''}): install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis); these tests need it`);
    }
  });

  it('starts one on a free port with an append-only file in the data directory, and stops it on close', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sg-redis-data-'));
    const lines: string[] = [];
    const sb = await startSandbox({ port: 0, dataDir, logLevel: 'silent', log: (l) => lines.push(l) });
    try {
      expect(sb.redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(sb.redis.description).toContain('private redis-server');
      await expect(redisAnswers(sb.redis.url, 1000)).resolves.toBe(true);
      expect(existsSync(path.join(dataDir, 'appendonlydir'))).toBe(true);
      expect(lines.join('\n')).toContain('starting a private redis-server');
      const ready = await fetch(`${sb.app.url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      await sb.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    await expect(redisAnswers(sb.redis.url, 500)).resolves.toBe(false);
  });

  it('starts under a moved clock (the sandbox clock is an offset: redis-server, its timeouts and its data are on real time)', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sg-redis-clock-'));
    const startAt = new Date('2026-12-30T10:00:00Z'); // inside the year-end close, every year
    const sb = await startSandbox({ port: 0, dataDir, logLevel: 'silent', startAt });
    try {
      expect(sb.redis.description).toContain('private redis-server');
      await expect(redisAnswers(sb.redis.url, 1000)).resolves.toBe(true);
      expect(Math.abs(sb.clock.nowMs() - startAt.getTime())).toBeLessThan(60_000);
      expect((await fetch(`${sb.app.url}/readyz`)).status).toBe(200);
      const clock = (await (await fetch(`${sb.app.url}/console/api/clock`)).json()) as { frozen: Array<{ env: string; rules: string[] }> };
      expect(clock.frozen.find((f) => f.env === 'prod')?.rules).toContain('year-end close');
    } finally {
      await sb.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('one sandbox per data directory: a second one on the same --data-dir refuses, naming the first, and leaves it running', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sg-redis-lock-'));
    const first = await startSandbox({ port: 0, dataDir, logLevel: 'silent' });
    try {
      const second = startSandbox({ port: 0, dataDir, logLevel: 'silent' });
      await expect(second).rejects.toMatchObject({ name: 'ShipgateError', code: 'locked' });
      await expect(second.catch((e: Error) => e.message)).resolves.toContain(`is in use by another sandbox (pid ${process.pid}`);
      await expect(redisAnswers(first.redis.url, 1000)).resolves.toBe(true);
    } finally {
      await first.close();
    }
    // released on close: the next one starts
    const again = await startSandbox({ port: 0, dataDir, logLevel: 'silent' });
    await again.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
