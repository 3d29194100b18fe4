import { withRun, type RunEvidence } from '../domain/evidence';
import type { Promotion, StepRecord } from '../domain/promotion';
import type { AuditLog } from './ports/audit-log';
import type { Chat } from './ports/chat';
import type { Clock } from './ports/clock';
import type { PromotionRepository } from './ports/promotion-repository';
import type { WorkflowRun } from './ports/workflow-runs';

export interface StepsDeps {
  clock: Clock;
  repo: Pick<PromotionRepository, 'update'>;
  audit: Pick<AuditLog, 'append'>;
  chat: Pick<Chat, 'updatePromotion' | 'postToThread'>;
}

/**
 * The executor's record keeping: every step outcome is stored in Redis before the next
 * step starts, so a resumed execution knows exactly which side effects already happened.
 */
export class PromotionSteps {
  constructor(private readonly d: StepsDeps) {}

  now(): Date {
    return this.d.clock.now();
  }

  step(p: Promotion, name: string): StepRecord | undefined {
    return p.steps[name];
  }

  async record(p: Promotion, step: StepRecord): Promise<Promotion> {
    const { promotion } = await this.d.repo.update(p.id, (cur) => ({ ...cur, steps: { ...cur.steps, [step.name]: step } }));
    return promotion;
  }

  async started(p: Promotion, name: string, output?: Record<string, unknown>): Promise<Promotion> {
    return this.record(p, { name, status: 'started', startedAt: this.now().toISOString(), ...(output ? { output } : {}) });
  }

  async done(p: Promotion, name: string, output: Record<string, unknown> = {}): Promise<Promotion> {
    const prev = p.steps[name];
    return this.record(p, { name, status: 'done', startedAt: prev?.startedAt ?? this.now().toISOString(), finishedAt: this.now().toISOString(), output: { ...(prev?.output ?? {}), ...output } });
  }

  async update(p: Promotion, fn: (cur: Promotion) => Promotion): Promise<Promotion> {
    const { promotion } = await this.d.repo.update(p.id, fn);
    return promotion;
  }

  /** Records a run; `deployedSha` is the commit it deploys (default: its head SHA). */
  async saveRun(p: Promotion, run: WorkflowRun, jobs?: RunEvidence['jobs'], deployedSha = run.headSha): Promise<Promotion> {
    const ev: RunEvidence = {
      id: run.id,
      name: run.name,
      ...(run.runNumber !== undefined ? { runNumber: run.runNumber } : {}),
      url: run.htmlUrl,
      status: run.status,
      conclusion: run.conclusion,
      headSha: run.headSha,
      deployedSha,
      ...(jobs ? { jobs } : {}),
    };
    const promotion = await this.update(p, (cur) => ({ ...cur, evidence: withRun(cur.evidence, ev) }));
    await this.d.chat.updatePromotion(promotion);
    return promotion;
  }

  async audit(p: Promotion, type: string, data?: Record<string, unknown>, actor?: string): Promise<void> {
    await this.d.audit.append({ at: this.now().toISOString(), promotionId: p.id, type, ...(actor ? { actor } : {}), ...(data ? { data } : {}) });
  }

  async thread(p: Promotion, text: string): Promise<void> {
    await this.d.chat.postToThread(p, text);
  }

  /** Posts a thread message once per `key` (recorded as a step). */
  async threadOnce(p: Promotion, key: string, text: string): Promise<Promotion> {
    if (p.steps[key]) return p;
    await this.d.chat.postToThread(p, text);
    return this.done(p, key);
  }
}
