import { ShipgateError } from '../shared/shipgate-error';

export interface DeploymentEntry {
  /** What runs in the environment now (a branch promotion: the merge commit). */
  sha: string;
  /** The SHA that was approved when it differs from `sha` (the source head a branch promotion merged). */
  approvedSha?: string;
  promotionId: string;
  kind: 'promotion' | 'rollback';
  outcome: 'succeeded' | 'failed';
  /** The environment's `verify` workflow after this deployment: a failed one is what runs, never a rollback target nor a candidate. */
  verification?: 'passed' | 'failed';
  at: string;
  runUrl?: string;
  /** How the run is named (`cd-prod #2`). */
  runName?: string;
  /** For a rollback: the promotion whose deployment it removed. */
  rollbackOf?: string;
}

export interface RollbackChoice {
  current: DeploymentEntry;
  target: DeploymentEntry;
}

/**
 * What a rollback puts back (history newest first). Current = the latest successful
 * deployment. Default target = the latest earlier successful deployment with another SHA
 * that was not itself rolled back. `to=` names a SHA (prefix ≥ 7) or a promotion id that
 * succeeded in this environment: a rollback re-deploys a known-good artifact, never a guess.
 */
export function chooseRollbackTarget(history: readonly DeploymentEntry[], env: string, to?: string): RollbackChoice {
  const ok = history.filter((d) => d.outcome === 'succeeded');
  const current = ok[0];
  if (!current) throw new ShipgateError('not_found', `shipgate has no successful deployment of \`${env}\` on record, so there is nothing to roll back from.`);
  const rolledBack = new Set(history.filter((d) => d.kind === 'rollback' && d.outcome === 'succeeded' && d.rollbackOf).map((d) => d.rollbackOf!));
  const earlier = ok.slice(1).filter((d) => d.verification !== 'failed');
  if (to) {
    const needle = to.toLowerCase();
    const target = earlier.find((d) => d.promotionId === to || (needle.length >= 7 && d.sha.startsWith(needle)));
    if (!target) {
      const known = earlier.filter((d) => d.sha !== current.sha).slice(0, 5);
      throw new ShipgateError(
        'not_found',
        `\`${to}\` is not an earlier successful deployment of \`${env}\`.${known.length ? ` Known good: ${known.map((d) => `\`${d.sha.slice(0, 7)}\` (${d.promotionId}, ${d.at.slice(0, 16).replace('T', ' ')} UTC)`).join(', ')}.` : ''}`,
      );
    }
    if (target.sha === current.sha) throw new ShipgateError('bad_option', `\`${to}\` is what already runs in \`${env}\` (\`${current.sha.slice(0, 7)}\`).`);
    return { current, target };
  }
  const target = earlier.find((d) => d.sha !== current.sha && !rolledBack.has(d.promotionId));
  if (!target) throw new ShipgateError('not_found', `No earlier known-good deployment of \`${env}\` to roll back to (only \`${current.sha.slice(0, 7)}\` is on record).`);
  return { current, target };
}
