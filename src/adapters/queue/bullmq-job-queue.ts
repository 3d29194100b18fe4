import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobQueue } from '../../app/ports/job-queue';

export const QUEUE_NAME = 'promotions';

export type PromotionJob = { name: 'evaluate' | 'execute'; data: { promotionId: string } };

/** Producer side (web role). jobId = promotion id for execution: BullMQ ignores a second add. */
export class BullmqJobQueue implements JobQueue {
  readonly queue: Queue;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(QUEUE_NAME, {
      connection,
      prefix,
      defaultJobOptions: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 }, attempts: 3, backoff: { type: 'exponential', delay: 2000 } },
    });
  }

  async enqueueEvaluation(promotionId: string): Promise<void> {
    await this.queue.add('evaluate', { promotionId }, { jobId: `eval-${promotionId}`, removeOnComplete: true });
  }

  async enqueueExecution(promotionId: string, delayMs?: number): Promise<void> {
    // the immediate execution is keyed by the promotion id (added at most once); a delayed
    // re-check (queued for the next window) gets its own id, execution stays idempotent by state
    const at = delayMs ? Date.now() + delayMs : undefined;
    // removed once complete: the id dedupes concurrent adds (double clicks, two approvers) while the
    // job waits or runs; afterwards the promotion's state makes any later execution a no-op, and a
    // completed no-op job must not swallow the real enqueue that follows it
    await this.queue.add('execute', { promotionId }, { jobId: at ? `${promotionId}-at-${at}` : promotionId, removeOnComplete: true, ...(delayMs ? { delay: delayMs } : {}) });
  }

  async enqueueExpiry(promotionId: string, delayMs: number): Promise<void> {
    await this.queue.add('expire', { promotionId }, { jobId: `expire-${promotionId}`, delay: Math.max(0, delayMs), removeOnComplete: true });
  }

  /** One repeatable announcer job for all replicas (a job scheduler is upserted, never duplicated). */
  async scheduleAnnouncements(everyMs = 60_000): Promise<void> {
    await this.queue.upsertJobScheduler('freeze-announcements', { every: everyMs }, { name: 'announce', data: { promotionId: '' } });
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
