import type { GroupMembers } from '../../domain/policy';

export interface Directory {
  /** Members of the given Slack user groups (cached by the adapter). */
  groupMembers(groupIds: readonly string[]): Promise<GroupMembers>;
  /** The user's IANA time zone from their Slack profile, when known. */
  userTimeZone(userId: string): Promise<string | undefined>;
  /** The user's name as Slack shows it (real name, else display name, else username), when known. */
  userName(userId: string): Promise<string | undefined>;
}
