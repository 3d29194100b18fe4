import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type { JobQueue } from '../../app/ports/job-queue';
import type { ProtectionRuleEvent } from '../../app/ports/protection-rules';

/** Gate evaluation, execution steps, expiries, announcements and the sweeper. */
export const QUEUE_NAME = 'promotions';
/** Slack delivery of each promotion's outbox (never in the way of execution). */
export const CHAT_QUEUE = 'chat';
/** GitHub Deployment mirroring (low-lane GitHub writes). */
export const MIRROR_QUEUE = 'mirror';

export type PromotionJob = { name: 'evaluate' | 'execute' | 'plan' | 'expire' | 'announce' | 'sweep' | 'protect'; data: { promotionId: string; event?: ProtectionRuleEvent } };

/** Step jobs retry transient failures for as long as it takes (backoff capped at 30 s); the sweeper is the backstop. */
const RETRYING: JobsOptions = { attempts: 100_000, backoff: { type: 'capped' } };

export const execJobId = (promotionId: string) => `exec-${promotionId}`;
export const planJobId = (promotionId: string) => `plan-${promotionId}`;
export const chatJobId = (promotionId: string) => `chat-${promotionId}`;
export const mirrorJobId = (promotionId: string) => `mirror-${promotionId}`;

/**
 * Producer side. Each promotion has at most one live job per kind (jobId = kind + promotion
 * id, so adding it twice keeps one); a job that waits sits in the delayed set, and a nudge
 * (a webhook, a new thread message) brings it forward or marks it to look again.
 */
export class BullmqJobQueue implements JobQueue {
  readonly queue: Queue;
  readonly chat: Queue;
  readonly mirror: Queue;

