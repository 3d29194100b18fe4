/**
 * Starts a program that cannot outlive this process: a small guardian (this Node binary
 * running GUARDIAN below) starts it and stops it (SIGTERM) as soon as its stdin, a pipe from
 * this process, reaches end-of-file, which is what happens when this process exits or is
 * killed (even with SIGKILL). The guardian and the program run in their own process group,
 * so a Ctrl-C in the terminal reaches this process only and it stops them in order (the bot
 * first, Redis last); `killGroup` ends both at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const GUARDIAN = `
const { spawn } = require('node:child_process');
const [binary, ...args] = process.argv.slice(1);
const child = spawn(binary, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
const stop = () => { if (!stopping) { stopping = true; child.kill('SIGTERM'); } };
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, stop);
child.on('error', (e) => { process.stderr.write('cannot run ' + binary + ': ' + e.message + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => process.exit(code === null ? (signal === 'SIGTERM' ? 0 : 1) : code));
`;

export interface GuardedProcess {
  /** The guardian; its exit is the program's exit (same status). */
  process: ChildProcess;
  /** SIGKILL to the guardian and the program (the process group), for a program that does not stop. */
  killGroup(): void;
}

export function spawnGuarded(binary: string, args: readonly string[]): GuardedProcess {
  const child = spawn(process.execPath, ['-e', GUARDIAN, binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  // a closed pipe at our end is how the guardian learns we are gone; nothing is ever written
  child.stdin?.on('error', () => undefined);
  return {
    process: child,
    killGroup: () => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32') child.kill('SIGKILL');
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
