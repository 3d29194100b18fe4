import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../app/logger';
import { QUEUE_NAME } from './bullmq-job-queue';

export interface PromotionHandlers {
  evaluate(promotionId: string): Promise<unknown>;
  execute(promotionId: string): Promise<unknown>;
  expire?(promotionId: string): Promise<unknown>;
  /** Periodic freeze announcements (no promotion id). */
  announce?(): Promise<unknown>;
}

/** Consumer side (worker role): one job per promotion step kind; a stalled job is resumed, not restarted. */
export function startPromotionWorker(connection: Redis, prefix: string, handlers: PromotionHandlers, logger: Logger, concurrency = 4): Worker {
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job<{ promotionId: string }>) => {
      const id = job.data.promotionId;
      if (job.name === 'evaluate') return void (await handlers.evaluate(id));
      if (job.name === 'execute') return void (await handlers.execute(id));
      if (job.name === 'expire' && handlers.expire) return void (await handlers.expire(id));
      if (job.name === 'announce' && handlers.announce) return void (await handlers.announce());
      throw new Error(`unknown job ${job.name}`);
    },
    { connection, prefix, concurrency, maxStalledCount: 10, lockDuration: 30_000 },
  );
  worker.on('failed', (job, err) => logger.error({ promotionId: job?.data.promotionId, job: job?.name, err: err.message }, 'job failed'));
  worker.on('error', (err) => logger.error({ err: err.message }, 'worker error'));
  return worker;
}
