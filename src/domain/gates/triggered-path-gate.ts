import type { ServiceConfig } from '../../config/config-schema';
import type { Promotion } from '../promotion';
import { gate, type GateResultFor } from './gate-result';

/**
 * `path` of a promotion a trigger started: only into the first stage of the pipeline (nothing
 * else may be entered without a source environment).
 */
export function triggeredPathGate(service: Pick<ServiceConfig, 'name' | 'pipeline'>, p: Pick<Promotion, 'env' | 'from' | 'origin'>): GateResultFor<'path', 'triggered' | 'not_forward'> {
  const pipeline = service.pipeline;
  const event = p.origin?.event?.name ?? 'trigger';
  if (pipeline[0] !== p.env) return gate('path', 'block', 'not_forward', `a ${event} trigger only starts promotions into \`${pipeline[0]}\`, the first stage of ${pipeline.join(' → ')}`, { pipeline });
  const what = event === 'push' ? `push to \`${p.from}\`` : `successful run of \`${p.from}\``;
  return gate('path', 'pass', 'triggered', `Started by a ${what}: first stage of ${pipeline.join(' → ')}`, { pipeline, event });
}
