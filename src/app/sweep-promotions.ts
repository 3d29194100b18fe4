import { needsMirror, nextStep, type ExecContext } from '../domain/execution-plan';
import { owesChat } from '../domain/outbox';
import type { Promotion } from '../domain/promotion';
import type { Logger } from './logger';
import type { JobQueue } from './ports/job-queue';
import type { PromotionRepository } from './ports/promotion-repository';

export interface SweepDeps {
  repo: Pick<PromotionRepository, 'withExecutionWork' | 'owingChat'>;
  queue: Pick<JobQueue, 'enqueueExecution' | 'enqueueMirror' | 'nudgeChat' | 'enqueueEvaluation'>;
  context: (p: Promotion) => ExecContext;
  logger: Logger;
}

/**
 * The backstop of the step engine: a promotion with execution work, a Deployment mirror or
 * Slack messages owed whose job was lost (a crash between storing a state and enqueuing its
 * job) gets its job back. Every job id is fixed per promotion, so two replicas sweeping at
 * once still leave one job. The repository keeps both lists in the same atomic update as
 * the state, so nothing is missed.
 */
export class SweepPromotions {
  constructor(private readonly d: SweepDeps) {}

  async sweep(limit = 1000): Promise<{ executions: number; mirrors: number; chats: number }> {
    let executions = 0;
    let mirrors = 0;
    let chats = 0;
    for (const p of await this.d.repo.withExecutionWork(limit)) {
      if (p.state === 'requested') {
        // its gate evaluation was lost (kept by job id while alive; a finished one is a no-op)
        if (p.messageTs) await this.d.queue.enqueueEvaluation(p.id);
        continue;
      }
      let ctx: ExecContext;
      try {
        ctx = this.d.context(p);
      } catch (e) {
        this.d.logger.warn({ promotionId: p.id, err: e }, 'sweeper: promotion no longer configured');
        continue;
      }
      if (nextStep(p, ctx) !== undefined) {
        await this.d.queue.enqueueExecution(p.id);
        executions++;
      }
      if (needsMirror(p)) {
        await this.d.queue.enqueueMirror(p.id);
        mirrors++;
      }
    }
    for (const p of await this.d.repo.owingChat(limit)) {
      if (!owesChat(p)) continue;
      await this.d.queue.nudgeChat(p.id);
      chats++;
    }
    return { executions, mirrors, chats };
  }
}
