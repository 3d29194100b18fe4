import type { GroupMembers } from '../../domain/policy';

export interface GroupLookup {
  /** Ask Slack now instead of answering from the cache (clicks: a removed approver must not approve). */
  fresh?: boolean;
}

export interface Directory {
  /**
   * Members of the given Slack user groups. The adapter may answer from a short cache, never from
   * an expired entry: when Slack cannot answer, it throws (authorization is never granted from stale data).
   */
  groupMembers(groupIds: readonly string[], lookup?: GroupLookup): Promise<GroupMembers>;
  /** The user's IANA time zone from their Slack profile, when known. */
  userTimeZone(userId: string): Promise<string | undefined>;
  /** The user's name as Slack shows it (real name, else display name, else username), when known. */
  userName(userId: string): Promise<string | undefined>;
}
