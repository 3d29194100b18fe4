import type { WebClient } from '@slack/web-api';
import type { Directory } from '../../app/ports/directory';
import type { Clock } from '../../app/ports/clock';
import type { GroupMembers } from '../../domain/policy';
import { ShipgateError } from '../../domain/shipgate-error';

/** User groups (`usergroups.users.list`) and time zones (`users.info`), cached in memory for `ttlMs`. */
export class SlackDirectory implements Directory {
  private readonly groups = new Map<string, { at: number; users: string[] }>();
  private readonly zones = new Map<string, { at: number; tz: string | undefined }>();

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async groupMembers(groupIds: readonly string[]): Promise<GroupMembers> {
    const now = this.clock.now().getTime();
    const out: Record<string, string[]> = {};
    await Promise.all(
      [...new Set(groupIds)].map(async (id) => {
        const hit = this.groups.get(id);
        if (hit && now - hit.at < this.ttlMs) {
          out[id] = hit.users;
          return;
        }
        try {
          const res = await this.client.usergroups.users.list({ usergroup: id });
          const users = (res.users as string[] | undefined) ?? [];
          this.groups.set(id, { at: now, users });
          out[id] = users;
        } catch (e) {
          if (hit) {
            out[id] = hit.users; // stale is better than failing closed on a Slack blip
            return;
          }
          const code = (e as { data?: { error?: string } }).data?.error ?? String(e);
          throw new ShipgateError('slack_error', `cannot read Slack user group ${id} (${code}); the app needs the usergroups:read scope`);
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
