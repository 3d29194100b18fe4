import type { ShipgateConfig } from '../config/config-schema';
import { groupsIn, mayApprove, principalsInclude, requiredApprovals } from '../domain/policy';
import { approvalGateFor, approvalPolicyFor } from '../domain/gates/approval-policy';
import { approvalRulesOf, ruleGroups, rulesForClick, rulesOfMember, ruleProgress } from '../domain/approval-rules';
import { refreshFreezeGate } from '../domain/gates/freeze-decision';
import { joinMd, mrk, mention } from '../shared/mrkdwn';
import { transition, type Promotion } from '../domain/promotion';
import { withThreadPost } from '../domain/outbox';
import { ShipgateError } from '../shared/shipgate-error';
import type { AuditLog } from './ports/audit-log';
import type { Clock } from './ports/clock';
import type { Directory } from './ports/directory';
import type { JobQueue } from './ports/job-queue';
import type { PromotionRepository } from './ports/promotion-repository';
import type { Logger } from './logger';
import { planClickRefusal } from './plan-review/request-plan';

export interface DecideApprovalDeps {
  config: ShipgateConfig;
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  directory: Pick<Directory, 'groupMembers'>;
  queue: Pick<JobQueue, 'enqueueExecution' | 'nudgeChat'>;
  logger: Logger;
}

/** Where the click came from; it must be the promotion's own message (a tampered value is refused). */
export interface ClickOrigin {
  channelId?: string;
  messageTs?: string;
  /** `plan:` — the plan digest the clicked card showed (carried by its Approve button). */
  planDigest?: string;
}

/**
 * Approve / Reject / Cancel clicks. Authorization is checked on the server for every click,
 * inside one atomic update, so double clicks and two approvers at once count once and
 * enqueue execution once.
 */
export class DecideApproval {
  constructor(private readonly d: DecideApprovalDeps) {}

  private async load(id: string, origin: ClickOrigin): Promise<Promotion> {
    const p = await this.d.repo.get(id);
    if (!p) throw new ShipgateError('not_found', `No promotion \`${id}\` exists (it may have been removed).`);
    if (origin.channelId && origin.messageTs && (p.channel !== origin.channelId || p.messageTs !== origin.messageTs)) {
      throw new ShipgateError('not_authorized', `This button does not belong to promotion \`${id}\`'s approval message.`);
    }
    return p;
  }

  /** The configured environment of a promotion. */
  private configEnvOf(p: Promotion) {
    const env = this.d.config.environments.find((e) => e.name === p.env);
    if (!env) throw new ShipgateError('unknown_environment', `environment ${p.env} is no longer configured`);
    return env;
  }

  /** The approval rules that apply to it (a rollback's differ from the environment's). */
  private envOf(p: Promotion) {
    return approvalPolicyFor(this.d.config, this.configEnvOf(p), p);
  }

  /** The freeze gate as it reads after this decision (an approved override, a queued promotion now approved). */
  private withFreezeGate(p: Promotion): Promotion {
    return { ...p, gates: p.gates.map((g) => refreshFreezeGate(g, p, this.d.config.timezone)) };
  }

