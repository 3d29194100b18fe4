import { isTerminal, transition, type Promotion } from '../domain/promotion';
import { ShipgateError } from '../domain/shipgate-error';
import type { AuditLog } from './ports/audit-log';
import type { Chat } from './ports/chat';
import type { Clock } from './ports/clock';
import type { PromotionLocks } from './ports/promotion-locks';
import type { PromotionRepository } from './ports/promotion-repository';
import { link, mrk, mention } from '../domain/mrkdwn';

export interface LockGuardDeps {
  clock: Clock;
  locks: PromotionLocks;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  chat: Pick<Chat, 'updatePromotion' | 'postToThread'>;
  promotionLink?: (p: Promotion) => string | undefined;
}

const PREEMPTIBLE: ReadonlyArray<Promotion['state']> = ['requested', 'awaiting_approval', 'blocked'];

/**
 * One promotion or rollback at a time per (service, environment). A stale holder (already
 * ended) is replaced; a rollback may pre-empt a promotion that has not started executing
 * (it is cancelled with a message), never one that is executing.
 */
export class LockGuard {
  constructor(private readonly d: LockGuardDeps) {}

  async take(p: Pick<Promotion, 'id' | 'service' | 'env' | 'kind' | 'requester'>): Promise<{ preempted?: Promotion }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await this.d.locks.acquire(p.service, p.env, p.id);
      if (r.ok) return {};
      const holder = await this.d.repo.get(r.holder);
      if (!holder || isTerminal(holder.state)) {
        if (await this.d.locks.replace(p.service, p.env, r.holder, p.id)) return {};
        continue;
      }
      if (p.kind === 'rollback' && holder.kind === 'promotion' && PREEMPTIBLE.includes(holder.state)) {
        const now = this.d.clock.now();
        const { promotion, changed } = await this.d.repo.update(holder.id, (cur) =>
          PREEMPTIBLE.includes(cur.state) ? transition(cur, { type: 'cancelled', by: p.requester.id, reason: `pre-empted by rollback ${p.id}` }, now) : undefined,
        );
        if (!changed) continue; // it started executing meanwhile: look again
        await this.d.audit.append({ at: now.toISOString(), promotionId: holder.id, type: 'cancelled', actor: p.requester.id, data: { reason: `pre-empted by rollback ${p.id}` } });
        await this.d.chat.updatePromotion(promotion).catch(() => undefined);
        await this.d.chat.postToThread(promotion, mrk`:rewind: Cancelled: rollback \`${p.id}\` by ${mention(p.requester.id)} takes over ${p.service} in *${p.env}*.`).catch(() => undefined);
        if (await this.d.locks.replace(p.service, p.env, holder.id, p.id)) return { preempted: promotion };
        continue;
      }
      const url = this.d.promotionLink?.(holder);
      throw new ShipgateError(
        'locked',
        mrk`${p.service} in \`${p.env}\` is locked by ${holder.kind} \`${holder.id}\` (${holder.state.replace('_', ' ')}), requested by ${mention(holder.requester.id)} at ${holder.createdAt.slice(0, 16).replace('T', ' ')} UTC${url ? mrk` (${link(url, 'open')})` : ''}. One promotion at a time per environment; wait for it or cancel it (\`/promote cancel ${holder.id}\`).`,
        { holder: holder.id },
      );
    }
    throw new ShipgateError('locked', `${p.service} in \`${p.env}\` is busy; try again.`);
  }

  async release(p: Pick<Promotion, 'id' | 'service' | 'env'>): Promise<void> {
    await this.d.locks.release(p.service, p.env, p.id);
  }
}
