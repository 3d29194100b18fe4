import type { WebClient } from '@slack/web-api';
import type { Directory, GroupLookup } from '../../app/ports/directory';
import type { Clock } from '../../app/ports/clock';
import type { GroupMembers } from '../../domain/policy';
import { ShipgateError } from '../../shared/shipgate-error';

interface SlackUser {
  name?: string;
  real_name?: string;
  tz?: string;
  profile?: { real_name?: string; display_name?: string };
}

/**
 * User groups (`usergroups.users.list`) and users (`users.info`: time zone, name), cached in memory
 * for `ttlMs`. Group membership decides who may request and approve, so an expired entry is never
 * used: when Slack cannot answer, the lookup fails (closed) and the person is asked to try again.
 */
export class SlackDirectory implements Directory {
  private readonly groups = new Map<string, { at: number; users: string[] }>();
  private readonly users = new Map<string, { at: number; user: SlackUser | undefined }>();

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
    return (await this.user(userId))?.tz;
  }

  async userName(userId: string): Promise<string | undefined> {
    const u = await this.user(userId);
    return [u?.profile?.real_name, u?.real_name, u?.profile?.display_name, u?.name].find((n) => typeof n === 'string' && n.trim() !== '')?.trim();
  }

  private async user(userId: string): Promise<SlackUser | undefined> {
    const now = this.clock.now().getTime();
    const hit = this.users.get(userId);
    if (hit && now - hit.at < this.ttlMs) return hit.user;
    try {
      const res = await this.client.users.info({ user: userId });
      const user = res.user as SlackUser | undefined;
      this.users.set(userId, { at: now, user });
      return user;
    } catch {
      return undefined;
    }
  }
}
