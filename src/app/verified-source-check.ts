import type { ShipgateConfig } from '../config/config-schema';
import { gate } from '../domain/gates/gate-result';
import type { GateCheck } from './gate-evaluator';
import type { DeploymentHistory } from './ports/deployment-history';
import { pipelineEnvs } from '../domain/pipeline-stages';

/**
 * The second half of `path` when the source environment has a `verify` workflow: the
 * candidate must have passed it there (shipgate's history of the source: the newest
 * promotion of that SHA). A failed or missing verification blocks; an unreadable history
 * throws (the evaluator blocks, fail closed). Nothing is added when the source has no verify.
 */
export function verifiedSourceCheck(config: ShipgateConfig, history: Pick<DeploymentHistory, 'list'>): GateCheck {
  return async ({ promotion: p, service }) => {
    if (p.kind !== 'promotion' || !p.sha || p.origin?.via === 'trigger') return undefined;
    const source = config.environments.find((e) => e.name === p.from);
    if (!source?.verify || !pipelineEnvs(service.pipeline).includes(p.from)) return undefined;
    const sha = p.sha;
    const entries = await history.list(p.service, p.from, 200);
    const deployed = entries.find((d) => d.kind === 'promotion' && d.outcome === 'succeeded' && (d.sha === sha || d.approvedSha === sha));
    const pipeline = pipelineEnvs(service.pipeline);
    if (deployed?.verification === 'passed') {
      return gate('path', 'pass', 'path_ok', `\`${sha.slice(0, 7)}\` passed \`${source.verify.workflow}\` in ${p.from} (${deployed.promotionId})`, { pipeline });
    }
    return gate(
      'path',
      'block',
      'source_not_verified',
      deployed
        ? `\`${sha.slice(0, 7)}\` failed verification (\`${source.verify.workflow}\`) in ${p.from} (${deployed.promotionId}); fix it and promote a new build`
        : `\`${sha.slice(0, 7)}\` has not passed \`${source.verify.workflow}\` in ${p.from}`,
      { pipeline, source: p.from, sha, ...(deployed ? { verification: 'failed' as const } : {}) },
    );
  };
}
