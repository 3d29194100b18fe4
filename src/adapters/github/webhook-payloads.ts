/**
 * GitHub webhook payloads as GitHub's webhooks description types them
 * (`@octokit/openapi-webhooks-types`), and their translation into use-case events.
 */
import type { components } from '@octokit/openapi-webhooks-types';
import type { ProtectionRuleEvent } from '../../app/answer-protection-rule';

type Schemas = components['schemas'];

/** `deployment_protection_rule` with `action: requested` (sent to the GitHub App that owns the custom rule). */
export type DeploymentProtectionRuleRequested = Schemas['webhook-deployment-protection-rule-requested'];

/**
 * The protection-rule request as AnswerProtectionRule takes it: the environment's name, the
 * SHA of the deployment waiting on it (GitHub sends it in `deployment`, not at the top level)
 * and the callback URL. Missing fields become '' so nothing matches and the rule is rejected.
 */
export function protectionRuleEvent(payload: DeploymentProtectionRuleRequested): ProtectionRuleEvent {
  return {
    repo: payload.repository?.full_name ?? '',
    environment: payload.environment ?? '',
    sha: payload.deployment?.sha ?? '',
    callbackUrl: payload.deployment_callback_url ?? '',
  };
}
