/**
 * One sandbox per data directory: two private redis-servers appending to the same
 * append-only directory would corrupt each other's data. The lock is a file holding the
 * owner's pid; a lock whose process is gone (killed, crashed) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ShipgateError } from '../shared/shipgate-error';

export const LOCK_FILE = 'sandbox.lock';

/** Directories locked by this process (a second sandbox in the same process has the same pid). */
const held = new Set<string>();

interface LockInfo {
  pid: number;
  port?: number;
  startedAt?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock of `dir` (created beforehand) or throws a ShipgateError naming its holder; returns the release. */
export function lockDataDir(dir: string, owner: { port?: number; startedAt: string }): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(file);
      if (holder && (holder.pid === process.pid ? held.has(file) : alive(holder.pid))) {
        throw new ShipgateError(
          'locked',
          `the data directory ${dir} is in use by another sandbox (pid ${holder.pid}${holder.port !== undefined ? `, port ${holder.port}` : ''}): stop that one, or start this one with --data-dir DIR`,
          { dataDir: dir, holder },
        );
      }
      rmSync(file, { force: true }); // stale: its sandbox is gone
      continue;
    }
    writeSync(fd, JSON.stringify({ pid: process.pid, ...owner }));
    closeSync(fd);
    held.add(file);
    return () => {
      if (!held.delete(file)) return;
      if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
    };
  }
  throw new ShipgateError('locked', `cannot lock the data directory ${dir}: another sandbox keeps taking it`, { dataDir: dir });
}
