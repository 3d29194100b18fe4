import type { WebClient } from '@slack/web-api';
import type { Directory, GroupLookup } from '../../app/ports/directory';
import type { Clock } from '../../app/ports/clock';
import type { GroupMembers } from '../../domain/policy';
import { ShipgateError } from '../../domain/shipgate-error';

/**
 * User groups (`usergroups.users.list`) and time zones (`users.info`), cached in memory for `ttlMs`.
 * Group membership decides who may request and approve, so an expired entry is never used: when
 * Slack cannot answer, the lookup fails (closed) and the person is asked to try again.
 */
export class SlackDirectory implements Directory {
  private readonly groups = new Map<string, { at: number; users: string[] }>();
  private readonly zones = new Map<string, { at: number; tz: string | undefined }>();

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async groupMembers(groupIds: readonly string[], lookup: GroupLookup = {}): Promise<GroupMembers> {
    const now = this.clock.now().getTime();
    const out: Record<string, string[]> = {};
    await Promise.all(
      [...new Set(groupIds)].map(async (id) => {
        const hit = this.groups.get(id);
        if (!lookup.fresh && hit && now - hit.at < this.ttlMs) {
          out[id] = hit.users;
          return;
        }
        try {
          const res = await this.client.usergroups.users.list({ usergroup: id });
          const users = (res.users as string[] | undefined) ?? [];
          this.groups.set(id, { at: now, users });
          out[id] = users;
        } catch (e) {
          const code = (e as { data?: { error?: string } }).data?.error ?? (e instanceof Error ? e.message : String(e));
          const hint = code === 'missing_scope' || code === 'no_permission' ? ' The Slack app needs the usergroups:read scope.' : '';
          throw new ShipgateError('slack_error', `Could not verify your membership (Slack user group ${id}: ${code}); try again.${hint}`, { group: id, error: code });
        }
      }),
    );
    return out;
  }

  async userTimeZone(userId: string): Promise<string | undefined> {
    const now = this.clock.now().getTime();
    const hit = this.zones.get(userId);
    if (hit && now - hit.at < this.ttlMs) return hit.tz;
    try {
      const res = await this.client.users.info({ user: userId });
      const tz = (res.user as { tz?: string } | undefined)?.tz;
      this.zones.set(userId, { at: now, tz });
      return tz;
    } catch {
      return undefined;
    }
  }
}
