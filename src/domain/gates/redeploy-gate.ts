import type { DeploymentEntry } from '../rollback-target';
import { gate, type GateResultFor } from './gate-result';

export interface RedeployInput {
  /** The candidate SHA. */
  sha: string;
  env: string;
  /** The latest successful deployment of the target environment (shipgate's history), if any. */
  running?: DeploymentEntry;
  /** `force=true` on the request. */
  force: boolean;
}

/**
 * `redeploy`: the candidate is what already runs in the target (the deployed SHA, or the
 * approved SHA a branch promotion merged). Without `force=true` that blocks, saying since
 * when it runs and how to redeploy anyway; with it, a warning with its own code stays on the
 * card and in the evidence. Nothing when the candidate is something else.
 */
export function redeployGate(input: RedeployInput): GateResultFor<'redeploy'> | undefined {
  const r = input.running;
  if (!r || (r.sha !== input.sha && r.approvedSha !== input.sha)) return undefined;
  const since = `${r.at.slice(0, 16).replace('T', ' ')} UTC`;
  const merged = r.sha !== input.sha ? `, merged as \`${r.sha.slice(0, 7)}\`` : '';
  const what = `\`${input.sha.slice(0, 7)}\` already runs in *${input.env}* since ${since} (${r.kind} ${r.promotionId}${merged})`;
  const details = { sha: input.sha, env: input.env, running: r.sha, since: r.at, promotionId: r.promotionId };
  return input.force
    ? gate('redeploy', 'warn', 'redeploy_forced', `${what}; redeploying it because of \`force=true\``, { ...details, force: true })
    : gate('redeploy', 'block', 'already_running', `${what}. Add \`force=true\` to redeploy it.`, details);
}
