import type { ShipgateConfig } from '../config/config-schema';
import { isGate, type GateResult } from './gates/gate-result';
import type { EmergencyOverride } from './promotion';
import { ShipgateError } from '../shared/shipgate-error';

export interface OverrideRequest {
  userId: string;
  at: Date;
  justification: string;
  rollbackPlan?: string;
  onCall?: string;
}

/** Only a promotion whose *only* blocking gate is a freeze may be overridden. */
export function overridable(gates: readonly GateResult[]): boolean {
  const blocking = gates.filter((g) => g.status === 'block');
  return blocking.length > 0 && blocking.every((g) => g.gate === 'freeze' && g.code === 'frozen');
}

/** Validates an emergency override request against `emergency` (SPEC §2) and builds the record. */
export function buildOverride(config: Pick<ShipgateConfig, 'emergency'>, gates: readonly GateResult[], req: OverrideRequest): EmergencyOverride {
  const em = config.emergency;
  if (!em) throw new ShipgateError('bad_command', 'Emergency overrides are not configured (`emergency.approvers` in shipgate.yml).');
  if (!overridable(gates)) throw new ShipgateError('invalid_state', 'Only a promotion blocked by a change freeze alone can be overridden; fix the other blocking gates first.');
  const justification = req.justification.trim();
  const rollbackPlan = req.rollbackPlan?.trim();
  const problems: string[] = [];
  if (justification.length < 10) problems.push('a justification (at least 10 characters)');
  if (em.requireRollbackPlan && !rollbackPlan) problems.push('a rollback plan');
  if (em.requireOnCall && !req.onCall) problems.push('the on-call engineer');
  if (problems.length) throw new ShipgateError('bad_option', `An emergency override needs ${problems.join(', ')}.`);
  // overridable: the freeze gate is the `frozen` block
  const freeze = gates.find(isGate('freeze', 'frozen'));
  const windows = (freeze?.details?.windows ?? []).map((w) => ({ rule: w.rule, start: w.start, end: w.end }));
  return {
    requestedBy: req.userId,
    at: req.at.toISOString(),
    justification,
    ...(rollbackPlan ? { rollbackPlan } : {}),
    ...(req.onCall ? { onCall: req.onCall } : {}),
    windows,
  };
}
