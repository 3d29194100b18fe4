import type { ShipgateConfig } from '../config/config-schema';
import { buildOverride, overridable } from '../domain/emergency-override';
import { describeFreeze, formatOpenInstant } from '../domain/gates/freeze-gate';
import { groupsIn, principalsInclude } from '../domain/policy';
import { transition, type Promotion } from '../domain/promotion';
import { ShipgateError } from '../shared/shipgate-error';
import { approvalGateFor } from '../domain/gates/approval-policy';
import { freezeNextOpen, freezeResultFor } from '../domain/gates/freeze-decision';
import type { AuditLog } from './ports/audit-log';
import type { JobQueue } from './ports/job-queue';
import { withFirstPlan } from './plan-review/request-plan';
import { withThreadPost } from '../domain/outbox';
import type { Clock } from './ports/clock';
import type { Directory } from './ports/directory';
import type { FreezeCalendars } from './ports/freeze-calendars';
import type { PromotionRepository } from './ports/promotion-repository';
import type { Logger } from './logger';
import type { LockGuard } from './lock-guard';
import { joinMd, mrk, mention } from '../shared/mrkdwn';

export interface FreezeActionsDeps {
  config: ShipgateConfig;
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  queue: Pick<JobQueue, 'nudgeChat' | 'enqueuePlanReview'>;
  directory: Directory;
  calendars: FreezeCalendars;
  /** A blocked promotion gave up its environment lock; reviving it takes the lock again. */
  locks: Pick<LockGuard, 'updateLocked'>;
  logger: Logger;
}

/**
 * What people can do about a freeze: request an emergency override, queue a blocked
 * promotion for the next window, and ask whether an environment is frozen.
 */
export class FreezeActions {
  constructor(private readonly d: FreezeActionsDeps) {}

  private async blockedByFreeze(id: string, userId: string): Promise<Promotion> {
    const p = await this.d.repo.get(id);
    if (!p) throw new ShipgateError('not_found', `No promotion \`${id}\` exists.`);
    const env = this.d.config.environments.find((e) => e.name === p.env);
    const groups = await this.d.directory.groupMembers(groupsIn(env?.deployers), { fresh: true });
    if (userId !== p.requester.id && !principalsInclude(env?.deployers, userId, groups)) {
      throw new ShipgateError('not_authorized', `Only the requester or a deployer of \`${p.env}\` may do this.`);
    }
    if (p.state !== 'blocked' || !overridable(p.gates))
      throw new ShipgateError('invalid_state', `Promotion \`${id}\` is not blocked by a freeze alone (it is ${p.state.replace('_', ' ')}).`);
    return p;
  }

  /** Checks the click before the modal opens (the submission is checked again). */
  async assertOverridable(id: string, userId: string): Promise<Promotion> {
    if (!this.d.config.emergency) throw new ShipgateError('bad_command', 'Emergency overrides are not configured (`emergency.approvers` in shipgate.yml).');
    return this.blockedByFreeze(id, userId);
  }

