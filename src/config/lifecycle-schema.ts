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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Cross-references of the lifecycle keys (read defensively from the raw document, like
 * cross-references.ts): a `trigger` posts its first stage's request in `announce.channel`, so
 * it needs one; `promote: auto|request` on an environment that is only ever a first stage
 * without a trigger would never act.
 */
export function lifecycleIssues(raw: unknown): Array<{ path: Array<string | number>; message: string }> {
  if (!isObj(raw)) return [];
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  const services = Array.isArray(raw.services) ? raw.services.filter(isObj) : [];
  const hasAnnounce = isObj(raw.announce) && typeof raw.announce.channel === 'string';
  (Array.isArray(raw.services) ? raw.services : []).forEach((s, i) => {
    if (isObj(s) && s.trigger !== undefined && !hasAnnounce) {
      issues.push({ path: ['services', i, 'trigger'], message: 'a trigger posts the promotion it starts in `announce.channel`, which is not set' });
    }
  });
  (Array.isArray(raw.environments) ? raw.environments : []).forEach((e, i) => {
    if (!isObj(e) || (e.promote !== 'auto' && e.promote !== 'request') || typeof e.name !== 'string') return;
    const uses = services.filter((s) => Array.isArray(s.pipeline) && s.pipeline.includes(e.name));
    if (uses.length && uses.every((s) => Array.isArray(s.pipeline) && s.pipeline[0] === e.name && s.trigger === undefined)) {
      issues.push({ path: ['environments', i, 'promote'], message: `"${e.promote}" never acts: ${e.name} is the first stage of ${uses.map((s) => String(s.name)).join(', ')}, which has no trigger` });
    }
  });
  return issues;
}
