import { z } from 'zod';

/**
 * The lifecycle keys of SPEC §9: `trigger` (service), `promote` and `verify` (environment).
 * Templates in `verify.inputs` use the deploy inputs' placeholders; an unknown one is
 * reported with its YAML path.
 */

const TEMPLATE_VARS = ['sha', 'env', 'version', 'promotion', 'service', 'from'] as const;

const templateInput = z.string().superRefine((tpl, ctx) => {
  for (const m of tpl.matchAll(/\{\{\s*([a-zA-Z_][\w]*)\s*\}\}/g)) {
    if (!(TEMPLATE_VARS as readonly string[]).includes(m[1]!)) {
      ctx.addIssue({ code: 'custom', input: tpl, message: `unknown placeholder {{${m[1]}}} (known: ${TEMPLATE_VARS.map((v) => `{{${v}}}`).join(', ')})` });
    }
  }
});

/** A workflow file: `.yml` is added when missing. */
const workflowFile = z
  .string()
  .min(1)
  .regex(/^[\w./-]+$/, 'expected a workflow file such as "smoke.yml"')
  .transform((f) => (/\.ya?ml$/.test(f) ? f : `${f}.yml`));

/** `trigger: { push: main }` or `{ workflowRun: build.yml }`: start a promotion into the first stage. */
export const triggerSchema = z.union(
  [
    z.strictObject({ push: z.string().min(1).regex(/^[^\s~^:?*[\\]+$/, 'expected a branch name such as "main"') }),
    z.strictObject({ workflowRun: workflowFile }),
  ],
  { error: 'expected { push: <branch> } or { workflowRun: <workflow file> }' },
);

/** `promote`: manual (a person types /promote), request (shipgate posts the request), auto (shipgate promotes). */
export const promoteSchema = z.enum(['manual', 'request', 'auto']).default('manual');

/** `verify`: a workflow dispatched after the deploy succeeded; the promotion succeeds only when it passes. */
export const verifySchema = z.strictObject({
  workflow: workflowFile,
  ref: z.string().min(1).optional(),
  inputs: z.record(z.string(), templateInput).default({}),
  onFailure: z.enum(['offer-rollback', 'rollback', 'none']).default('offer-rollback'),
});

export type TriggerConfig = z.output<typeof triggerSchema>;
export type VerifyConfig = z.output<typeof verifySchema>;
export type PromoteMode = z.output<typeof promoteSchema>;
