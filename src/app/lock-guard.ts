import { isTerminal, transition, type Promotion } from '../domain/promotion';
import { ShipgateError } from '../shared/shipgate-error';
import type { JobQueue } from './ports/job-queue';
import { withThreadPost } from '../domain/outbox';
import type { Clock } from './ports/clock';
import type { PromotionRepository, UpdateOptions } from './ports/promotion-repository';
import type { PromotionLocks } from './ports/promotion-locks';
import { link, mrk, mention } from '../shared/mrkdwn';

export interface LockGuardDeps {
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update' | 'createLocked'>;
  queue: Pick<JobQueue, 'nudgeChat'>;
  promotionLink?: (p: Promotion) => string | undefined;
  /** Reads who holds a lock (the early refusal inside a Slack ack); without it nothing is refused early. */
  holders?: Pick<PromotionLocks, 'holder'>;
}

const PREEMPTIBLE: ReadonlyArray<Promotion['state']> = ['requested', 'awaiting_approval', 'blocked'];

/**
 * One promotion or rollback at a time per (service, environment). Taking the lock and
 * storing the promotion are one atomic step (so two requests through two web replicas can
 * never both hold it); a holder that ended counts as free; a rollback may pre-empt a
 * promotion that has not started executing (it is cancelled with a message), never one that
 * is executing.
 */
export class LockGuard {
  constructor(private readonly d: LockGuardDeps) {}

  /** Stores `p` holding the lock of its (service, environment), or says who holds it. */
  async open(p: Promotion): Promise<{ preempted?: Promotion }> {
    let preempted: Promotion | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await this.d.repo.createLocked(p);
      if (r.ok) return preempted ? { preempted } : {};
      const holder = await this.d.repo.get(r.holder);
      if (!holder || isTerminal(holder.state)) continue; // it just ended (or its grace runs): look again
      if (p.kind === 'rollback' && holder.kind === 'promotion' && PREEMPTIBLE.includes(holder.state)) {
        preempted = (await this.preempt(p, holder)) ?? preempted;
        continue;
      }
      throw this.locked(p, holder);
    }
    throw new ShipgateError('locked', `${p.service} in \`${p.env}\` is busy; try again.`);
  }

  /**
   * Refuses early, from the store alone, a promotion whose (service, environment) is held by a
   * live promotion or rollback: the same "locked by …" that open() would give. Only a hint:
   * open() still decides atomically.
   */
  async assertFree(p: Pick<Promotion, 'service' | 'env'>): Promise<void> {
    const id = await this.d.holders?.holder(p.service, p.env);
    if (!id) return;
    const holder = await this.d.repo.get(id);
    if (holder && !isTerminal(holder.state)) throw this.locked(p, holder);
  }

  /** Brings an existing promotion (blocked, then overridden or queued) back under the lock, in the same atomic update as `fn`. */
  async updateLocked(
    id: string,
    fn: (cur: Promotion) => Promotion | undefined,
    o: Omit<UpdateOptions, 'takeLock'> = {},
  ): Promise<{ promotion: Promotion; changed: boolean }> {
    try {
      return await this.d.repo.update(id, fn, { ...o, takeLock: true });
    } catch (e) {
      const holderId = e instanceof ShipgateError && e.code === 'locked' ? (e.details.holder as string | undefined) : undefined;
      const holder = holderId ? await this.d.repo.get(holderId) : undefined;
      const self = await this.d.repo.get(id);
      if (holder && self) throw this.locked(self, holder);
      throw e;
    }
  }

  private async preempt(p: Pick<Promotion, 'id' | 'service' | 'env' | 'requester'>, holder: Promotion): Promise<Promotion | undefined> {
    const now = this.d.clock.now();
    const reason = `pre-empted by rollback ${p.id}`;
    const { promotion, changed } = await this.d.repo.update(
      holder.id,
      (cur) =>
        PREEMPTIBLE.includes(cur.state)
          ? withThreadPost(
              transition(cur, { type: 'cancelled', by: p.requester.id, reason }, now),
              'preempted',
              mrk`:rewind: Cancelled: rollback \`${p.id}\` by ${mention(p.requester.id)} takes over ${p.service} in *${p.env}*.`,
              now,
            )
          : undefined,
      { audit: [{ at: now.toISOString(), promotionId: holder.id, type: 'cancelled', actor: p.requester.id, data: { reason } }] },
    );
    if (!changed) return undefined; // it started executing meanwhile: look again
    await this.d.queue.nudgeChat(holder.id);
    return promotion;
  }

  private locked(p: Pick<Promotion, 'service' | 'env'>, holder: Promotion): ShipgateError {
    const url = this.d.promotionLink?.(holder);
    return new ShipgateError(
      'locked',
      mrk`${p.service} in \`${p.env}\` is locked by ${holder.kind} \`${holder.id}\` (${holder.state.replace('_', ' ')}), requested by ${mention(holder.requester.id)} at ${holder.createdAt.slice(0, 16).replace('T', ' ')} UTC${url ? mrk` (${link(url, 'open')})` : ''}. One promotion at a time per environment; wait for it or cancel it (\`/promote cancel ${holder.id}\`).`,
      { holder: holder.id },
    );
  }
}
