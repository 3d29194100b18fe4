import type { ServiceConfig } from '../../config/config-schema';
import type { Promotion } from '../promotion';
import { gate, type GateResultFor } from './gate-result';
import { displayPipeline, firstEnvironment, pipelineEnvs } from '../pipeline-stages';

/**
 * `path` of a promotion a trigger started: only into the first stage of the pipeline (nothing
 * else may be entered without a source environment).
 */
export function triggeredPathGate(service: Pick<ServiceConfig, 'name' | 'pipeline'>, p: Pick<Promotion, 'env' | 'from' | 'origin'>): GateResultFor<'path', 'triggered' | 'not_forward'> {
  const pipeline = pipelineEnvs(service.pipeline);
  const first = firstEnvironment(service.pipeline);
  const shown = displayPipeline(service.pipeline);
  const event = p.origin?.event?.name ?? 'trigger';
  if (first !== p.env) return gate('path', 'block', 'not_forward', `a ${event} trigger only starts promotions into \`${first}\`, the first stage of ${shown}`, { pipeline });
  const what = event === 'push' ? `push to \`${p.from}\`` : `successful run of \`${p.from}\``;
  return gate('path', 'pass', 'triggered', `Started by a ${what}: first stage of ${shown}`, { pipeline, event });
}
