import type { Worker } from 'bullmq';
import { startPromotionWorkers } from '../adapters/queue/promotion-worker';
import type { Adapters } from './build-adapters';
import type { SharedUseCases, WorkerUseCases } from './build-use-cases';
import type { ShipgateOptions } from './shipgate-options';

/**
 * Starts the worker role's queues: every job of a promotion counts the GitHub calls it makes
 * (into the promotion's evidence), and `tracked` lets close() wait for running jobs.
 */
export async function startWorkers(
  a: Adapters,
  s: SharedUseCases,
  w: WorkerUseCases,
  o: ShipgateOptions,
  tracked: <T>(work: Promise<T>) => Promise<T>,
): Promise<Worker[]> {
  const counted = <T>(id: string, work: () => Promise<T>) => s.githubCalls.run(id, work);
  const workers = startPromotionWorkers(
    a.workerConnection!,
    a.queue,
    {
      // a promotion shipgate opened with `promote: auto` confirms or queues itself once its gates are known
      evaluate: (id) => tracked(counted(id, () => w.evaluate.execute(id)).then(() => s.autoPromote.settle(id))),
      execute: (id, token) =>
        tracked(
          counted(id, () => w.execute.advance(id, token)).then((r) => (r.done ? ({ done: true } as const) : ({ done: false, waitMs: r.waitMs } as const))),
        ),
      planReview: (id) => tracked(counted(id, () => w.planReview.advance(id))),
      // an evidence pack may look up earlier stages on GitHub: those calls count too
      deliverChat: (id, token) => counted(id, () => w.delivery.deliver(id, token)),
      mirror: (id, token) => tracked(counted(id, () => w.mirror.mirror(id, token)).then(() => undefined)),
      expire: (id) => tracked(w.expirer.expire(id)),
      announce: () => tracked(w.announcer.tick()),
      sweep: () => tracked(w.sweeper.sweep()),
      protect: (e, attempt) => tracked(w.protection.handle(e, attempt)),
    },
    o.logger,
    {
      ...(o.env.WORKER_CONCURRENCY ? { concurrency: o.env.WORKER_CONCURRENCY } : {}),
      ...(o.lockDurationMs ? { lockDurationMs: o.lockDurationMs, stalledIntervalMs: Math.max(250, Math.floor(o.lockDurationMs / 2)) } : {}),
    },
  );
  await a.queue.scheduleSweeper(o.sweepEveryMs ?? 30_000);
  if (o.config.announce) await a.queue.scheduleAnnouncements();
  return workers;
}
