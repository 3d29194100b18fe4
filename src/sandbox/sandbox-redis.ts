/**
 * Redis for the sandbox: `REDIS_URL` when given; otherwise a private `redis-server` on a
 * free port with an append-only file in its own data directory (locked: one sandbox per
 * directory), which cannot outlive the sandbox (see spawn-guarded.ts); otherwise a
 * ShipgateError that says exactly how to get one.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { ShipgateError } from '../shared/shipgate-error';
import { lockDataDir } from './data-dir-lock';
import { spawnGuarded, type GuardedProcess } from './spawn-guarded';

export interface SandboxRedisOptions {
  /** Use this Redis (REDIS_URL); no redis-server is started. */
  redisUrl?: string;
  /** Directory of the private server's append-only file (default `.data/redis`); one sandbox at a time. */
  dataDir?: string;
  /** The sandbox's port, recorded in the data directory's lock (shown to a second sandbox). */
  port?: number;
  /** The redis-server binary; default: `redis-server` looked up on `searchPath`. */
  redisServerBinary?: string;
  /** PATH-style list of directories searched for `redis-server` (default `process.env.PATH`). */
  searchPath?: string;
  /** How long to wait for Redis to answer PING (default 10 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface SandboxRedis {
  url: string;
  /** What the sandbox uses, for the startup output. */
  description: string;
  /** The private server's data directory (none with REDIS_URL). */
  dataDir?: string;
  close(): Promise<void>;
}

export const REDIS_INSTALL_HELP = [
  'Install Redis, then run the sandbox again (it starts a private redis-server by itself):',
  '  Debian/Ubuntu:  sudo apt-get install -y redis-server',
  '  macOS:          brew install redis',
  '  Docker:         docker run -d -p 6379:6379 redis:7',
  '                  then: REDIS_URL=redis://127.0.0.1:6379 npm run sandbox',
  'Or point REDIS_URL at a Redis you already have: REDIS_URL=redis://host:6379 npm run sandbox',
].join('\n');

export function redisUnavailable(why: string, details: Record<string, unknown> = {}): ShipgateError {
  return new ShipgateError('redis_unavailable', `shipgate sandbox needs Redis: ${why}\n${REDIS_INSTALL_HELP}`, { why, ...details });
}

/** First executable `name` in a PATH-style list of directories. */
export function findOnPath(name: string, searchPath: string | undefined): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        if (!statSync(candidate).isFile()) continue;
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Whether something accepts TCP connections at the URL's host and port (no timers left behind). */
function tcpOpen(url: string, timeoutMs: number): Promise<boolean> {
  let host = '127.0.0.1';
  let port = 6379;
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^\[|\]$/g, '') || host;
    port = u.port ? Number(u.port) : port;
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** PING with a bound; resolves false instead of throwing. */
export async function redisAnswers(url: string, timeoutMs: number): Promise<boolean> {
  // a refused connection answers at once, and leaves no client timers running
  if (!(await tcpOpen(url, timeoutMs))) return false;
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const pong = await Promise.race([client.ping(), new Promise<string>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref())]);
    return pong === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

export async function startSandboxRedis(o: SandboxRedisOptions): Promise<SandboxRedis> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (o.redisUrl) {
    if (!(await redisAnswers(o.redisUrl, Math.min(timeoutMs, 3000)))) {
      throw redisUnavailable(`nothing answers at ${redact(o.redisUrl)} (REDIS_URL). Start that Redis, or unset REDIS_URL to let the sandbox start its own.`, {
        redisUrl: redact(o.redisUrl),
      });
    }
    return { url: o.redisUrl, description: `Redis at ${redact(o.redisUrl)} (REDIS_URL)`, close: async () => undefined };
  }

  const binary = o.redisServerBinary ?? findOnPath('redis-server', o.searchPath ?? process.env.PATH);
  if (!binary) throw redisUnavailable('REDIS_URL is not set and no redis-server was found on PATH.');
  const dataDir = path.resolve(o.dataDir ?? path.join('.data', 'redis'));
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw redisUnavailable(`cannot create the data directory ${dataDir}: ${(e as Error).message}`);
  }
  const unlock = lockDataDir(dataDir, { ...(o.port !== undefined ? { port: o.port } : {}), startedAt: new Date().toISOString() });
  const port = await freePort().catch((e: Error) => {
    unlock();
    throw e;
  });
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dataDir,
    '--appendonly',
    'yes',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
  ];
  o.log?.(`starting a private redis-server on 127.0.0.1:${port} (append-only file in ${dataDir})`);
  let guarded: GuardedProcess;
  try {
    guarded = spawnGuarded(binary, args);
  } catch (e) {
    unlock();
    throw redisUnavailable(`cannot run ${binary}: ${(e as Error).message}`);
  }
  const child = guarded.process;
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 20) output.splice(0, output.length - 20);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(e.message));
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
  });
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref())]);
      if (!stopped) {
        guarded.killGroup();
        await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
      }
    } finally {
      unlock();
    }
  };

  const deadline = Date.now() + timeoutMs;
  let early: string | undefined;
  void exited.then((why) => {
    early = why;
  });
  for (;;) {
    if (early !== undefined) {
      const tail = output.slice(-5).join('\n    ');
      unlock();
      throw redisUnavailable(`the private redis-server (${binary}) ${early}${tail ? `:\n    ${tail}` : ''}`);
    }
    if (await redisAnswers(url, 500)) break;
    if (Date.now() > deadline) {
      await stop();
      throw redisUnavailable(`the private redis-server (${binary}) did not answer on ${url} within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    description: `private redis-server on 127.0.0.1:${port} (append-only file in ${dataDir})`,
    dataDir,
    close: stop,
  };
}