  constructor(
    private readonly connection: Redis,
    readonly prefix: string,
    /** Connection errors of the queues (Redis restarting); without a listener BullMQ prints each one to the console. */
    onError: (e: Error) => void = () => undefined,
  ) {
    const base = { connection, prefix };
    this.queue = new Queue(QUEUE_NAME, { ...base, defaultJobOptions: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 }, attempts: 3, backoff: { type: 'exponential', delay: 2000 } } });
    this.chat = new Queue(CHAT_QUEUE, { ...base, defaultJobOptions: { ...RETRYING, removeOnComplete: true, removeOnFail: { count: 1000 } } });
    this.mirror = new Queue(MIRROR_QUEUE, { ...base, defaultJobOptions: { ...RETRYING, removeOnComplete: true, removeOnFail: { count: 1000 } } });
    for (const q of [this.queue, this.chat, this.mirror]) q.on('error', onError);
  }

  /** The Redis key of a nudge flag (shared with the worker). */
  static nudgeKey(prefix: string, jobId: string): string {
    return `${prefix}:nudge:${jobId}`;
  }

  async enqueueEvaluation(promotionId: string): Promise<void> {
    await this.queue.add('evaluate', { promotionId }, { jobId: `eval-${promotionId}`, removeOnComplete: true });
  }

  async enqueueExecution(promotionId: string, delayMs?: number): Promise<void> {
    // priority 1: BullMQ takes jobs without a priority first, so a new request's gate evaluation,
    // an expiry or a protection-rule answer never queues behind hundreds of execution steps
    await this.ensureLive(this.queue, 'execute', execJobId(promotionId), promotionId, { ...RETRYING, priority: 1, removeOnComplete: true, removeOnFail: { count: 5000 }, ...(delayMs ? { delay: delayMs } : {}) });
  }

  async enqueuePlanReview(promotionId: string, delayMs?: number): Promise<void> {
    const id = planJobId(promotionId);
    const job = await this.queue.getJob(id);
    const state = job ? await job.getState() : undefined;
    if (job && state !== 'completed' && state !== 'failed' && state !== 'unknown') {
      // alive: make it look again now (a re-plan while it sleeps or runs)
      await this.connection.set(BullmqJobQueue.nudgeKey(this.prefix, id), '1', 'PX', 600_000);
      if (state === 'delayed') await job.promote().catch(() => undefined);
      return;
    }
    await this.ensureLive(this.queue, 'plan', id, promotionId, { ...RETRYING, removeOnComplete: true, removeOnFail: { count: 5000 }, ...(delayMs ? { delay: delayMs } : {}) });
  }

  async wakeExecution(promotionId: string): Promise<void> {
    // a promotion whose plan run is followed: a webhook for the run wakes the plan job
    const plan = await this.queue.getJob(planJobId(promotionId));
    const planState = plan ? await plan.getState() : undefined;
    if (plan && (planState === 'delayed' || planState === 'active' || planState === 'waiting')) {
      // running: it looks once more before it ends; sleeping: it looks now
      await this.connection.set(BullmqJobQueue.nudgeKey(this.prefix, planJobId(promotionId)), '1', 'PX', 600_000);
      if (planState === 'delayed') await plan.promote().catch(() => undefined);
      return;
    }
    const id = execJobId(promotionId);
    await this.connection.set(BullmqJobQueue.nudgeKey(this.prefix, id), '1', 'PX', 600_000);
    const job = await this.queue.getJob(id);
    if (!job) return this.enqueueExecution(promotionId);
    if ((await job.getState()) === 'delayed') await job.promote().catch(() => undefined); // it may have just started
  }

  async nudgeChat(promotionId: string): Promise<void> {
    const id = chatJobId(promotionId);
    // the flag makes a running delivery look once more before it ends; the add starts one otherwise
    await this.connection.set(BullmqJobQueue.nudgeKey(this.prefix, id), '1', 'PX', 600_000);
    await this.chat.add('deliver', { promotionId }, { jobId: id });
  }

  async enqueueMirror(promotionId: string): Promise<void> {
    await this.ensureLive(this.mirror, 'mirror', mirrorJobId(promotionId), promotionId, {});
  }

  async enqueueProtectionAnswer(e: ProtectionRuleEvent): Promise<void> {
    const jobId = `protect-${createHash('sha256').update(`${e.callbackUrl}\n${e.environment}`).digest('hex').slice(0, 32)}`;
    await this.queue.add('protect', { promotionId: '', event: e }, { jobId, attempts: 20, backoff: { type: 'capped' }, removeOnComplete: { age: 86_400 } });
  }

  async enqueueExpiry(promotionId: string, delayMs: number): Promise<void> {
    await this.queue.add('expire', { promotionId }, { jobId: `expire-${promotionId}`, delay: Math.max(0, delayMs), removeOnComplete: true });
  }

  /** One repeatable announcer job for all replicas (a job scheduler is upserted, never duplicated). */
  async scheduleAnnouncements(everyMs = 60_000): Promise<void> {
    await this.queue.upsertJobScheduler('freeze-announcements', { every: everyMs }, { name: 'announce', data: { promotionId: '' } });
  }

  /** The sweeper: finds promotions whose job was lost (a crash between storing a state and enqueuing) and re-enqueues them. */
  async scheduleSweeper(everyMs = 30_000): Promise<void> {
    await this.queue.upsertJobScheduler('sweeper', { every: everyMs }, { name: 'sweep', data: { promotionId: '' } });
  }

  async depth(): Promise<number> {
    const counts = await Promise.all([this.queue, this.chat, this.mirror].map((q) => q.getJobCounts('waiting', 'delayed', 'active', 'prioritized')));
    return counts.flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await Promise.all([this.queue.close(), this.chat.close(), this.mirror.close()]);
  }

  /** Adds the job unless a live one exists; a finished or failed one is replaced. */
  private async ensureLive(queue: Queue, name: string, jobId: string, promotionId: string, opts: JobsOptions): Promise<void> {
    const job = await queue.getJob(jobId);
    if (job) {
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
      await job.remove().catch(() => undefined);
    }
    await queue.add(name, { promotionId }, { ...opts, jobId });
  }
}
