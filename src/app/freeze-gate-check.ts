import type { ShipgateConfig } from '../config/config-schema';
import { freezeGate, formatOpenInstant } from '../domain/gates/freeze-gate';
import { gate, type GateResult } from '../domain/gates/gate-result';
import { fromStored, mrk, mention, type MrkdwnText } from '../domain/mrkdwn';
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

/** Results `freezeResultFor` derives from a `frozen` block; they keep its summary to be derived again. */
const DERIVED = ['frozen_rollback', 'frozen_overridden', 'queued_for_window'];

/** The `frozen` block a result is, or was derived from (undefined for any other result). */
function frozenBlock(result: GateResult): GateResult | undefined {
  if (result.status === 'block' && result.code === 'frozen') return result;
  const { frozenSummary, scheduledFor: _scheduled, ...details } = result.details ?? {};
  void _scheduled;
  if (result.gate !== 'freeze' || !DERIVED.includes(result.code) || typeof frozenSummary !== 'string') return undefined;
  return gate('freeze', 'block', 'frozen', fromStored(frozenSummary as MrkdwnText), details);
}

/**
 * What a freeze means for this promotion: a `frozen` block stays a block, except that a
 * rollback is recorded (warn), an emergency override turns it into a recorded warning, and a
 * promotion queued for the next window is pending until `nextOpen`. A result derived earlier
 * is derived again from the promotion as it is now (an override approved since, a queued
 * promotion approved since). Any other result is kept.
 */
export function freezeResultFor(
  result: GateResult,
  p: Pick<Promotion, 'kind' | 'override' | 'scheduledFor' | 'requester'> & Partial<Pick<Promotion, 'state'>>,
  nextOpen: Date,
  timezone: string,
): GateResult {
  const frozen = frozenBlock(result);
  if (!frozen) return result;
  const base = fromStored(frozen.summary);
  const details = { ...(frozen.details ?? {}), frozenSummary: frozen.summary };
  if (p.kind === 'rollback') return gate('freeze', 'warn', 'frozen_rollback', mrk`${base}. A rollback is not blocked by a freeze; recorded.`, details);
  if (p.override) {
    const by = p.override.approvedBy ? mrk`approved by ${mention(p.override.approvedBy.userId)}` : mrk`awaiting an emergency approver`;
    return gate('freeze', 'warn', 'frozen_overridden', mrk`${base}. *Emergency override* requested by ${mention(p.override.requestedBy)} (${by}).`, details);
  }
  if (p.scheduledFor) {
    const approved = p.state !== undefined && p.state !== 'awaiting_approval' && p.state !== 'requested' && p.state !== 'blocked';
    return gate('freeze', 'pending', 'queued_for_window', `Queued for the next window: goes ahead at ${formatOpenInstant(nextOpen, timezone, p.requester.tz)}${approved ? '' : ' once approved'}.`, {
      ...details,
      scheduledFor: nextOpen.toISOString(),
    });
  }
  return frozen;
}

/** The freeze gate of a promotion derived again after a decision on it (approval, override approval). */
export function refreshFreezeGate(g: GateResult, p: Pick<Promotion, 'kind' | 'override' | 'scheduledFor' | 'requester' | 'state'>, timezone: string): GateResult {
  if (g.gate !== 'freeze' || typeof g.details?.nextOpen !== 'string') return g;
  return freezeResultFor(g, p, new Date(g.details.nextOpen), timezone);
}
