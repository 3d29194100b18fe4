import type { ShipgateConfig } from '../config/config-schema';
import { formatWindowRange } from '../calendar/format';
import type { FreezeWindow } from '../domain/freeze-calendar';
import type { Clock } from './ports/clock';
import type { FreezeCalendars } from './ports/freeze-calendars';
import type { OnceGuard } from './ports/once-guard';
import type { Logger } from './logger';
import { mrk, type Mrkdwn } from '../shared/mrkdwn';

const DAY = 86_400_000;
/** An end is still announced if the tick comes this late (a restart, a slow replica). */
const END_GRACE = 2 * 3_600_000;

export interface AnnouncerDeps {
  config: ShipgateConfig;
  clock: Clock;
  calendars: FreezeCalendars;
  once: OnceGuard;
  post: (channel: string, text: Mrkdwn) => Promise<void>;
  logger: Logger;
}

/**
 * Freeze announcements (SPEC §2): a post 24 h before a freeze starts on an environment and
 * one when it ends. Run periodically by every replica; each post is claimed once in Redis.
 */
export class FreezeAnnouncer {
  constructor(private readonly d: AnnouncerDeps) {}

  async tick(): Promise<number> {
    const channel = this.d.config.announce?.channel;
    if (!channel) return 0;
    const now = this.d.clock.now();
    const calendar = await this.d.calendars.current();
    // one announcement per window, listing every environment it applies to
    const byWindow = new Map<string, { w: FreezeWindow; envs: string[] }>();
    for (const env of this.d.config.environments.map((e) => e.name)) {
      for (const w of calendar.list(env, new Date(now.getTime() - END_GRACE), new Date(now.getTime() + DAY + 1))) {
        const key = `${w.rule}|${w.start.toISOString()}|${w.end.toISOString()}`;
        const entry = byWindow.get(key) ?? { w, envs: [] };
        entry.envs.push(env);
        byWindow.set(key, entry);
      }
    }
    let posted = 0;
    for (const [key, { w, envs }] of byWindow) {
      const t = now.getTime();
      const range = formatWindowRange(w.start, w.end, this.d.config.timezone);
      const where = envs.map((e) => `*${e}*`).join(', ');
      if (w.start.getTime() > t && w.start.getTime() - t <= DAY) {
        if (await this.d.once.claim(`announce:start:${key}`, 3 * DAY)) {
          await this.d.post(channel, mrk`:snowflake: Change freeze *${w.rule}*${w.label ? ` (${w.label})` : ''} starts in ${hoursUntil(w.start, now)} on ${where}: ${range}. Promotions into ${envs.length > 1 ? 'them' : 'it'} will be blocked.`);
          posted++;
        }
      }
      if (w.end.getTime() <= t && t - w.end.getTime() <= END_GRACE) {
        if (await this.d.once.claim(`announce:end:${key}`, 3 * DAY)) {
          const stillFrozen = envs.filter((e) => calendar.check(e, now).frozen);
          await this.d.post(
            channel,
            mrk`:sunny: Change freeze *${w.rule}* has ended on ${where} (${range}).${stillFrozen.length ? ` Still frozen by another rule: ${stillFrozen.map((e) => `*${e}*`).join(', ')}.` : ''}`,
          );
          posted++;
        }
      }
    }
    if (posted) this.d.logger.info({ posted }, 'freeze announcements posted');
    return posted;
  }
}

function hoursUntil(start: Date, now: Date): string {
  const h = Math.round((start.getTime() - now.getTime()) / 3_600_000);
  return h >= 1 ? `${h} h` : 'less than an hour';
}
