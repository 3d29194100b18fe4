import type { EnvironmentConfig } from '../../config/config-schema';
import { describePrincipals, requiredApprovals } from '../policy';
import { gate, type GateResult } from './gate-result';

/** `approval`: enough counted approvals (the requester never counts unless allowSelfApproval). */
export function approvalGate(env: Pick<EnvironmentConfig, 'name' | 'approvers' | 'requiredApprovals' | 'deployers'>, approvals: ReadonlyArray<{ userId: string }>): GateResult {
  const needed = requiredApprovals(env);
  const have = approvals.length;
  if (needed === 0) {
    return have > 0
      ? gate('approval', 'pass', 'confirmed', `Confirmed by ${approvals.map((a) => `<@${a.userId}>`).join(', ')}`)
      : gate('approval', 'pending', 'confirmation_needed', `No approval required for \`${env.name}\`; a deployer confirms with *Deploy*`, { needed, have });
  }
  if (have >= needed) return gate('approval', 'pass', 'approved', `Approved by ${approvals.map((a) => `<@${a.userId}>`).join(', ')} (${have}/${needed})`, { needed, have });
  return gate('approval', 'pending', 'approvals_missing', `Needs ${needed - have} more approval${needed - have > 1 ? 's' : ''} (${have}/${needed}) from ${describePrincipals(env.approvers)}`, {
    needed,
    have,
  });
}