  async approve(id: string, userId: string, origin: ClickOrigin = {}): Promise<Promotion> {
    const p = await this.load(id, origin);
    const configEnv = this.configEnvOf(p);
    const env = approvalPolicyFor(this.d.config, configEnv, p);
    const emergency = this.d.config.emergency;
    // membership is read from Slack on every click: a person removed from the group must not approve
    const rules = env.approvals ? approvalRulesOf(env) : undefined;
    const groups = await this.d.directory.groupMembers(
      [
        ...(rules ? ruleGroups(rules) : groupsIn(requiredApprovals(env) === 0 ? env.deployers : env.approvers)),
        ...(p.override && emergency ? groupsIn(emergency.approvers) : []),
      ],
      { fresh: true },
    );
    const now = this.d.clock.now();
    let refused: ShipgateError | undefined;
    let role = 'approval' as 'approval' | 'emergency';
    let counted: string[] | undefined;
    const said = (next: Promotion, by: 'approval' | 'emergency'): Promotion =>
      withThreadPost(
        next,
        `${by === 'emergency' ? 'override_approved' : 'approved'}:${userId}`,
        joinMd(
          [
            by === 'emergency'
              ? mrk`:rotating_light: Emergency override approved by ${mention(userId)}.`
              : next.requiredApprovals === 0
                ? mrk`:ballot_box_with_check: ${mention(userId)} confirmed.`
                : rules && counted
                  ? mrk`:ballot_box_with_check: ${mention(userId)} approved for ${joinMd(
                      ruleProgress(rules, next.approvals)
                        .rules.filter((r) => counted?.includes(r.name))
                        .map((r) => mrk`*${r.name}* (${r.have}/${r.needed})`),
                      ', ',
                    )}.`
                  : mrk`:ballot_box_with_check: ${mention(userId)} approved (${next.approvals.length}/${next.requiredApprovals}).`,
            ...(next.state === 'approved'
              ? [
                  next.scheduledFor && Date.parse(next.scheduledFor) > now.getTime()
                    ? mrk`:calendar: Fully approved; it goes ahead at the next window (${next.scheduledFor.replace('.000Z', 'Z')}), after every gate is checked again.`
                    : mrk`:white_check_mark: Fully approved. Queued for execution.`,
                ]
              : []),
          ],
          '\n',
        ),
        now,
      );
    const { promotion, changed } = await this.d.repo.update(
      id,
      (cur) => {
        refused = undefined;
        counted = undefined;
        if (cur.state !== 'awaiting_approval') {
          refused = new ShipgateError('invalid_state', `Promotion \`${id}\` is already ${cur.state.replace('_', ' ')}; nothing to approve.`);
          return undefined;
        }
        // an emergency approver's click approves the override (once), never their own
        if (cur.override && !cur.override.approvedBy && emergency && principalsInclude(emergency.approvers, userId, groups)) {
          if (userId === cur.requester.id || userId === cur.override.requestedBy) {
            refused = new ShipgateError(
              'separation_of_duties',
              'You requested this emergency override, so another emergency approver must approve it (separation of duties).',
            );
            return undefined;
          }
          role = 'emergency';
          const withOverride: Promotion = { ...cur, override: { ...cur.override, approvedBy: { userId, at: now.toISOString() } } };
          const g = approvalGateFor(this.d.config, configEnv, withOverride);
          const next = { ...withOverride, gates: cur.gates.map((x) => (x.gate === 'approval' ? g : x)) };
          return said(this.withFreezeGate(g.status === 'pass' ? transition(next, { type: 'approved' }, now) : next), 'emergency');
        }
        role = 'approval';
        refused = planClickRefusal(cur, origin.planDigest);
        if (refused) return undefined;
        if (rules) {
          // named rules: the click counts for the unmet rules the clicker belongs to now (distinct: the first one)
          const decision = rulesForClick(rules, { envName: env.name, userId, requesterId: cur.requester.id, allowSelfApproval: env.allowSelfApproval, approvals: cur.approvals, groups });
          if (!decision.ok) {
            refused = new ShipgateError(decision.code === 'already_approved' || decision.code === 'rules_already_met' ? 'invalid_state' : decision.code, decision.message);
            return undefined;
          }
          counted = decision.rules;
        } else {
          const decision = mayApprove(env, { userId, requesterId: cur.requester.id, alreadyApproved: cur.approvals.map((a) => a.userId), groups });
          if (!decision.ok) {
            refused = new ShipgateError(decision.code === 'already_approved' ? 'invalid_state' : decision.code, decision.message);
            return undefined;
          }
        }
        const approvals = [...cur.approvals, { userId, at: now.toISOString(), ...(counted ? { rules: counted } : {}), ...(cur.planReview?.digest ? { planDigest: cur.planReview.digest } : {}) }];
        const withApproval: Promotion = { ...cur, approvals, evidence: { ...cur.evidence, approvers: approvals } };
        const g = approvalGateFor(this.d.config, configEnv, withApproval);
        const next = { ...withApproval, gates: cur.gates.map((x) => (x.gate === 'approval' ? g : x)) };
        return said(this.withFreezeGate(g.status === 'pass' ? transition(next, { type: 'approved' }, now) : next), 'approval');
      },
      {
        audit: (next) => [
          {
            at: now.toISOString(),
            promotionId: id,
            type: role === 'emergency' ? 'override_approved' : 'approved',
            actor: userId,
            data: {
              approvals: next.approvals.length,
              required: next.requiredApprovals,
              ...(counted ? { rules: counted } : {}),
              ...(role === 'emergency' ? { override: next.override } : {}),
              ...(next.planReview?.digest ? { planDigest: next.planReview.digest } : {}),
            },
          },
        ],
      },
    );
    if (refused) {
      await this.d.audit.append({
        at: now.toISOString(),
        promotionId: id,
        type: 'approval_refused',
        actor: userId,
        data: { code: refused.code, reason: refused.message },
      });
      throw refused;
    }
    if (!changed) return promotion;
    await this.d.queue.nudgeChat(id);
    if (promotion.state === 'approved') {
      // the start step re-checks every gate (a queued promotion waits there for its window)
      await this.d.queue.enqueueExecution(id);
      this.d.logger.info({ promotionId: id, service: p.service, env: p.env, by: userId }, 'promotion approved; execution enqueued');
    }
    return promotion;
  }

