import type { ProtectionRuleEvent } from '../../app/answer-protection-rule';
import { z } from 'zod';

const sha = z.string().max(100);
const id = z.number().int().nonnegative();

/**
 * The fields of a GitHub webhook payload that shipgate reads (wake keys, protection-rule requests),
 * typed where present; everything else passes through untouched. A body that is not a JSON object,
 * or has one of these fields with another type, is refused before any handler sees it.
 */
export const githubWebhookPayload = z.looseObject({
  action: z.string().max(100).optional(),
  repository: z.looseObject({ full_name: z.string().max(300) }).optional(),
  workflow_run: z.looseObject({ id: id.optional(), head_sha: sha.optional() }).nullish(),
  workflow_job: z.looseObject({ run_id: id.optional(), head_sha: sha.optional() }).nullish(),
  check_suite: z.looseObject({ head_sha: sha.optional() }).nullish(),
  check_run: z.looseObject({ head_sha: sha.optional() }).nullish(),
  pull_request: z.looseObject({ number: id.optional(), head: z.looseObject({ sha: sha.optional() }).optional(), merge_commit_sha: sha.nullish() }).nullish(),
  deployment: z.looseObject({ sha: sha.optional() }).nullish(),
  sha: sha.optional(),
});

export type GitHubWebhookPayload = z.infer<typeof githubWebhookPayload>;

/** What a `deployment_protection_rule` `requested` event must carry for shipgate to answer it. */
export const protectionRuleRequest = z.object({
  repository: z.object({ full_name: z.string().min(1) }),
  environment: z.string().min(1).max(255),
  deployment: z.object({ sha: z.string().min(1).max(100) }),
  deployment_callback_url: z.url({ protocol: /^https?$/ }),
});

/**
 * The protection-rule request as AnswerProtectionRule takes it: the environment's name, the SHA
 * of the deployment waiting on it (GitHub sends it in `deployment`, not at the top level) and
 * the callback URL; undefined when the payload lacks any of them.
 */
export function protectionRuleEvent(payload: unknown): ProtectionRuleEvent | undefined {
  const r = protectionRuleRequest.safeParse(payload);
  return r.success ? { repo: r.data.repository.full_name, environment: r.data.environment, sha: r.data.deployment.sha, callbackUrl: r.data.deployment_callback_url } : undefined;
}
