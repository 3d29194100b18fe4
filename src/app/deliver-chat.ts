import { needsMirror } from '../domain/execution-plan';
import { fromStored } from '../domain/mrkdwn';
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
  /** After this many failed attempts of one item, Slack's refusal is final (e.g. the channel is gone). */
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
    for (let i = 0; i < 200; i++) {
      const p = await this.d.repo.get(id);
      if (!p?.messageTs) return { done: true };
      const item = nextUndelivered(p);
      // an evidence pack waits for the GitHub Deployment mirror: it then tells every call made
      if (item?.kind === 'evidence' && needsMirror(p)) return { done: false, waitMs: 500 };
      if (item) {
        const wait = await this.deliverItem(p, item, token);
        if (wait !== undefined) return { done: false, waitMs: wait };
        continue;
      }
      const fingerprint = displayFingerprint(p);
      if (p.chat?.shown === fingerprint) return { done: true };
      await this.d.chat.show(p);
      await this.d.repo.update(id, (cur) => (cur.chat?.shown === fingerprint ? undefined : { ...cur, chat: { ...cur.chat, shown: fingerprint } }), { known: p });
    }
    return { done: false, waitMs: 0 };
  }

  /** Returns a wait when another attempt is delivering this item, else undefined (delivered or given up). */
  private async deliverItem(p: Promotion, item: OutboxItem, token: string): Promise<number | undefined> {
    const now = this.d.clock.now();
    if (item.state === 'sending') {
      const age = now.getTime() - Date.parse(item.claimedAt ?? item.at);
      if (!item.uncertain && item.owner !== token && age < this.d.leaseMs) return this.d.leaseMs - age;
      const ts = await this.look(p, item);
      if (ts !== undefined) return this.mark(p, item.key, (i) => ({ ...i, state: 'sent', ...(ts ? { ts } : {}) }));
    }
    await this.mark(p, item.key, (i) => ({ ...i, state: 'sending', claimedAt: now.toISOString(), owner: token, uncertain: false }));
    try {
      const ts = await this.send(p, item);
      await this.mark(p, item.key, (i) => ({ ...i, state: 'sent', ...(ts ? { ts } : {}) }), item.kind === 'evidence' ? [{ at: now.toISOString(), promotionId: p.id, type: 'evidence_published', ...(item.by ? { actor: item.by } : {}) }] : []);
    } catch (e) {
      const attempts = (item.attempts ?? 0) + 1;
      const final = !isTransientError(e) || attempts >= (this.d.maxAttemptsPerItem ?? 50);
      this.d.logger.warn({ promotionId: p.id, item: item.key, attempts, err: e }, final ? 'Slack refused a thread message; giving up on it' : 'thread message not delivered yet; retrying');
      await this.mark(p, item.key, (i) => (final ? { ...i, state: 'sent', error: e instanceof Error ? e.message : String(e) } : { ...i, uncertain: true, attempts }));
      if (!final) throw e;
    }
    return undefined;
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

  private async mark(p: Promotion, key: string, fn: (i: OutboxItem) => OutboxItem, audit: AuditEntry[] = []): Promise<undefined> {
    await this.d.repo.update(p.id, (cur) => replaceItem(cur, key, fn), { audit });
    return undefined;
  }
}
