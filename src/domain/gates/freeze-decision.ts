import { fromStored, mrk, mention } from '../../shared/mrkdwn';
import type { Promotion } from '../promotion';
import type { FreezeDetails } from './gate-details';
import { formatOpenInstant } from './freeze-gate';
import { gate, type GateResult, type GateResultFor } from './gate-result';

type FrozenBlock = GateResultFor<'freeze', 'frozen'>;

/** The `frozen` block a result is, or was derived from by `freezeResultFor` (undefined for any other result). */
function frozenBlock(result: GateResult): FrozenBlock | undefined {
  if (result.gate !== 'freeze') return undefined;
  if (result.code === 'frozen') return result.status === 'block' ? result : undefined;
  if (result.code !== 'frozen_rollback' && result.code !== 'frozen_overridden' && result.code !== 'queued_for_window') return undefined;
  // derived results keep the block's summary and details, to be derived again
  if (typeof result.details?.frozenSummary !== 'string') return undefined;
  const { frozenSummary, ...rest } = result.details;
  let details: Partial<FreezeDetails> = rest;
  if ('scheduledFor' in rest) {
    const { scheduledFor: _scheduled, ...withoutSchedule } = rest;
    void _scheduled;
    details = withoutSchedule;
  }
  return gate('freeze', 'block', 'frozen', fromStored(frozenSummary), isFreezeDetails(details) ? details : undefined);
}

function isFreezeDetails(d: Partial<FreezeDetails>): d is FreezeDetails {
  return typeof d.env === 'string' && typeof d.at === 'string' && Array.isArray(d.windows) && typeof d.nextOpen === 'string';
}

/**
 * What a freeze means for this promotion: a `frozen` block stays a block, except that a
 * rollback is recorded (warn), an emergency override turns it into a recorded warning, and a
 * promotion queued for the next window is pending until `nextOpen`. A result derived earlier
 * is derived again from the promotion as it is now (an override approved since, a queued
 * promotion approved since). Any other result is kept.
 */
export function freezeResultFor<R extends GateResult>(
  result: R,
  p: Pick<Promotion, 'kind' | 'override' | 'scheduledFor' | 'requester'> & Partial<Pick<Promotion, 'state'>>,
  nextOpen: Date,
  timezone: string,
): R | GateResultFor<'freeze', 'frozen' | 'frozen_rollback' | 'frozen_overridden' | 'queued_for_window'> {
  const frozen = frozenBlock(result);
  if (!frozen) return result;
  const base = fromStored(frozen.summary);
  const details = { ...frozen.details, frozenSummary: frozen.summary };
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
  const nextOpen = freezeNextOpen(g);
  return nextOpen === undefined ? g : freezeResultFor(g, p, new Date(nextOpen), timezone);
}

/** When the environment of a freeze gate result opens again (ISO), if the result says. */
export function freezeNextOpen(g: GateResult): string | undefined {
  if (g.gate !== 'freeze' || g.code === 'check_failed') return undefined;
  return typeof g.details?.nextOpen === 'string' ? g.details.nextOpen : undefined;
}