  async reject(id: string, userId: string, reason: string, origin: ClickOrigin = {}): Promise<Promotion> {
    const p = await this.load(id, origin);
    const env = this.envOf(p);
    const rules = env.approvals ? approvalRulesOf(env) : undefined;
    const groups = await this.d.directory.groupMembers(rules ? ruleGroups(rules) : groupsIn(env.approvers ?? env.deployers), { fresh: true });
    // with rules: anyone eligible in any rule (membership read now) may reject
    const mayReject =
      (rules
        ? rulesOfMember(rules, userId, groups).length > 0
        : mayApprove({ ...env, allowSelfApproval: true }, { userId, requesterId: p.requester.id, alreadyApproved: [], groups }).ok) || userId === p.requester.id;
    if (!mayReject) {
      throw new ShipgateError('not_authorized', `Only an approver of \`${env.name}\` or the requester may reject this promotion.`);
    }
    const text = reason.trim();
    if (!text) throw new ShipgateError('bad_option', 'A rejection needs a reason.');
    const now = this.d.clock.now();
    const { promotion, changed } = await this.d.repo.update(
      id,
      (cur) => {
        if (cur.state !== 'awaiting_approval' && cur.state !== 'requested') {
          throw new ShipgateError('invalid_state', `Promotion \`${id}\` is already ${cur.state.replace('_', ' ')}; it cannot be rejected now.`);
        }
        return withThreadPost(
          transition(cur, { type: 'rejected', by: userId, reason: text }, now),
          'rejected',
          mrk`:no_entry: Rejected by ${mention(userId)}: ${text}`,
          now,
        );
      },
      { audit: [{ at: now.toISOString(), promotionId: id, type: 'rejected', actor: userId, data: { reason: text } }] },
    );
    if (changed) await this.d.queue.nudgeChat(id);
    return promotion;
  }

  /** `approvalTimeout` reached: a promotion still awaiting approval expires (its lock is released). */
  async expire(id: string): Promise<Promotion | undefined> {
    const now = this.d.clock.now();
    const p = await this.d.repo.get(id);
    if (!p || p.state !== 'awaiting_approval' || !p.expiresAt || Date.parse(p.expiresAt) > now.getTime()) return p;
    const expiresAt = p.expiresAt;
    const { promotion, changed } = await this.d.repo.update(
      id,
      (cur) =>
        cur.state === 'awaiting_approval'
          ? withThreadPost(
              transition(cur, { type: 'expired' }, now),
              'expired',
              mrk`:alarm_clock: Expired: no decision within the approval timeout (${expiresAt.replace('.000Z', 'Z')}). Request it again with \`/promote\`.`,
              now,
            )
          : undefined,
      { audit: [{ at: now.toISOString(), promotionId: id, type: 'expired', data: { expiresAt } }] },
    );
    if (changed) await this.d.queue.nudgeChat(id);
    return promotion;
  }

  async cancel(id: string, userId: string, origin: ClickOrigin = {}): Promise<Promotion> {
    const p = await this.load(id, origin);
    const env = this.envOf(p);
    const rules = env.approvals ? approvalRulesOf(env) : undefined;
    const groups = await this.d.directory.groupMembers(rules ? ruleGroups(rules) : groupsIn(env.approvers), { fresh: true });
    const isApprover = rules
      ? rulesOfMember(rules, userId, groups).length > 0
      : (env.approvers ?? []).length > 0 && mayApprove({ ...env, allowSelfApproval: true }, { userId, requesterId: '', alreadyApproved: [], groups }).ok;
    if (userId !== p.requester.id && !isApprover) {
      throw new ShipgateError(
        'not_authorized',
        mrk`Only the requester (${mention(p.requester.id)}) or an approver of \`${env.name}\` may cancel this promotion.`,
      );
    }
    const now = this.d.clock.now();
    const { promotion, changed } = await this.d.repo.update(
      id,
      (cur) => {
        if (!['requested', 'awaiting_approval', 'approved', 'blocked'].includes(cur.state)) {
          throw new ShipgateError(
            'invalid_state',
            cur.state === 'running' ? `Promotion \`${id}\` is already executing and cannot be cancelled.` : `Promotion \`${id}\` is already ${cur.state}.`,
          );
        }
        return withThreadPost(
          transition(cur, { type: 'cancelled', by: userId, reason: mrk`cancelled by ${mention(userId)}` }, now),
          'cancelled',
          mrk`:heavy_multiplication_x: Cancelled by ${mention(userId)}.`,
          now,
        );
      },
      { audit: [{ at: now.toISOString(), promotionId: id, type: 'cancelled', actor: userId }] },
    );
    if (changed) await this.d.queue.nudgeChat(id);
    return promotion;
  }
}
