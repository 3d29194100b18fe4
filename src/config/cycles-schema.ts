import { z } from 'zod';

/**
 * `environments[].cycles: {workflow, count}`: the candidate needs `count` successful runs of
 * `workflow` on its SHA in the source environment since it was deployed there (SPEC §9).
 * `workflow` is a workflow file of the service's repository (`.yml` is added when it has no
 * extension, as for `deployWorkflows`).
 */
export const cyclesSchema = z.strictObject({
  workflow: z
    .string()
    .min(1)
    .transform((w) => (/\.ya?ml$/.test(w) ? w : `${w}.yml`)),
  count: z.number().int().min(1, 'cycles.count must be at least 1').max(50, 'cycles.count is at most 50'),
});

export type CyclesConfig = z.output<typeof cyclesSchema>;
