import type { ServiceConfig } from '../../config/config-schema';
import { gate, type GateResultFor } from './gate-result';

/** `path`: the target follows the source in the service's pipeline; no skipping, no going back. */
export function pathGate(service: Pick<ServiceConfig, 'name' | 'pipeline'>, from: string, to: string): GateResultFor<'path'> {
  const pipeline = service.pipeline;
  const shown = pipeline.join(' → ');
  const fi = pipeline.indexOf(from);
  const ti = pipeline.indexOf(to);
  if (ti < 0) return gate('path', 'block', 'unknown_target', `\`${to}\` is not in ${service.name}'s pipeline (${shown})`, { pipeline });
  if (fi < 0) return gate('path', 'block', 'unknown_source', `\`${from}\` is not in ${service.name}'s pipeline (${shown})`, { pipeline });
  if (ti === 0) return gate('path', 'block', 'no_source', `\`${to}\` is the first environment of ${shown}; nothing promotes into it`, { pipeline });
  if (ti <= fi) return gate('path', 'block', 'not_forward', `${from} → ${to} goes backwards in ${shown}; use /rollback to restore an earlier build`, { pipeline });
  if (ti !== fi + 1) {
    const skipped = pipeline.slice(fi + 1, ti);
    return gate('path', 'block', 'skips_environment', `${from} → ${to} skips ${skipped.map((s) => `\`${s}\``).join(', ')} (pipeline ${shown}); promote to \`${pipeline[fi + 1]}\` first`, {
      pipeline,
      skipped,
    });
  }
  return gate('path', 'pass', 'path_ok', `${from} → ${to} follows ${shown}`, { pipeline });
}
