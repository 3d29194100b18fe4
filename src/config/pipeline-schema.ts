import { z } from 'zod';

/**
 * `services[].pipeline`: ordered stages, each an environment name or a parallel stage (a
 * nested list of ≥ 2 environment names), e.g. `[dev, [perf, security], staging, prod]`.
 * The rules that need the whole document (known environments, an environment in two stages,
 * a parallel first or last stage) are checked with the other cross-references.
 */
export const pipelineSchema = z
  .array(z.union([z.string().min(1), z.array(z.string().min(1))]))
  .min(2, 'a pipeline needs at least two environments');