  async requestOverride(id: string, userId: string, form: { justification: string; rollbackPlan?: string; onCall?: string }): Promise<Promotion> {
    await this.blockedByFreeze(id, userId);
    const now = this.d.clock.now();
    // back under the (service, environment) lock in the same atomic step as leaving `blocked`
    const { promotion, changed } = await this.d.locks.updateLocked(
      id,
      (cur) => {
        if (cur.state !== 'blocked') throw new ShipgateError('invalid_state', `Promotion \`${id}\` is already ${cur.state.replace('_', ' ')}.`);
        const override = buildOverride(this.d.config, cur.gates, { userId, at: now, ...form });
        const next = transition(cur, { type: 'override_requested', override }, now);
        const envCfg = this.d.config.environments.find((e) => e.name === cur.env)!;
        const gates = next.gates.map((g) =>
          g.gate === 'freeze'
            ? freezeResultFor(g, next, new Date(String(freezeNextOpen(g))), this.d.config.timezone)
            : g.gate === 'approval'
              ? approvalGateFor(this.d.config, envCfg, next)
              : g,
        );
        return withThreadPost(
          withFirstPlan(this.d.config, { ...next, gates }, now),
          'override_requested',
          joinMd(
            [
              mrk`:rotating_light: *Emergency override* requested by ${mention(userId)} for ${override.windows.map((w) => `*${w.rule}*`).join(', ') || 'the freeze'}.`,
              mrk`• Justification: ${override.justification}`,
              ...(override.rollbackPlan ? [mrk`• Rollback plan: ${override.rollbackPlan}`] : []),
              ...(override.onCall ? [mrk`• On-call engineer: ${mention(override.onCall)}`] : []),
              mrk`• Needs an approval from an emergency approver besides the normal approvals.`,
            ],
            '\n',
          ),
          now,
        );
      },
      { audit: (next) => [{ at: now.toISOString(), promotionId: id, type: 'override_requested', actor: userId, data: { override: next.override } }] },
    );
    if (changed) await this.d.queue.nudgeChat(id);
    // back to awaiting approval: the plan (`plan:`) is made now, as after passing gates
    if (changed && promotion.planReview?.status === 'dispatching') await this.d.queue.enqueuePlanReview(id);
    return promotion;
  }

  async queueForNextWindow(id: string, userId: string): Promise<Promotion> {
    const p = await this.blockedByFreeze(id, userId);
    const calendar = await this.d.calendars.current();
    const now = this.d.clock.now();
    const nextOpen = calendar.nextOpen(p.env, now);
    const { promotion, changed } = await this.d.locks.updateLocked(
      id,
      (cur) => {
        if (cur.state !== 'blocked') throw new ShipgateError('invalid_state', `Promotion \`${id}\` is already ${cur.state.replace('_', ' ')}.`);
        const next = transition(cur, { type: 'queued', until: nextOpen.toISOString() }, now);
        const gates = next.gates.map((g) => (g.gate === 'freeze' ? freezeResultFor(g, next, nextOpen, this.d.config.timezone) : g));
        return withThreadPost(
          withFirstPlan(this.d.config, { ...next, gates }, now),
          'queued',
          mrk`:calendar: Queued by ${mention(userId)} for the next window: ${formatOpenInstant(nextOpen, this.d.config.timezone, cur.requester.tz)}. Approvals still apply; every gate is checked again then.`,
          now,
        );
      },
      { audit: [{ at: now.toISOString(), promotionId: id, type: 'queued_for_window', actor: userId, data: { until: nextOpen.toISOString() } }] },
    );
    if (changed) await this.d.queue.nudgeChat(id);
    // back to awaiting approval: the plan (`plan:`) is made now, as after passing gates
    if (changed && promotion.planReview?.status === 'dispatching') await this.d.queue.enqueuePlanReview(id);
    return promotion;
  }

  /** `/promote freeze [env]`: frozen now or not, by what, until when; windows in the next 30 days. */
  async describe(envName: string | undefined, userId: string): Promise<string> {
    const envs = envName ? [envName] : this.d.config.environments.map((e) => e.name);
    const unknown = envs.filter((e) => !this.d.config.environments.some((x) => x.name === e));
    if (unknown.length) {
      throw new ShipgateError(
        'unknown_environment',
        `Unknown environment \`${unknown[0]}\`. Environments: ${this.d.config.environments.map((e) => `\`${e.name}\``).join(', ')}.`,
      );
    }
    const calendar = await this.d.calendars.current();
    const now = this.d.clock.now();
    const tz = await this.d.directory.userTimeZone(userId);
    return envs
      .map((e) =>
        describeFreeze(calendar.check(e, now), calendar.upcoming(e, now, 30), this.d.config.timezone, {
          missingSources: calendar.missingSources(e),
          unevaluated: calendar.unevaluated(e),
          ...(tz ? { requesterTimeZone: tz } : {}),
        }),
      )
      .join('\n\n');
  }
}
