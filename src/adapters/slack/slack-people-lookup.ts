import type { WebClient } from '@slack/web-api';
import type { PeopleLookup } from '../../app/ports/people-lookup';
import { ShipgateError } from '../../shared/shipgate-error';

/** `users.lookupByEmail` (scope `users:read.email`): `users_not_found` is "no such person", anything else fails closed. */
export class SlackPeopleLookup implements PeopleLookup {
  constructor(private readonly client: WebClient) {}

  async slackUserByEmail(email: string): Promise<string | undefined> {
    try {
      const res = await this.client.users.lookupByEmail({ email });
      return res.user?.id;
    } catch (e) {
      const code = (e as { data?: { error?: string } }).data?.error ?? (e instanceof Error ? e.message : String(e));
      if (code === 'users_not_found') return undefined;
      throw new ShipgateError('slack_error', `Could not look up the commit author in Slack (users.lookupByEmail: ${code}).`, { error: code });
    }
  }
}
