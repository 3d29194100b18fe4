import { needsMirror } from '../domain/execution-plan';
import { fromStored } from '../shared/mrkdwn';
import { displayFingerprint, nextUndelivered, replaceItem, type OutboxItem } from '../domain/outbox';
import type { Promotion } from '../domain/promotion';
import type { EvidencePack } from '../domain/evidence-pack';
import { isTransientError } from '../domain/transient-error';
import type { Logger } from './logger';
import type { AuditEntry } from './ports/audit-log';
import type { ChatDelivery } from './ports/chat-delivery';
import type { Clock } from './ports/clock';
import type { PromotionRepository } from './ports/promotion-repository';

export interface DeliverChatDeps {
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  chat: ChatDelivery;
  /** Builds the evidence pack of a promotion at delivery time (so it is as complete as it can be). */
  evidencePack: (id: string) => Promise<{ pack: EvidencePack }>;
  logger: Logger;
  /** A post claimed by another attempt is presumed in flight this long. */
  leaseMs: number;
  /**
   * After this many failed attempts of one item, a transient failure is final too (default: never;
   * a Slack outage of any length ends with the thread caught up). A refusal retrying cannot fix
   * (the channel is gone, the message is invalid) is final at once.
   */
  maxAttemptsPerItem?: number;
}

export type Delivery = { done: true } | { done: false; waitMs: number };

/**
 * Delivers what a promotion's thread and message are owed, in order, each once, in its own
 * job: Slack being slow, down or refusing never fails or stalls a promotion. An item whose
 * delivery attempt died or lost Slack's answer is looked up in the thread before it is
 * posted again. The message is re-rendered whenever what it shows changed.
 */
export class DeliverChat {
  constructor(private readonly d: DeliverChatDeps) {}

  async deliver(id: string, token: string): Promise<Delivery> {
    // the promotion as this delivery last stored or read it: each of our own updates returns
    // what it stored (a concurrent writer's version comes back from the compare-and-set), so
    // the promotion is read once per delivery, not once per item
    let p = await this.d.repo.get(id);
    for (let i = 0; i < 200; i++) {
      if (!p?.messageTs) return { done: true };
      const item = nextUndelivered(p);
      // an evidence pack waits for the GitHub Deployment mirror: it then tells every call made
      if (item?.kind === 'evidence' && needsMirror(p)) return { done: false, waitMs: 500 };
      if (item) {
        const r = await this.deliverItem(p, item, token);
        if (typeof r === 'number') return { done: false, waitMs: r };
        p = r;
        continue;
      }
      const fingerprint = displayFingerprint(p);
      if (p.chat?.shown === fingerprint) return { done: true };
      await this.d.chat.show(p);
      const shown = await this.d.repo.update(id, (cur) => (cur.chat?.shown === fingerprint ? undefined : { ...cur, chat: { ...cur.chat, shown: fingerprint } }), { known: p });
      // an update that found nothing to change did not read what is stored now: look again
      p = shown.changed ? shown.promotion : await this.d.repo.get(id);
    }
    return { done: false, waitMs: 0 };
  }

  /**
   * Returns a wait when another attempt is delivering this item, else the promotion as stored
   * after it (delivered or given up).
   */
  private async deliverItem(p0: Promotion, item: OutboxItem, token: string): Promise<number | Promotion> {
    const now = this.d.clock.now();
    let p = p0;
    if (item.state === 'sending') {
      const age = now.getTime() - Date.parse(item.claimedAt ?? item.at);
      if (!item.uncertain && item.owner !== token && age < this.d.leaseMs) return this.d.leaseMs - age;
      const ts = await this.look(p, item);
      if (ts !== undefined) return this.mark(p, item.key, (i) => ({ ...i, state: 'sent', ...(ts ? { ts } : {}) }));
    }
    p = await this.mark(p, item.key, (i) => ({ ...i, state: 'sending', claimedAt: now.toISOString(), owner: token, uncertain: false }));
    try {
      const ts = await this.send(p, item);
      return await this.mark(p, item.key, (i) => ({ ...i, state: 'sent', ...(ts ? { ts } : {}) }), item.kind === 'evidence' ? [{ at: now.toISOString(), promotionId: p.id, type: 'evidence_published', ...(item.by ? { actor: item.by } : {}) }] : []);
    } catch (e) {
      const attempts = (item.attempts ?? 0) + 1;
      const final = !isTransientError(e) || attempts >= (this.d.maxAttemptsPerItem ?? Infinity);
      this.d.logger.warn({ promotionId: p.id, item: item.key, attempts, err: e }, final ? 'Slack refused a thread message; giving up on it' : 'thread message not delivered yet; retrying');
      const marked = await this.mark(p, item.key, (i) => (final ? { ...i, state: 'sent', error: e instanceof Error ? e.message : String(e) } : { ...i, uncertain: true, attempts }));
      if (!final) throw e;
      return marked;
    }
  }

  /** Was this item delivered by an attempt whose answer was lost? '' = yes (no ts known). */
  private async look(p: Promotion, item: OutboxItem): Promise<string | undefined> {
    if (item.kind === 'thread') return this.d.chat.find(p, item.key);
    const delivered = (p.outbox ?? []).filter((i) => i.kind === 'evidence' && i.state === 'sent' && !i.error).length;
    const onSlack = await this.d.chat.countUploads(p, `evidence-${p.id}.json`);
    return onSlack > delivered ? '' : undefined;
  }

  private async send(p: Promotion, item: OutboxItem): Promise<string | undefined> {
    if (item.kind === 'thread') return this.d.chat.post(p, item.key, fromStored(item.text));
    const { pack } = await this.d.evidencePack(p.id);
    await this.d.chat.upload(
      p,
      [
        { filename: `evidence-${p.id}.json`, title: `Evidence ${p.id} (JSON)`, content: `${JSON.stringify(pack.json, null, 2)}\n` },
        { filename: `evidence-${p.id}.md`, title: `Evidence ${p.id} (Markdown)`, content: pack.markdown },
      ],
      fromStored(item.text),
    );
    return undefined;
  }

  /** Changes one outbox item (compare-and-set against `p`, re-applied to a newer version) and returns the promotion as stored. */
  private async mark(p: Promotion, key: string, fn: (i: OutboxItem) => OutboxItem, audit: AuditEntry[] = []): Promise<Promotion> {
    const r = await this.d.repo.update(p.id, (cur) => replaceItem(cur, key, fn), { audit, known: p });
    return r.changed ? r.promotion : ((await this.d.repo.get(p.id)) ?? r.promotion);
  }
}
