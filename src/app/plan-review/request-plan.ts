import type { ShipgateConfig } from '../../config/config-schema';
import { approvalGateFor } from '../../domain/gates/approval-policy';
import { withThreadPost } from '../../domain/outbox';
import { newPlanReview, withPlanGate, type PlanReview } from '../../domain/plan-review';
import { groupsIn, principalsInclude } from '../../domain/policy';
import type { Promotion } from '../../domain/promotion';
import { findService } from '../../domain/resolve-request';
import { renderTemplate } from '../../domain/template';
import { joinMd, mention, mrk } from '../../shared/mrkdwn';
import { ShipgateError } from '../../shared/shipgate-error';
import { templateVars } from '../execution/dispatch-step';
import type { Logger } from '../logger';
import type { AuditLog } from '../ports/audit-log';
import type { Clock } from '../ports/clock';
import type { Directory } from '../ports/directory';
import type { JobQueue } from '../ports/job-queue';
import type { PromotionRepository } from '../ports/promotion-repository';

/**
 * The plan a promotion asks for (SPEC §9 `plan:`), or undefined when its environment makes no
 * plan (and for rollbacks: a rollback restores what ran before, it is not re-planned). The
 * inputs are rendered for the candidate SHA; the ref defaults to the workflow strategy's.
 */
export function planReviewFor(config: ShipgateConfig, p: Promotion, at: Date, by?: string): PlanReview | undefined {
  const cfg = config.environments.find((e) => e.name === p.env)?.plan;
  if (!cfg || p.kind !== 'promotion' || !p.sha || (cfg.services && !cfg.services.includes(p.service))) return undefined;
  const strategy = findService(config, p.service).strategy;
  const vars = templateVars(p, p.sha);
  const inputs: Record<string, string> = {};
  for (const [k, tpl] of Object.entries(cfg.inputs)) inputs[k] = renderTemplate(tpl, vars).text;
  const ref = cfg.ref ?? (strategy.type === 'workflow' ? strategy.ref : 'main');
  return newPlanReview({ workflow: cfg.workflow, ref, inputs, artifact: cfg.artifact }, at, p.planReview, by);
}

/** A promotion that just passed its request gates, with its first plan asked for (when its environment makes one). */
export function withFirstPlan(config: ShipgateConfig, p: Promotion, at: Date): Promotion {
  if (p.planReview) return p;
  const plan = planReviewFor(config, p, at);
  return plan ? withPlanGate({ ...p, planReview: plan }) : p;
}

/**
 * Why an Approve click must not count for the current plan: the plan is not ready, or the card
 * the click came from showed another plan (`shownDigest` is the digest its button carried).
 */
export function planClickRefusal(p: Pick<Promotion, 'planReview' | 'id'>, shownDigest: string | undefined): ShipgateError | undefined {
  const r = p.planReview;
  if (!r) return undefined;
  if (r.status !== 'ready' || !r.digest) {
    return new ShipgateError(
      'invalid_state',
      `The plan of \`${p.id}\` is ${r.status === 'failed' ? 'failed' : 'still running'}; approvals count only once it is shown.`,
    );
  }
  if (shownDigest !== r.digest) {
    return new ShipgateError('invalid_state', `\`${p.id}\` was re-planned after this card was shown; review the new plan in the thread and approve again.`);
  }
  return undefined;
}

export interface RequestPlanDeps {
  config: ShipgateConfig;
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  directory: Pick<Directory, 'groupMembers'>;
  queue: Pick<JobQueue, 'nudgeChat' | 'enqueuePlanReview'>;
  logger: Logger;
}

/**
 * Re-plan (`/promote replan <id>` or the card's Re-plan button): a new plan run for the same
 * candidate; every earlier approval is void (it was for the plan before), the card and thread say so.
 */
export class RequestPlan {
  constructor(private readonly d: RequestPlanDeps) {}

