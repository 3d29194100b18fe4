import { z } from 'zod';
import { parseDuration } from '../shared/duration';

/** Placeholders a plan workflow's inputs may use (the deploy's own, without the plan it is about to make). */
export const PLAN_INPUT_PLACEHOLDERS = ['sha', 'env', 'version', 'promotion', 'service', 'from'] as const;

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][\w]*)\s*\}\}/g;

const planInput = z.string().superRefine((tpl, ctx) => {
  const unknown = [...tpl.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((n) => !(PLAN_INPUT_PLACEHOLDERS as readonly string[]).includes(n));
  if (unknown.length) {
    ctx.addIssue({
      code: 'custom',
      input: tpl,
      message: `unknown placeholder ${unknown.map((n) => `{{${n}}}`).join(', ')} (a plan input may use ${PLAN_INPUT_PLACEHOLDERS.map((n) => `{{${n}}}`).join(', ')})`,
    });
  }
});

/**
 * `environments[].plan` (SPEC §9): a workflow shipgate dispatches for the candidate before
 * anyone approves; its artifact holds `plan.md` (shown in Slack) and the plan the deploy applies.
 */
export const planReviewSchema = z.strictObject({
  /** Workflow file (`.yml` is added when missing). */
  workflow: z
    .string()
    .min(1)
    .transform((w) => (/\.ya?ml$/.test(w) ? w : `${w}.yml`)),
  /** Branch or tag the workflow is dispatched on (default: the workflow strategy's `ref`, else `main`). */
  ref: z.string().min(1).optional(),
  inputs: z.record(z.string(), planInput).default({}),
  /** Name of the artifact holding `plan.md`. */
  artifact: z.string().min(1).default('plan'),
  /** Only these services make a plan in this environment (default: every service promoted into it). */
  services: z.array(z.string().min(1)).min(1).optional(),
  /** How long the plan run may take before the request is blocked (default 30m). */
  timeout: z
    .string()
    .refine((s) => parseDuration(s) !== undefined, 'expected a duration such as "30m" or "1h"')
    .optional(),
});

export type PlanReviewConfig = z.output<typeof planReviewSchema>;

/** Cross-references of `plan:`: each name in `plan.services` is a configured service whose pipeline has the environment. */
export function planReviewIssues(cfg: {
  environments: ReadonlyArray<{ name: string; plan?: PlanReviewConfig | undefined }>;
  services: ReadonlyArray<{ name: string; pipeline: readonly unknown[] }>;
}): Array<{ path: Array<string | number>; message: string }> {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  cfg.environments.forEach((env, i) => {
    env.plan?.services?.forEach((name, j) => {
      const service = cfg.services.find((s) => s.name === name);
      if (!service) issues.push({ path: ['environments', i, 'plan', 'services', j], message: `unknown service "${name}"` });
      else if (!service.pipeline.flat().includes(env.name))
        issues.push({ path: ['environments', i, 'plan', 'services', j], message: `service "${name}" does not promote into ${env.name}` });
    });
  });
  return issues;
}
