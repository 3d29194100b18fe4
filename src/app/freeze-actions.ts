import type { ShipgateConfig } from '../config/config-schema';
import { buildOverride, overridable } from '../domain/emergency-override';
import { describeFreeze, formatOpenInstant } from '../domain/gates/freeze-gate';
import { groupsIn, principalsInclude } from '../domain/policy';
import { transition, type Promotion } from '../domain/promotion';
import { ShipgateError } from '../domain/shipgate-error';
import { approvalGateFor } from './gate-evaluator';
import { freezeResultFor } from './freeze-gate-check';
import type { AuditLog } from './ports/audit-log';
import type { Chat } from './ports/chat';
import type { Clock } from './ports/clock';
import type { Directory } from './ports/directory';
import type { FreezeCalendars } from './ports/freeze-calendars';
import type { PromotionRepository } from './ports/promotion-repository';
import type { Logger } from './logger';
import type { LockGuard } from './lock-guard';

export interface FreezeActionsDeps {
  config: ShipgateConfig;
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  chat: Pick<Chat, 'updatePromotion' | 'postToThread'>;
  directory: Directory;
  calendars: FreezeCalendars;
  /** A blocked promotion gave up its environment lock; reviving it takes the lock again. */
  locks: Pick<LockGuard, 'take'>;
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
    const groups = await this.d.directory.groupMembers(groupsIn(env?.deployers));
    if (userId !== p.requester.id && !principalsInclude(env?.deployers, userId, groups)) {
      throw new ShipgateError('not_authorized', `Only the requester or a deployer of \`${p.env}\` may do this.`);
    }
    if (p.state !== 'blocked' || !overridable(p.gates)) throw new ShipgateError('invalid_state', `Promotion \`${id}\` is not blocked by a freeze alone (it is ${p.state.replace('_', ' ')}).`);
    return p;
  }

  /** Checks the click before the modal opens (the submission is checked again). */
  async assertOverridable(id: string, userId: string): Promise<Promotion> {
    if (!this.d.config.emergency) throw new ShipgateError('bad_command', 'Emergency overrides are not configured (`emergency.approvers` in shipgate.yml).');
    return this.blockedByFreeze(id, userId);
  }

  async requestOverride(id: string, userId: string, form: { justification: string; rollbackPlan?: string; onCall?: string }): Promise<Promotion> {
    const blocked = await this.blockedByFreeze(id, userId);
    await this.d.locks.take(blocked);
    const now = this.d.clock.now();
    const { promotion, changed } = await this.d.repo.update(id, (cur) => {
      if (cur.state !== 'blocked') throw new ShipgateError('invalid_state', `Promotion \`${id}\` is already ${cur.state.replace('_', ' ')}.`);
      const override = buildOverride(this.d.config, cur.gates, { userId, at: now, ...form });
      const next = transition(cur, { type: 'override_requested', override }, now);
      const envCfg = this.d.config.environments.find((e) => e.name === cur.env)!;
      const gates = next.gates.map((g) =>
        g.gate === 'freeze'
          ? freezeResultFor(g, next, new Date(String(g.details?.nextOpen)), this.d.config.timezone)
          : g.gate === 'approval'
            ? approvalGateFor(this.d.config, envCfg, next)
            : g,
      );
      return { ...next, gates };
    });
    if (changed && promotion.override) {
      const o = promotion.override;
      await this.d.audit.append({ at: now.toISOString(), promotionId: id, type: 'override_requested', actor: userId, data: { override: o } });
      await this.d.chat.updatePromotion(promotion);
      await this.d.chat.postToThread(
        promotion,
        [
          `:rotating_light: *Emergency override* requested by <@${userId}> for ${o.windows.map((w) => `*${w.rule}*`).join(', ') || 'the freeze'}.`,
          `• Justification: ${o.justification}`,
          o.rollbackPlan ? `• Rollback plan: ${o.rollbackPlan}` : '',
          o.onCall ? `• On-call engineer: <@${o.onCall}>` : '',
          `• Needs an approval from an emergency approver besides the normal approvals.`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
    return promotion;
  }

  async queueForNextWindow(id: string, userId: string): Promise<Promotion> {
    const p = await this.blockedByFreeze(id, userId);
    await this.d.locks.take(p);
    const calendar = await this.d.calendars.current();
    const now = this.d.clock.now();
    const nextOpen = calendar.nextOpen(p.env, now);
    const { promotion, changed } = await this.d.repo.update(id, (cur) => {
      if (cur.state !== 'blocked') throw new ShipgateError('invalid_state', `Promotion \`${id}\` is already ${cur.state.replace('_', ' ')}.`);
      const next = transition(cur, { type: 'queued', until: nextOpen.toISOString() }, now);
      const gates = next.gates.map((g) => (g.gate === 'freeze' ? freezeResultFor(g, next, nextOpen, this.d.config.timezone) : g));
      return { ...next, gates };
    });
    if (changed) {
      await this.d.audit.append({ at: now.toISOString(), promotionId: id, type: 'queued_for_window', actor: userId, data: { until: nextOpen.toISOString() } });
      await this.d.chat.updatePromotion(promotion);
      await this.d.chat.postToThread(
        promotion,
        `:calendar: Queued by <@${userId}> for the next window: ${formatOpenInstant(nextOpen, this.d.config.timezone, promotion.requester.tz)}. Approvals still apply; every gate is checked again then.`,
      );
    }
    return promotion;
  }

  /** `/promote freeze [env]`: frozen now or not, by what, until when; windows in the next 30 days. */
  async describe(envName: string | undefined, userId: string): Promise<string> {
    const envs = envName ? [envName] : this.d.config.environments.map((e) => e.name);
    const unknown = envs.filter((e) => !this.d.config.environments.some((x) => x.name === e));
    if (unknown.length) {
      throw new ShipgateError('unknown_environment', `Unknown environment \`${unknown[0]}\`. Environments: ${this.d.config.environments.map((e) => `\`${e.name}\``).join(', ')}.`);
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
