import type { ShipgateConfig } from '../config/config-schema';
import { freezeGate, formatOpenInstant } from '../domain/gates/freeze-gate';
import { gate, type GateResult } from '../domain/gates/gate-result';
import type { Promotion } from '../domain/promotion';
import type { GateCheck } from './gate-evaluator';
import type { FreezeCalendars } from './ports/freeze-calendars';

/**
 * The `freeze` gate as evaluated for a promotion: blocks inside a freeze; an approved
 * emergency override turns the block into a recorded warning; a promotion queued for the
 * next window shows as pending until then. Rollbacks are never blocked by a freeze (recorded).
 */
export function freezeGateCheck(calendars: FreezeCalendars, config: Pick<ShipgateConfig, 'timezone'>): GateCheck {
  return async ({ promotion: p, env, now }) => {
    const calendar = await calendars.current();
    const check = calendar.check(env.name, now);
    const result = freezeGate(check, {
      missingSources: calendar.missingSources(env.name),
      unevaluated: calendar.unevaluated(env.name),
      calendarTimeZone: config.timezone,
      ...(p.requester.tz ? { requesterTimeZone: p.requester.tz } : {}),
    });
    return freezeResultFor(result, p, check.nextOpen, config.timezone);
  };
}

/**
 * What a freeze means for this promotion: a `frozen` block stays a block, except that a
 * rollback is recorded (warn), an emergency override turns it into a recorded warning, and a
 * promotion queued for the next window is pending until `nextOpen`. Any other result is kept.
 */
export function freezeResultFor(result: GateResult, p: Pick<Promotion, 'kind' | 'override' | 'scheduledFor' | 'requester'>, nextOpen: Date, timezone: string): GateResult {
  if (result.status !== 'block' || result.code !== 'frozen') return result;
  const details = result.details ?? {};
  if (p.kind === 'rollback') return gate('freeze', 'warn', 'frozen_rollback', `${result.summary}. A rollback is not blocked by a freeze; recorded.`, details);
  if (p.override) {
    const by = p.override.approvedBy ? `approved by <@${p.override.approvedBy.userId}>` : 'awaiting an emergency approver';
    return gate('freeze', 'warn', 'frozen_overridden', `${result.summary}. *Emergency override* requested by <@${p.override.requestedBy}> (${by}).`, details);
  }
  if (p.scheduledFor) {
    return gate('freeze', 'pending', 'queued_for_window', `Queued for the next window: goes ahead at ${formatOpenInstant(nextOpen, timezone, p.requester.tz)} once approved.`, {
      ...details,
      scheduledFor: nextOpen.toISOString(),
    });
  }
  return result;
}
