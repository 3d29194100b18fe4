import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../app/logger';
import type { ProtectionAttempt, ProtectionDecision, ProtectionRuleEvent } from '../../app/ports/protection-rules';
import { BullmqJobQueue, CHAT_QUEUE, MIRROR_QUEUE, QUEUE_NAME } from './bullmq-job-queue';

/** What a step job answers: done, or look again after `waitMs` (the job sleeps in the delayed set, holding no worker). */
export type StepAnswer = { done: true } | { done: false; waitMs: number };

export interface PromotionHandlers {
  evaluate(promotionId: string): Promise<unknown>;
  /** One execution job: runs steps until one waits. `token` identifies the delivery attempt. */
  execute(promotionId: string, token: string): Promise<StepAnswer>;
  deliverChat(promotionId: string, token: string): Promise<StepAnswer>;
  /** The plan before approval (`plan:`): dispatch, follow, read its artifact; sleeps while the run runs. */
  planReview?(promotionId: string): Promise<StepAnswer>;
  /** Returns a wait when another attempt holds the write. */
  mirror(promotionId: string, token: string): Promise<number | undefined>;
  expire?(promotionId: string): Promise<unknown>;
  /** Periodic freeze announcements (no promotion id). */
  announce?(): Promise<unknown>;
  /** Periodic: re-enqueue promotions whose job was lost. */
  sweep?(): Promise<unknown>;
  /** A deployment protection rule to answer; the attempt carries what an earlier attempt decided (kept with the job). */
  protect?(e: ProtectionRuleEvent, attempt: ProtectionAttempt): Promise<unknown>;
}

export interface WorkerOptions {
  /** Parallel jobs of the promotions queue (default 16: jobs are short and wait on I/O). */
  concurrency?: number;
  /** A killed worker's job is picked up after about lockDuration + stalledInterval (default 4 s + 2 s). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** Transient failures are retried with exponential backoff, capped at 30 s. */
export function cappedBackoff(attemptsMade: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, attemptsMade - 1));
}

/**
 * Consumer side: the promotions queue (gate evaluation, execution steps, expiries, the
 * sweeper), the chat queue (Slack delivery) and the mirror queue (GitHub Deployments). A job
 * that must wait moves itself to the delayed set (BullMQ step jobs) and gives its worker
 * back; a nudge that arrived while it ran brings it straight back.
 */
export function startPromotionWorkers(connection: Redis, queues: BullmqJobQueue, handlers: PromotionHandlers, logger: Logger, o: WorkerOptions = {}): Worker[] {
  const prefix = queues.prefix;
  const common = {
    connection,
    prefix,
    lockDuration: o.lockDurationMs ?? 4000,
    stalledInterval: o.stalledIntervalMs ?? 2000,
    maxStalledCount: 1_000_000,
    settings: { backoffStrategy: (attemptsMade: number) => cappedBackoff(attemptsMade) },
  };
  const nudge = (jobId: string) => BullmqJobQueue.nudgeKey(prefix, jobId);

  /** Sleeps the job until `waitMs` from now (or at once when it was nudged meanwhile). */
  const sleep = async (job: Job, token: string, waitMs: number): Promise<never> => {
    await job.moveToDelayed(Date.now() + waitMs, token);
    if (waitMs > 0 && (await connection.getdel(nudge(job.id!)))) await job.promote().catch(() => undefined);
    throw new DelayedError();
  };

  const promotions = new Worker(
    QUEUE_NAME,
    async (job: Job<{ promotionId: string; event?: ProtectionRuleEvent; decided?: ProtectionDecision }>, token?: string) => {
      const id = job.data.promotionId;
      switch (job.name) {
        case 'evaluate':
          return void (await handlers.evaluate(id));
        case 'execute': {
          await connection.del(nudge(job.id!));
          const r = await handlers.execute(id, token ?? job.id!);
          if (!r.done) await sleep(job, token!, r.waitMs);
          return undefined;
        }
        case 'plan': {
          // a nudge (re-plan, webhook) while it ran: look once more before ending
          for (;;) {
            await connection.del(nudge(job.id!));
            const r = (await handlers.planReview?.(id)) ?? { done: true };
            if (!r.done) await sleep(job, token!, r.waitMs);
            if (!(await connection.exists(nudge(job.id!)))) return undefined;
          }
        }
        case 'expire':
          return void (await handlers.expire?.(id));
        case 'announce':
          return void (await handlers.announce?.());
        case 'sweep':
          return void (await handlers.sweep?.());
        case 'protect':
          return void (await handlers.protect?.(job.data.event!, {
            retried: job.attemptsMade > 0,
            ...(job.data.decided ? { decided: job.data.decided } : {}),
            remember: (decided) => job.updateData({ ...job.data, decided }),
          }));
        default:
          throw new Error(`unknown job ${job.name}`);
      }
    },
    { ...common, concurrency: o.concurrency ?? 16 },
  );

  const chat = new Worker(
    CHAT_QUEUE,
    async (job: Job<{ promotionId: string }>, token?: string) => {
      for (;;) {
        await connection.del(nudge(job.id!));
        const r = await handlers.deliverChat(job.data.promotionId, token ?? job.id!);
        if (!r.done) return sleep(job, token!, r.waitMs);
        if (!(await connection.exists(nudge(job.id!)))) return undefined;
      }
    },
    { ...common, concurrency: Math.max(4, o.concurrency ?? 16) },
  );
  // a nudge that lands while a delivery completes: its add was ignored (the job still existed)
  chat.on('completed', (job) => {
    void connection
      .exists(nudge(job.id!))
      .then((n) => (n ? queues.chat.add('deliver', job.data, { jobId: job.id! }) : undefined))
      .catch(() => undefined);
  });

  const mirror = new Worker(
    MIRROR_QUEUE,
    async (job: Job<{ promotionId: string }>, token?: string) => {
      const wait = await handlers.mirror(job.data.promotionId, token ?? job.id!);
      if (wait !== undefined) await sleep(job, token!, wait);
    },
    { ...common, concurrency: 2 },
  );

  for (const w of [promotions, chat, mirror]) {
    w.on('failed', (job, err) => {
      if (err instanceof DelayedError) return;
      logger.warn({ promotionId: job?.data.promotionId, job: job?.name, attempt: job?.attemptsMade, err }, 'job attempt failed; it is retried');
    });
    w.on('error', (err) => logger.error({ err }, 'worker error'));
  }
  return [promotions, chat, mirror];
}
