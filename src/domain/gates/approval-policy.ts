import type { EnvironmentConfig, ShipgateConfig } from '../../config/config-schema';
import type { Promotion } from '../promotion';
import { approvalGate } from './approval-gate';
import { gate, type GateResultFor } from './gate-result';
import { requiredApprovals } from '../policy';
import { mrk } from '../../shared/mrkdwn';

/**
 * The approval rules that apply to a promotion: the environment's, or for a rollback one
 * approval from `incidents.rollbackApprovers` (or, when that list is empty, from any
 * deployer of the environment, the requester included).
 */
export function approvalPolicyFor(config: Pick<ShipgateConfig, 'incidents'>, env: EnvironmentConfig, p: Pick<Promotion, 'kind'>): EnvironmentConfig {
  if (p.kind !== 'rollback') return env;
  const approvers = config.incidents.rollbackApprovers;
  // a rollback's policy is one rule of its own: the environment's approval rules do not apply
  const { approvals: _rules, ...rest } = env;
  void _rules;
  return approvers.length
    ? { ...rest, approvers, requiredApprovals: 1, allowSelfApproval: false }
    : { ...rest, approvers: env.deployers, requiredApprovals: 1, allowSelfApproval: true };
}

/** The approval gate of a promotion, with the emergency requirement when it carries an override. */
export function approvalGateFor(
  config: Pick<ShipgateConfig, 'emergency' | 'incidents'>,
  envCfg: EnvironmentConfig,
  p: Pick<Promotion, 'kind' | 'approvals' | 'override'> & Partial<Pick<Promotion, 'origin'>>,
): GateResultFor<'approval'> {
  const env = approvalPolicyFor(config, envCfg, p);
  // `promote: auto` where no approval is required: shipgate's own go-ahead is the confirmation
  if (p.origin?.mode === 'auto' && p.origin.via === 'verify' && p.kind === 'rollback') {
    return gate('approval', 'pass', 'confirmed', mrk`Started by shipgate: the verify workflow failed (\`onFailure: rollback\`)`, { needed: 0, have: 0 });
  }
  if (p.origin?.mode === 'auto' && p.kind === 'promotion' && requiredApprovals(env) === 0 && !p.override) {
    return gate('approval', 'pass', 'confirmed', mrk`Confirmed by shipgate (\`promote: auto\`; no approval required for \`${env.name}\`)`, { needed: 0, have: 0 });
  }
  return approvalGate(env, p.approvals, p.override && config.emergency ? { approvers: config.emergency.approvers, override: p.override } : undefined);
}
