/**
 * People: `users.info`, `users.lookupByEmail` (with Slack's `tz_label`/`tz_offset` for the
 * user's zone) and usergroups (`usergroups.list`, `usergroups.users.list`).
 */
import type { SlackState, StoredUser } from './state';
import { SlackApiError, str, type MethodTable } from './web-api';

export class UsersRoom {
  constructor(private readonly state: SlackState) {}

  register(methods: MethodTable): void {
    methods.set('users.info', (args) => {
      const user = this.state.requireUserApi(str(args.user));
      return { ok: true, user: this.userObject(user) };
    });
    methods.set('users.lookupByEmail', (args) => {
      const email = str(args.email).toLowerCase();
      const user = [...this.state.users.values()].find((u) => u.email?.toLowerCase() === email);
      if (!user) throw new SlackApiError('users_not_found');
      return { ok: true, user: this.userObject(user) };
    });
    methods.set('usergroups.users.list', (args) => {
      const members = this.state.usergroups.get(str(args.usergroup));
      if (!members) throw new SlackApiError('no_such_subteam');
      return { ok: true, users: [...members] };
    });
    methods.set('usergroups.list', (args) => ({
      ok: true,
      usergroups: [...this.state.usergroups.entries()].map(([id, users]) => ({
        id,
        team_id: this.state.identity.teamId,
        is_usergroup: true,
        name: id,
        handle: id.toLowerCase(),
        user_count: users.length,
        ...(args.include_users === 'true' || args.include_users === true ? { users: [...users] } : {}),
      })),
    }));
  }

  private userObject(user: StoredUser): Record<string, unknown> {
    const { label, offset } = zoneInfo(user.tz, this.state.now());
    const profile: Record<string, unknown> = {
      real_name: user.realName,
      real_name_normalized: user.realName,
      display_name: user.name,
      display_name_normalized: user.name,
      team: this.state.identity.teamId,
    };
    if (user.email !== undefined) profile.email = user.email;
    return {
      id: user.id,
      team_id: this.state.identity.teamId,
      name: user.name,
      deleted: false,
      color: '9f69e7',
      real_name: user.realName,
      tz: user.tz,
      tz_label: label,
      tz_offset: offset,
      profile,
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: user.isBot,
      is_app_user: false,
      updated: Math.floor(this.state.now() / 1000),
    };
  }
}

/** Slack's `tz_label` / `tz_offset` (seconds east of UTC) for a zone at an instant. */
function zoneInfo(tz: string, at: number): { label: string; offset: number } {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(at);
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    const offset = Math.round((wall - Math.floor(at / 1000) * 1000) / 1000);
    const label =
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? tz;
    return { label, offset };
  } catch {
    return { label: 'Coordinated Universal Time', offset: 0 };
  }
}
