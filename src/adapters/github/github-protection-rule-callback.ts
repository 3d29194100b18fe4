import type { ProtectionRuleCallback } from '../../app/ports/protection-rules';
import type { GitHubClient } from './github-client';

/**
 * The answer to a custom deployment protection rule: shipgate approves or rejects the
 * deployment waiting on an environment through the callback URL GitHub sent in the
 * `deployment_protection_rule` event.
 *
 *   POST {deployment_callback_url}   { environment_name, state, comment }
 */
export class GitHubProtectionRuleCallback implements ProtectionRuleCallback {
  constructor(private readonly gh: GitHubClient) {}

  async answer(callbackUrl: string, environment: string, state: 'approved' | 'rejected', comment: string): Promise<void> {
    await this.gh.request({ method: 'POST', url: callbackUrl, environment_name: environment, state, comment });
  }
}
