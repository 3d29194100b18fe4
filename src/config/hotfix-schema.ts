import { z } from 'zod';
import { parseDuration } from '../shared/duration';

/**
 * `environments[].hotfix`: the gate overrides `/promote … hotfix=INC…` applies when that
 * incident is open on the service in ServiceNow. Only gates that have a threshold to relax
 * can be overridden: `soak` (a shorter soak in the source environment). The path, approvals,
 * freeze rules, change record and checks are never overridden.
 */
export const hotfixSchema = z
  .strictObject({
    soak: z.string().refine((s) => parseDuration(s) !== undefined, {
      message: 'expected a duration such as "30m", "1h" or "0s"',
    }),
  })
  .partial()
  .refine((h) => Object.keys(h).length > 0, { message: 'hotfix needs at least one gate override, e.g. { soak: 1h }' });
