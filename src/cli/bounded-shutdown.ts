/**
 * Signal handling for the long-running commands (`serve`, `sandbox`): the first SIGTERM or
 * SIGINT starts an orderly stop; a second one ends the process at once. The stop is bounded
 * twice over: a deadline for `close()` itself, and a short linger afterwards for whatever
 * abandoned work still holds the event loop (a retry timer, a socket to a Slack or GitHub
 * that never answers). Exit status 0 when stopped on request.
 */
export interface ShutdownLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BoundedShutdownOptions {
  log: ShutdownLog;
  /** Ends the process; without it (in-process tests) nothing is forced. */
  exit?: (code: number) => void;
  /** close() must finish within this (default 8 s); otherwise exit 1. */
  deadlineMs?: number;
  /** After close(), how long the event loop may stay busy before exit 0 is forced (default 1 s). */
  lingerMs?: number;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
export type StopSignal = (typeof SIGNALS)[number];

/**
 * Resolves with the first SIGTERM/SIGINT. Another one more than `repeatMs` (default 2 s) later
 * exits at once (status 1) when `exit` is given; within it, it is the same request twice (a
 * Ctrl-C reaches `npm run` and its child, and npm forwards its copy too) and is ignored.
 */
export function firstSignal(o: Pick<BoundedShutdownOptions, 'log' | 'exit'> & { repeatMs?: number }): Promise<StopSignal> {
  return new Promise((resolve) => {
    let first: number | undefined;
    for (const sig of SIGNALS) {
      process.on(sig, () => {
        if (first === undefined) {
          first = performance.now();
          resolve(sig);
          return;
        }
        if (performance.now() - first < (o.repeatMs ?? 2000)) return;
        o.log.warn({ sig }, 'second signal while stopping: exiting now');
        o.exit?.(1);
      });
    }
  });
}

/** Runs close() with a deadline and makes sure the process ends soon after. */
export async function boundedShutdown(close: () => Promise<void>, o: BoundedShutdownOptions): Promise<void> {
  const deadlineMs = o.deadlineMs ?? 8000;
  const deadline = o.exit
    ? setTimeout(() => {
        o.log.error({ deadlineMs, busy: process.getActiveResourcesInfo() }, 'shutdown did not finish in time: exiting');
        o.exit?.(1);
      }, deadlineMs).unref()
    : undefined;
  try {
    await close();
  } catch (e) {
    o.log.error({ err: e }, 'error while stopping');
  } finally {
    clearTimeout(deadline);
  }
  if (!o.exit) return;
  // unref'd: a process whose loop is already empty exits by itself, at once
  setTimeout(() => {
    o.log.warn({ busy: process.getActiveResourcesInfo() }, 'abandoned work still holds the process after shutdown: exiting');
    o.exit?.(0);
  }, o.lingerMs ?? 1000).unref();
}