  async replan(id: string, userId: string, origin: { channelId?: string; messageTs?: string } = {}): Promise<Promotion> {
    const p = await this.d.repo.get(id);
    if (!p) throw new ShipgateError('not_found', `No promotion \`${id}\` exists (it may have been removed).`);
    if (origin.channelId && origin.messageTs && (p.channel !== origin.channelId || p.messageTs !== origin.messageTs)) {
      throw new ShipgateError('not_authorized', `This button does not belong to promotion \`${id}\`'s approval message.`);
    }
    const env = this.d.config.environments.find((e) => e.name === p.env);
    if (!env?.plan || (env.plan.services && !env.plan.services.includes(p.service))) {
      throw new ShipgateError('bad_option', `\`${p.service}\` makes no plan in \`${p.env}\` (see \`plan:\` in its configuration); nothing to re-plan.`);
    }
    const groups = await this.d.directory.groupMembers([...groupsIn(env.deployers), ...groupsIn(env.approvers)], { fresh: true });
    if (userId !== p.requester.id && !principalsInclude(env.deployers, userId, groups) && !principalsInclude(env.approvers, userId, groups)) {
      throw new ShipgateError('not_authorized', `Only the requester, a deployer or an approver of \`${env.name}\` may re-plan \`${id}\`.`);
    }
    if (p.state === 'awaiting_approval' && (p.planReview?.status === 'dispatching' || p.planReview?.status === 'running')) {
      // its job may have been lost (a crash right after the plan was asked for): make sure it runs
      await this.d.queue.enqueuePlanReview(id);
      throw new ShipgateError('invalid_state', `The plan of \`${id}\` is still running; re-plan once it is shown.`);
    }
    const now = this.d.clock.now();
    let voided: Promotion['approvals'] = [];
    let previousDigest: string | undefined;
    const { promotion, changed } = await this.d.repo.update(
      id,
      (cur) => {
        if (cur.state !== 'awaiting_approval')
          throw new ShipgateError(
            'invalid_state',
            `Promotion \`${id}\` is ${cur.state.replace('_', ' ')}; only a promotion awaiting approval can be re-planned.`,
          );
        if (cur.planReview && cur.planReview.status !== 'ready')
          throw new ShipgateError('invalid_state', `The plan of \`${id}\` is still running; re-plan once it is shown.`);
        const plan = planReviewFor(this.d.config, cur, now, userId);
        if (!plan) throw new ShipgateError('invalid_state', `Promotion \`${id}\` has no candidate to plan.`);
        voided = cur.approvals;
        previousDigest = cur.planReview?.digest;
        const cleared: Promotion = { ...cur, planReview: { ...plan, voided }, approvals: [], evidence: { ...cur.evidence, approvers: [] } };
        const approval = approvalGateFor(this.d.config, env, cleared);
        const next = withPlanGate({ ...cleared, gates: cleared.gates.map((g) => (g.gate === 'approval' ? approval : g)) });
        const who = joinMd(
          voided.map((a) => mention(a.userId)),
          ', ',
        );
        return withThreadPost(
          next,
          `replan:${plan.attempt}`,
          mrk`:repeat: Re-plan requested by ${mention(userId)}: a new plan run starts for \`${(cur.sha ?? '').slice(0, 7)}\`. ${voided.length ? mrk`${voided.length} earlier approval${voided.length === 1 ? '' : 's'} (${who}) ${voided.length === 1 ? 'is' : 'are'} void: ` : mrk``}approvals count only for the new plan.`,
          now,
        );
      },
      {
        audit: (next) => [
          {
            at: now.toISOString(),
            promotionId: id,
            type: 'replanned',
            actor: userId,
            data: { attempt: next.planReview?.attempt, previousDigest, voided: voided.map((a) => ({ userId: a.userId, at: a.at, planDigest: a.planDigest })) },
          },
        ],
      },
    );
    if (changed) {
      await this.d.queue.nudgeChat(id);
      await this.d.queue.enqueuePlanReview(id);
      this.d.logger.info(
        { promotionId: id, by: userId, attempt: promotion.planReview?.attempt, voided: voided.length },
        're-plan requested; earlier approvals voided',
      );
    }
    return promotion;
  }
}
