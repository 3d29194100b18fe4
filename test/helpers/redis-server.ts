import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';
import { waitUntil } from './wait-until';

/**
 * A private redis-server for one test (its own port and data dir, AOF fsynced on every
 * write): the test can kill it with SIGKILL or shut it down, and start it again on the same
 * port and dir, the way an operator restarts production Redis.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<RedisServer> {
    const s = new RedisServer(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'sg-redis-')));
    await s.start();
    return s;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  /** Starts redis-server (again) on this port and dir; resolves once it answers PING with its data loaded. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += String(d)));
    child.stderr!.on('data', (d) => (this.output += String(d)));
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    try {
      await waitUntil(
        `redis-server on port ${this.port} to accept commands`,
        async () => {
          if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${this.output}`);
          if (probe.status !== 'ready') {
            probe.disconnect();
            await probe.connect();
          }
          // LOADING while the AOF is replayed is an error reply: not ready yet
          return (await probe.ping()) === 'PONG';
        },
        10_000,
        50,
      );
    } finally {
      probe.disconnect();
    }
  }

  /** kill -9: whatever was not fsynced is lost (with appendfsync always, nothing acknowledged). */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** A graceful stop through the SHUTDOWN command (the AOF is flushed, clients see the connection close). */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    const c = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    // the server closes the connection instead of answering
    await c.call('SHUTDOWN').catch(() => undefined);
    c.disconnect();
    await exited;
  }

  /** Stops it for good and removes its data dir. */
  async stop(): Promise<void> {
    await this.signal('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill(sig);
    await exited;
  }
}
