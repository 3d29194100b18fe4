/** The process tree as Linux's /proc shows it: what a command started, and whether it is gone. */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** State letter from /proc/<pid>/stat: R, S, D, Z (zombie: exited, not yet reaped), … */
  state: string;
  cmdline: string;
}

function info(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'
    const [state = '', ppid = '0'] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return { pid, ppid: Number(ppid), state, cmdline };
  } catch {
    return undefined;
  }
}

/** `root` and every live process below it (children, grandchildren, …). */
export function processTree(root: number): ProcessInfo[] {
  const self = info(root);
  return [...(self ? [self] : []), ...descendants(root)];
}

/** Every live process below `root` (children, grandchildren, …). */
export function descendants(root: number): ProcessInfo[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => info(Number(d)))
    .filter((p): p is ProcessInfo => p !== undefined);
  const out: ProcessInfo[] = [];
  const walk = (pid: number) => {
    for (const p of all.filter((c) => c.ppid === pid)) {
      out.push(p);
      walk(p.pid);
    }
  };
  walk(root);
  return out;
}

/** Exited (no /proc entry, or a zombie waiting to be reaped). */
export function gone(pid: number): boolean {
  const p = info(pid);
  return p === undefined || p.state === 'Z';
}

/** `cmdline` is a redis-server (its title is "redis-server host:port"), not the guardian that started it. */
export function isRedisServer(p: ProcessInfo): boolean {
  return /^\S*redis-server\b/.test(p.cmdline);
}
