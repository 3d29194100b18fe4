import type { ShipgateConfig } from '../../config/config-schema';
import type { Clock } from '../../app/ports/clock';
import type { FreezeCalendars } from '../../app/ports/freeze-calendars';
import type { Logger } from '../../app/logger';
import { FreezeCalendar } from '../../domain/freeze-calendar';
import { loadCalendarSources, type BlackoutSource } from './load-calendar-sources';

/**
 * Builds the freeze calendar from the config and its external sources (ICS files/URLs,
 * ServiceNow blackout schedules) and keeps it for `ttlMs`. A source that cannot be read
 * stays missing in the calendar, so the freeze gate blocks (fail closed) instead of opening.
 */
export class CachedFreezeCalendars implements FreezeCalendars {
  private cached: { at: number; calendar: FreezeCalendar } | undefined;
  private loading: Promise<FreezeCalendar> | undefined;
  private readonly needsSources: boolean;

  constructor(
    private readonly config: ShipgateConfig,
    private readonly baseDir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: { blackoutSource?: BlackoutSource; ttlMs?: number } = {},
  ) {
    this.needsSources = config.freezes.some((f) => f.ics !== undefined || f.servicenowBlackout !== undefined);
  }

  async current(): Promise<FreezeCalendar> {
    const now = this.clock.now().getTime();
    if (this.cached && (!this.needsSources || now - this.cached.at < (this.opts.ttlMs ?? 15 * 60_000))) return this.cached.calendar;
    this.loading ??= this.load(now).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(now: number): Promise<FreezeCalendar> {
    const loaded = this.needsSources
      ? await loadCalendarSources(this.config, this.baseDir, this.opts.blackoutSource ? { blackoutSource: this.opts.blackoutSource } : {})
      : { sources: {}, errors: [], unevaluated: [] };
    for (const e of loaded.errors) this.logger.warn({ rule: e.rule, source: e.source, err: e.message }, 'freeze calendar source unavailable');
    const calendar = new FreezeCalendar(this.config, loaded.sources);
    // keep failures short-lived: retry a broken source after a minute, not the full TTL
    this.cached = { at: loaded.errors.length ? now - (this.opts.ttlMs ?? 15 * 60_000) + 60_000 : now, calendar };
    return calendar;
  }
}
