import type { EnvironmentConfig } from '../../config/config-schema';
import { joinMd, mrk, mention } from '../../shared/mrkdwn';
import { describePrincipals, requiredApprovals } from '../policy';
import { approvalRulesOf, progressText, ruleProgress, type CountedApproval } from '../approval-rules';
import type { EmergencyOverride } from '../promotion';
import { gate, type GateResultFor } from './gate-result';

export interface EmergencyRequirement {
  approvers: readonly string[];
  override: EmergencyOverride;
}

/**
 * `approval`: enough counted approvals (the requester never counts unless allowSelfApproval),
 * and, for an emergency override, an approval from an emergency approver besides them.
 */
export function approvalGate(
  env: Pick<EnvironmentConfig, 'name' | 'approvers' | 'requiredApprovals' | 'deployers'> & Partial<Pick<EnvironmentConfig, 'approvals'>>,
  approvals: readonly CountedApproval[],
  emergency?: EmergencyRequirement,
): GateResultFor<'approval'> {
  const needed = requiredApprovals(env);
  const have = approvals.length;
  const emergencyMissing = emergency && !emergency.override.approvedBy;
  const emergencyText = emergency
    ? emergency.override.approvedBy
      ? mrk`; emergency override approved by ${mention(emergency.override.approvedBy.userId)}`
      : mrk`; emergency override needs an approval from ${describePrincipals(emergency.approvers)}`
    : mrk``;
  const by = joinMd(
    approvals.map((a) => mention(a.userId)),
    ', ',
  );
  const details = { needed, have, ...(emergency ? { emergencyApproved: !emergencyMissing } : {}) };
  if (env.approvals) {
    // named rules: each with its progress and who satisfied it
    const rules = approvalRulesOf(env);
    const progress = ruleProgress(rules, approvals);
    const ruleDetails = { ...details, mode: rules.mode, rules: progress.rules.map(({ name, needed: n, have: h, by: who }) => ({ name, needed: n, have: h, by: who })) };
    const lines = progressText(progress, mention);
    if (progress.met && !emergencyMissing) return gate('approval', 'pass', 'approved', mrk`Approved: ${lines}${emergencyText}`, ruleDetails);
    if (progress.met) return gate('approval', 'pending', 'emergency_approval_missing', mrk`Approved: ${lines}${emergencyText}`, ruleDetails);
    return gate('approval', 'pending', 'approvals_missing', mrk`Needs ${rules.mode === 'any' ? 'one rule' : 'every rule'} met: ${lines}${emergencyText}`, ruleDetails);
  }
  if (needed === 0) {
    if (have > 0 && !emergencyMissing) return gate('approval', 'pass', 'confirmed', mrk`Confirmed by ${by}${emergencyText}`, details);
    if (have > 0) return gate('approval', 'pending', 'emergency_approval_missing', mrk`Confirmed by ${by}${emergencyText}`, details);
    return gate('approval', 'pending', 'confirmation_needed', mrk`No approval required for \`${env.name}\`; a deployer confirms with *Deploy*${emergencyText}`, details);
  }
  if (have >= needed && !emergencyMissing) {
    return gate('approval', 'pass', 'approved', mrk`Approved by ${by} (${have}/${needed})${emergencyText}`, details);
  }
  if (have >= needed) return gate('approval', 'pending', 'emergency_approval_missing', mrk`Approved (${have}/${needed})${emergencyText}`, details);
  return gate(
    'approval',
    'pending',
    'approvals_missing',
    mrk`Needs ${needed - have} more approval${needed - have > 1 ? 's' : ''} (${have}/${needed}) from ${describePrincipals(env.approvers)}${emergencyText}`,
    details,
  );
}
