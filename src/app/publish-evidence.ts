import type { ShipgateConfig } from '../config/config-schema';
import { isLastEnvironment } from '../domain/pipeline-stages';
import { buildEvidencePack, type AuditLine, type EvidencePack, type JourneyStage } from '../domain/evidence-pack';
import { isTerminal, type Promotion } from '../domain/promotion';
import { findService } from '../domain/resolve-request';
import { ShipgateError } from '../shared/shipgate-error';
import { traceJourney, type JourneyDeps } from './evidence-journey';
import type { AuditLog } from './ports/audit-log';
import type { JobQueue } from './ports/job-queue';
import { withEvidenceUpload } from '../domain/outbox';
import type { Directory } from './ports/directory';
import type { PromotionRepository } from './ports/promotion-repository';
import { mrk, mention } from '../shared/mrkdwn';

export interface PublishEvidenceDeps {
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'forPromotion'>;
  queue: Pick<JobQueue, 'nudgeChat'>;
  clock: { now(): Date };
  threadLink?: (p: Promotion) => string | undefined;
  commitUrl?: (repo: string, sha: string) => string;
  /** Stores counters still held by the running job (GitHub calls), so the pack shows the final numbers. */
  settleCounters?: (id: string) => Promise<void>;
  /** Slack user names for the Markdown and JSON (else users are shown by ID). */
  directory?: Pick<Directory, 'userName'>;
  /** With the config and the deployment history: the candidate's journey at the last environment. */
  journey?: Omit<JourneyDeps, 'repo'> & { config: ShipgateConfig };
}

const SLACK_USER = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** `/promote evidence <id>` and the automatic pack when a promotion to the last environment ends. */
export class PublishEvidence {
  constructor(private readonly d: PublishEvidenceDeps) {}

  async pack(id: string): Promise<{ promotion: Promotion; pack: EvidencePack }> {
    const first = await this.d.repo.get(id);
    if (!first) throw new ShipgateError('not_found', `No promotion \`${id}\` exists.`);
    // the journey may ask GitHub (a stage shipgate did not deploy): count those calls too
    const journey = await this.journeyOf(first);
    await this.d.settleCounters?.(id);
    const p = (await this.d.repo.get(id)) ?? first;
    const stages = journey?.map((s) => (s.promotion?.id === p.id ? { ...s, promotion: p } : s));
    const audit = await this.d.audit.forPromotion(id);
    const thread = this.d.threadLink?.(p);
    const names = await this.names(p, audit, stages ?? []);
    const pack = buildEvidencePack(p, audit, {
      ...(thread ? { thread } : {}),
      ...(this.d.commitUrl ? { commitUrl: this.d.commitUrl } : {}),
      ...(this.d.threadLink ? { threadOf: this.d.threadLink } : {}),
      names,
      ...(stages ? { journey: stages } : {}),
    });
    return { promotion: p, pack };
  }

  /**
   * `/promote evidence <id>`: asks for the pack to be uploaded into the promotion's thread (built
   * and delivered by the chat delivery job, like every thread message: once, when Slack answers).
   */
  async publish(id: string, by?: string): Promise<Promotion> {
    const now = this.d.clock.now();
    const { promotion } = await this.d.repo.update(id, (p) =>
      withEvidenceUpload(
        p,
        `evidence:${by ?? 'shipgate'}:${now.getTime()}`,
        mrk`:card_index_dividers: Evidence pack for \`${p.id}\` (${p.state.replace('_', ' ')}${isTerminal(p.state) ? '' : ', in progress'})${by ? mrk`, requested by ${mention(by)}` : ''}.`,
        now,
        by,
      ),
    );
    await this.d.queue.nudgeChat(id);
    return promotion;
  }

  /** At the last environment of the pipeline, a promotion's pack covers the candidate's whole journey. */
  private async journeyOf(p: Promotion): Promise<JourneyStage[] | undefined> {
    const j = this.d.journey;
    if (!j || p.kind !== 'promotion' || !isLastEnvironment(findService(j.config, p.service).pipeline, p.env)) return undefined;
    return traceJourney(p, { ...j, repo: this.d.repo });
  }

  /** Every Slack user the pack names (people, audit actors, mentions in gate summaries), by name when the directory knows them. */
  private async names(p: Promotion, audit: readonly AuditLine[], journey: readonly JourneyStage[]): Promise<Record<string, string>> {
    const ids = new Set<string>();
    const add = (id: string | undefined) => id && ids.add(id);
    for (const q of [p, ...journey.map((s) => s.promotion).filter((x): x is Promotion => x !== undefined)]) {
      add(q.requester.id);
      q.approvals.forEach((a) => add(a.userId));
      add(q.rejection?.by);
      add(q.cancellation?.by);
      add(q.override?.requestedBy);
      add(q.override?.approvedBy?.userId);
      add(q.override?.onCall);
      for (const g of q.gates) for (const m of g.summary.matchAll(SLACK_USER)) add(m[1]);
      for (const m of (q.stateReason ?? '').matchAll(SLACK_USER)) add(m[1]);
    }
    audit.forEach((a) => add(a.actor));
    const names: Record<string, string> = {};
    await Promise.all(
      [...ids].map(async (id) => {
        const name = (await this.d.directory?.userName(id).catch(() => undefined)) ?? (id === p.requester.id ? p.requester.name : undefined);
        if (name) names[id] = name;
      }),
    );
    return names;
  }
}
