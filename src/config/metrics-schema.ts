import { z } from 'zod';

/**
 * `environments[].metrics: [{name, query, max?, min?}]`: Prometheus instant queries (PROMETHEUS_URL)
 * whose value must be ≤ `max` and/or ≥ `min` (SPEC §9). Each needs at least one bound; whether
 * the PromQL is valid is Prometheus's to judge (a query error blocks the gate).
 */
export const metricSchema = z
  .strictObject({
    name: z.string().min(1),
    query: z.string().trim().min(1, 'expected a PromQL query'),
    max: z.number().optional(),
    min: z.number().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.max === undefined && m.min === undefined) ctx.addIssue({ code: 'custom', message: `metric "${m.name}" needs max, min or both` });
    else if (m.max !== undefined && m.min !== undefined && m.min > m.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${m.min} is above max ${m.max}` });
  });

export const metricsSchema = z
  .array(metricSchema)
  .min(1, 'list at least one metric, or leave metrics out')
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((m, i) => {
      if (seen.has(m.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate metric name "${m.name}"` });
      seen.add(m.name);
    });
  });

export type MetricConfig = z.output<typeof metricSchema>;
