import { needsMirror, nextStep, type ExecContext } from '../domain/execution-plan';
import { owesChat } from '../domain/outbox';
import { transition, type Promotion } from '../domain/promotion';
import type { Clock } from './ports/clock';
import type { Logger } from './logger';
import type { JobQueue } from './ports/job-queue';
import type { PromotionRepository } from './ports/promotion-repository';

/** How long a request may go without its approval message before it counts as crashed (a post takes seconds). */
export const STALE_REQUEST_MS = 2 * 60_000;

/** Why the sweeper cancels such a request (its audit record and the promotion's cancellation). */
export const STALE_REQUEST_REASON = 'the request stopped before its approval message was posted (the bot restarted or crashed); request it again';

export interface SweepDeps {
  repo: Pick<PromotionRepository, 'withExecutionWork' | 'owingChat' | 'update'>;
  queue: Pick<JobQueue, 'enqueueExecution' | 'enqueueMirror' | 'nudgeChat' | 'enqueueEvaluation'>;
  context: (p: Promotion) => ExecContext;
  clock: Clock;
  logger: Logger;
  /** Age (by `clock`) after which a request without its approval message is cancelled (default 2 min). */
  staleRequestMs?: number;
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

  async sweep(limit = 1000): Promise<{ executions: number; mirrors: number; chats: number; cancelled: number }> {
    let executions = 0;
    let mirrors = 0;
    let chats = 0;
    let cancelled = 0;
    for (const p of await this.d.repo.withExecutionWork(limit)) {
      if (p.state === 'requested') {
        // its gate evaluation was lost (kept by job id while alive; a finished one is a no-op)
        if (p.messageTs) await this.d.queue.enqueueEvaluation(p.id);
        else if (await this.cancelStaleRequest(p)) cancelled++;
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
    return { executions, mirrors, chats, cancelled };
  }

  /**
   * A request whose approval message was never posted (the process died between storing it
   * and posting) holds its (service, environment) lock with nobody able to see or cancel it:
   * after the grace it is cancelled, which frees the lock in the same atomic update. A
   * younger one may still be posting its message and is left alone.
   */
  private async cancelStaleRequest(p: Promotion): Promise<boolean> {
    const graceMs = this.d.staleRequestMs ?? STALE_REQUEST_MS;
    const now = this.d.clock.now();
    const stale = (cur: Promotion) => cur.state === 'requested' && !cur.messageTs && now.getTime() - Date.parse(cur.createdAt) >= graceMs;
    if (!stale(p)) return false;
    const { changed } = await this.d.repo.update(p.id, (cur) => (stale(cur) ? transition(cur, { type: 'cancelled', by: 'shipgate', reason: STALE_REQUEST_REASON }, now) : undefined), {
      known: p,
      audit: [{ at: now.toISOString(), promotionId: p.id, type: 'cancelled', actor: 'shipgate', data: { reason: STALE_REQUEST_REASON, requestedAt: p.createdAt, graceMs } }],
    });
    if (changed) this.d.logger.warn({ promotionId: p.id, service: p.service, env: p.env, requestedAt: p.createdAt }, 'sweeper: cancelled a request whose approval message was never posted');
    return changed;
  }
}
