import type { ServiceConfig } from '../../config/config-schema';
import { displayPipeline, displayStage, isParallel, pipelineEnvs, stageIndex, stagesBetween, stagesOf } from '../pipeline-stages';
import type { StageMember } from './gate-details';
import { gate, type GateResultFor } from './gate-result';

/** What the parallel stage before the target has deployed: each member's current build (shipgate's history, else GitHub Deployments). */
export interface SourceStageEvidence {
  /** The promotion's candidate SHA (undefined while unresolved). */
  candidate?: string;
  members: StageMember[];
}

const short = (sha: string) => `\`${sha.slice(0, 7)}\``;

function memberText(m: StageMember): string {
  return m.sha ? `\`${m.env}\` runs ${short(m.sha)}${m.reference ? ` (${m.reference})` : ''}` : `\`${m.env}\` has no successful deployment`;
}

/**
 * `path`: the target's stage follows the source's stage in the service's pipeline; no
 * skipping, no going back, no moving sideways inside a parallel stage. Into a member of a
 * parallel stage: from the stage before, like any stage. Into the stage after a parallel
 * stage: the candidate must be what every member of that stage runs (`stage_incomplete`
 * lists the members that lack it, with what they run instead).
 */
export function pathGate(service: Pick<ServiceConfig, 'name' | 'pipeline'>, from: string, to: string, sourceStage?: SourceStageEvidence): GateResultFor<'path'> {
  const pipeline = pipelineEnvs(service.pipeline);
  const stages = stagesOf(service.pipeline);
  const shown = displayPipeline(service.pipeline);
  const fi = stageIndex(service.pipeline, from);
  const ti = stageIndex(service.pipeline, to);
  if (ti < 0) return gate('path', 'block', 'unknown_target', `\`${to}\` is not in ${service.name}'s pipeline (${shown})`, { pipeline });
  if (fi < 0) return gate('path', 'block', 'unknown_source', `\`${from}\` is not in ${service.name}'s pipeline (${shown})`, { pipeline });
  if (ti === 0) return gate('path', 'block', 'no_source', `\`${to}\` is the first environment of ${shown}; nothing promotes into it`, { pipeline });
  if (ti === fi && from !== to) {
    const stage = [...stages[ti]!];
    return gate(
      'path',
      'block',
      'same_stage',
      `${from} and ${to} are members of the same parallel stage ${displayStage(stage)} (pipeline ${shown}); promote each from \`${displayStage(stages[ti - 1]!)}\``,
      { pipeline, stage },
    );
  }
  if (ti <= fi) return gate('path', 'block', 'not_forward', `${from} → ${to} goes backwards in ${shown}; use /rollback to restore an earlier build`, { pipeline });
  if (ti !== fi + 1) {
    const skipped = stagesBetween(service.pipeline, from, to);
    return gate(
      'path',
      'block',
      'skips_environment',
      `${from} → ${to} skips ${skipped.map((s) => `\`${s}\``).join(', ')} (pipeline ${shown}); promote to \`${displayStage(stages[fi + 1]!)}\` first`,
      { pipeline, skipped },
    );
  }
  const source = stages[fi]!;
  if (!isParallel(source)) return gate('path', 'pass', 'path_ok', `${from} → ${to} follows ${shown}`, { pipeline });

  const stage = [...source];
  const members = stage.map((env) => sourceStage?.members.find((m) => m.env === env) ?? { env });
  const candidate = sourceStage?.candidate;
  const missing = members.filter((m) => !candidate || m.sha !== candidate).map((m) => m.env);
  const details = { pipeline, stage, members, missing, ...(candidate ? { candidate } : {}) };
  if (!candidate) {
    return gate('path', 'block', 'stage_incomplete', `\`${to}\` follows the parallel stage ${displayStage(stage)}: checked once the candidate commit is resolved`, details);
  }
  if (missing.length) {
    const lacking = members.filter((m) => missing.includes(m.env)).map(memberText);
    return gate(
      'path',
      'block',
      'stage_incomplete',
      `\`${to}\` needs ${short(candidate)} to have succeeded in every member of ${displayStage(stage)} first: ${lacking.join('; ')}`,
      details,
    );
  }
  return gate('path', 'pass', 'path_ok', `${displayStage(stage)} → ${to} follows ${shown}; ${short(candidate)} succeeded in ${stage.map((e) => `\`${e}\``).join(' and ')}`, details);
}
