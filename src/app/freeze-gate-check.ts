import type { ShipgateConfig } from '../config/config-schema';
import { freezeResultFor } from '../domain/gates/freeze-decision';
import { freezeGate } from '../domain/gates/freeze-gate';
import type { GateCheck } from './gate-evaluator';
import type { FreezeCalendars } from './ports/freeze-calendars';

/**
 * The `freeze` gate as evaluated for a promotion: blocks inside a freeze; an approved
 * emergency override turns the block into a recorded warning; a promotion queued for the
 * next window shows as pending until then. Rollbacks are never blocked by a freeze (recorded).
 * What a freeze means for a promotion is decided in `domain/gates/freeze-decision`.
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
