import type { ShipgateConfig } from '../config/config-schema';
import { gate } from '../domain/gates/gate-result';
import type { GateCheck } from './gate-evaluator';
import type { DeploymentHistory } from './ports/deployment-history';
import { pipelineEnvs, previousStage } from '../domain/pipeline-stages';

/**
 * The second half of `path` when the source environment (every member of a parallel source
 * stage) has a `verify` workflow: the candidate must have passed it there (shipgate's history of the source: the newest
 * promotion of that SHA). A failed or missing verification blocks; an unreadable history
 * throws (the evaluator blocks, fail closed). Nothing is added when the source has no verify.
 */
export function verifiedSourceCheck(config: ShipgateConfig, history: Pick<DeploymentHistory, 'list'>): GateCheck {
  return async ({ promotion: p, service }) => {
    if (p.kind !== 'promotion' || !p.sha || p.origin?.via === 'trigger') return undefined;
    if (!pipelineEnvs(service.pipeline).includes(p.from)) return undefined;
    // the whole source stage: every member of a parallel stage the target follows, else `from`
    const stage = previousStage(service.pipeline, p.env);
    const sources = stage.includes(p.from) ? stage : [p.from];
    const sha = p.sha;
    const pipeline = pipelineEnvs(service.pipeline);
    const passed: string[] = [];
    for (const name of sources) {
      const source = config.environments.find((e) => e.name === name);
      if (!source?.verify) continue;
      const entries = await history.list(p.service, name, 200);
      const deployed = entries.find((d) => d.kind === 'promotion' && d.outcome === 'succeeded' && (d.sha === sha || d.approvedSha === sha));
      if (deployed?.verification === 'passed') {
        passed.push(`\`${sha.slice(0, 7)}\` passed \`${source.verify.workflow}\` in ${name} (${deployed.promotionId})`);
        continue;
      }
      return gate(
        'path',
        'block',
        'source_not_verified',
        deployed
          ? `\`${sha.slice(0, 7)}\` failed verification (\`${source.verify.workflow}\`) in ${name} (${deployed.promotionId}); fix it and promote a new build`
          : `\`${sha.slice(0, 7)}\` has not passed \`${source.verify.workflow}\` in ${name}`,
        { pipeline, source: name, sha, ...(deployed ? { verification: 'failed' as const } : {}) },
      );
    }
    return passed.length ? gate('path', 'pass', 'path_ok', passed.join('; '), { pipeline }) : undefined;
  };
}
