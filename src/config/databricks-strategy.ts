import { z } from 'zod';

/**
 * `strategy: {type: databricks}` (SPEC §9): the Databricks job run per environment, given by
 * its job id or its exact name (resolved through `jobs/list`, exactly one match), and the
 * templated `job_parameters` of `run-now` (`{{env}}`, `{{sha}}`, `{{version}}`,
 * `{{promotion}}`, `{{service}}`, `{{from}}`). `ref` is what a promotion ships when no
 * history names a candidate (as for the workflow strategy). `evidence.dbtRunResults` is the
 * Unity Catalog volume path of dbt's run_results.json (templated), read after the run.
 */
export const databricksStrategy = z.strictObject({
  type: z.literal('databricks'),
  jobs: z.record(z.string(), z.union([z.number().int().positive(), z.string().regex(/^\S(.*\S)?$/, 'expected a job id or a job name')])),
  parameters: z.record(z.string().regex(/^[\w.-]+$/, 'parameter names are letters, digits, "_", "." and "-"'), z.string()).default({}),
  ref: z.string().min(1).default('main'),
  evidence: z
    .strictObject({
      dbtRunResults: z.string().regex(/^\/Volumes\/[^/]+\/[^/]+\/[^/]+\/.+/, 'expected a Unity Catalog volume path /Volumes/<catalog>/<schema>/<volume>/…/run_results.json').optional(),
    })
    .default({}),
});

export type DatabricksStrategy = z.output<typeof databricksStrategy>;
