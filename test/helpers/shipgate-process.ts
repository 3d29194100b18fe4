import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { Harness } from './harness';

const CHILD = path.join(__dirname, 'shipgate-child.js');

/**
 * A real shipgate process (the built product in dist/, run by `npm test` after the build) on
 * the harness's emulators and Redis prefix: the one a test kills with SIGKILL.
 */
export class ShipgateProcess {
  private output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(h: Harness, role: 'all' | 'web' | 'worker', o: { env?: Record<string, string>; options?: Record<string, unknown>; logLevel?: string } = {}): Promise<ShipgateProcess> {
    const spec = {
      role,
      config: h.configText,
      env: { ...stringEnv(h.env), ...(o.env ?? {}) },
      options: { ...h.startOptions, ...(o.options ?? {}) },
      logLevel: o.logLevel ?? 'silent',
    };
    const child = spawn(process.execPath, [CHILD, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    child.stderr!.on('data', (d) => (out += String(d)));
    const url = await new Promise<string>((resolve, reject) => {
      let line = '';
      const onData = (d: Buffer) => {
        line += String(d);
        const i = line.indexOf('\n');
        if (i < 0) return;
        child.stdout!.off('data', onData);
        try {
          resolve((JSON.parse(line.slice(0, i)) as { url: string }).url);
        } catch (e) {
          reject(e);
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`shipgate child exited (${code}) before it was ready: ${out}`)));
    });
    const p = new ShipgateProcess(child, url);
    child.stderr!.on('data', (d) => (p.output += String(d)));
    child.stdout!.on('data', (d) => (p.output += String(d)));
    return p;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output;
  }

  /** kill -9 (default) or a graceful signal; resolves when the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    await exited;
  }
}

function stringEnv(env: Harness['env']): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}
