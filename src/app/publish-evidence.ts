import { buildEvidencePack, type EvidencePack } from '../domain/evidence-pack';
import { isTerminal, type Promotion } from '../domain/promotion';
import { ShipgateError } from '../domain/shipgate-error';
import type { AuditLog } from './ports/audit-log';
import type { Chat } from './ports/chat';
import type { PromotionRepository } from './ports/promotion-repository';

/** `/promote evidence <id>` and the automatic pack when a promotion to the last environment ends. */
export class PublishEvidence {
  constructor(
    private readonly d: {
      repo: Pick<PromotionRepository, 'get'>;
      audit: Pick<AuditLog, 'forPromotion' | 'append'>;
      chat: Pick<Chat, 'uploadToThread'>;
      clock: { now(): Date };
      threadLink?: (p: Promotion) => string | undefined;
      commitUrl?: (repo: string, sha: string) => string;
      /** Stores counters still held by the running job (GitHub calls), so the pack shows the final numbers. */
      settleCounters?: (id: string) => Promise<void>;
    },
  ) {}

  async pack(id: string): Promise<{ promotion: Promotion; pack: EvidencePack }> {
    await this.d.settleCounters?.(id);
    const p = await this.d.repo.get(id);
    if (!p) throw new ShipgateError('not_found', `No promotion \`${id}\` exists.`);
    const audit = await this.d.audit.forPromotion(id);
    const thread = this.d.threadLink?.(p);
    return { promotion: p, pack: buildEvidencePack(p, audit, { ...(thread ? { thread } : {}), ...(this.d.commitUrl ? { commitUrl: this.d.commitUrl } : {}) }) };
  }

  async publish(id: string, by?: string): Promise<Promotion> {
    const { promotion: p, pack } = await this.pack(id);
    await this.d.chat.uploadToThread(
      p,
      [
        { filename: `evidence-${p.id}.json`, title: `Evidence ${p.id} (JSON)`, content: `${JSON.stringify(pack.json, null, 2)}\n` },
        { filename: `evidence-${p.id}.md`, title: `Evidence ${p.id} (Markdown)`, content: pack.markdown },
      ],
      `:card_index_dividers: Evidence pack for \`${p.id}\` (${p.state.replace('_', ' ')}${isTerminal(p.state) ? '' : ', in progress'})${by ? `, requested by <@${by}>` : ''}.`,
    );
    await this.d.audit.append({ at: this.d.clock.now().toISOString(), promotionId: p.id, type: 'evidence_published', ...(by ? { actor: by } : {}) });
    return p;
  }
}
