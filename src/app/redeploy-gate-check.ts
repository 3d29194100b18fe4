import { redeployGate } from '../domain/gates/redeploy-gate';
import type { GateCheck } from './gate-evaluator';
import type { DeploymentHistory } from './ports/deployment-history';

/**
 * The `redeploy` gate against shipgate's deployment history: is the candidate what already
 * runs in the target? (A history that cannot be read throws: the evaluator blocks, fail closed.)
 * Rollbacks are not checked: their target is an earlier deployment by construction.
 */
export function redeployGateCheck(history: Pick<DeploymentHistory, 'list'>): GateCheck {
  return async ({ promotion: p }) => {
    if (p.kind === 'rollback' || !p.sha) return undefined;
    const running = (await history.list(p.service, p.env, 20)).find((d) => d.outcome === 'succeeded');
    return redeployGate({ sha: p.sha, env: p.env, ...(running ? { running } : {}), force: p.force === true });
  };
}
