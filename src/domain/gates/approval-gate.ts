import type { EnvironmentConfig } from '../../config/config-schema';
import { joinMd, mrk, mention } from '../../shared/mrkdwn';
import { describePrincipals, requiredApprovals } from '../policy';
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
  env: Pick<EnvironmentConfig, 'name' | 'approvers' | 'requiredApprovals' | 'deployers'>,
  approvals: ReadonlyArray<{ userId: string }>,
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
