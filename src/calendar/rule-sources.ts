import { dayOf, isLeapYear, isoDay, localDayOf, localYearOf, parseIsoDay, startOfLocalDay, weekdayOf, ymdOf, zoneOffsetMs } from './days';
import type { HolidayDays } from './holidays';
import { cronParser } from './libraries';

/** A window as epoch milliseconds, [start, end). `label` explains it (holiday name, ICS summary…). */
export interface RawWindow {
  start: number;
  end: number;
  label?: string;
}

/**
 * One freeze rule's windows. `touching(from, to)` returns every window of the rule with
 * start < to and end > from, sorted by start. Implementations expand lazily for the
 * range asked; the calendar caches results per year.
 */
export interface WindowSource {
  touching(from: number, to: number): RawWindow[];
}

function touchingFilter(list: RawWindow[], from: number, to: number): RawWindow[] {
  return list.filter((w) => w.start < to && w.end > from).sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Day runs (inclusive first/last day numbers) → windows covering whole local days in `zone`. */
function dayRunWindow(first: number, lastInclusive: number, zone: string, label?: string): RawWindow {
  return { start: startOfLocalDay(first, zone), end: startOfLocalDay(lastInclusive + 1, zone), ...(label ? { label } : {}) };
}

/** `annual: {from: "MM-DD", to: "MM-DD"}` — whole local days, inclusive, wrapping the year end when from > to. */
export class AnnualSource implements WindowSource {
  private readonly fm: number;
  private readonly fd: number;
  private readonly tm: number;
  private readonly td: number;
  private readonly wraps: boolean;
  private readonly cache = new Map<number, RawWindow>();

  constructor(
    private readonly zone: string,
    from: string,
    to: string,
  ) {
    [this.fm, this.fd] = from.split('-').map(Number) as [number, number];
    [this.tm, this.td] = to.split('-').map(Number) as [number, number];
    this.wraps = from > to;
  }

  /** The window starting in local year `y`. 02-29 means 1 March as a start and 28 February as an end in common years. */
  private windowOf(y: number): RawWindow {
    let w = this.cache.get(y);
    if (!w) {
      const first = dayOf(y, this.fm, this.fd);
      const endYear = this.wraps ? y + 1 : y;
      const td = this.tm === 2 && this.td === 29 && !isLeapYear(endYear) ? 28 : this.td;
      const last = dayOf(endYear, this.tm, td);
      w = dayRunWindow(first, last, this.zone);
      this.cache.set(y, w);
    }
    return w;
  }

  touching(from: number, to: number): RawWindow[] {
    const out: RawWindow[] = [];
    const y1 = localYearOf(to, this.zone);
    for (let y = localYearOf(from, this.zone) - 1; y <= y1; y++) out.push(this.windowOf(y));
    return touchingFilter(out, from, to);
  }
}

/** `dates: ["2026-12-15", {from, to}]` — whole local days; adjacent or overlapping entries form one window. */
export class DatesSource implements WindowSource {
  private readonly windows: RawWindow[];

  constructor(zone: string, dates: ReadonlyArray<string | { from: string; to: string }>) {
    const runs = dates
      .map((d) => (typeof d === 'string' ? [parseIsoDay(d), parseIsoDay(d)] : [parseIsoDay(d.from), parseIsoDay(d.to)]) as [number, number])
      .sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const r of runs) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    this.windows = merged.map(([a, b]) => dayRunWindow(a, b, zone));
  }

  touching(from: number, to: number): RawWindow[] {
    return touchingFilter(this.windows, from, to);
  }
}

/** `holidays: {country, region}` — each holiday (or run of consecutive holidays) is whole local days. */
export class HolidaySource implements WindowSource {
  private readonly cache = new Map<number, RawWindow[]>();

  constructor(
    private readonly zone: string,
    private readonly holidays: HolidayDays,
  ) {}

  private isHoliday(day: number): boolean {
    return this.holidays.isHoliday(day, ymdOf(day).y);
  }

  /** Runs of consecutive holidays that start in calendar year y (a run may continue into y+1). */
  private windowsOf(y: number): RawWindow[] {
    let list = this.cache.get(y);
    if (!list) {
      list = [];
      const days = [...this.holidays.daysInYear(y).keys()].sort((a, b) => a - b);
      for (const d of days) {
        if (this.isHoliday(d - 1)) continue; // continuation of a run that started earlier
        let last = d;
        const names = [this.holidays.nameOf(d, y)];
        while (this.isHoliday(last + 1)) {
          last++;
          names.push(this.holidays.nameOf(last, ymdOf(last).y));
        }
        list.push(dayRunWindow(d, last, this.zone, names.filter(Boolean).join(', ')));
      }
      this.cache.set(y, list);
    }
    return list;
  }

  touching(from: number, to: number): RawWindow[] {
    const out: RawWindow[] = [];
    const y1 = localYearOf(to, this.zone);
    for (let y = localYearOf(from, this.zone) - 1; y <= y1; y++) out.push(...this.windowsOf(y));
    return touchingFilter(out, from, to);
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * `monthEndBusinessDays: N` — the last N business days of each month (Mon–Fri, not a
 * holiday of `businessCalendar`). One window per month, from 00:00 of the first of those
 * days to 00:00 of the day after the last business day of the month (days between them,
 * e.g. a weekend, are inside the window).
 */
export class MonthEndSource implements WindowSource {
  private readonly cache = new Map<number, RawWindow>();

  constructor(
    private readonly zone: string,
    private readonly n: number,
    private readonly business?: HolidayDays,
  ) {}

  isBusinessDay(day: number): boolean {
    const wd = weekdayOf(day);
    if (wd === 0 || wd === 6) return false;
    return !this.business?.isHoliday(day, ymdOf(day).y);
  }

  /** Window for month index k = y*12 + (m-1). */
  private windowOf(k: number): RawWindow {
    let w = this.cache.get(k);
    if (!w) {
      const y = Math.floor(k / 12);
      const m = (k % 12) + 1;
      let day = dayOf(y, m + 1, 1) - 1; // last day of the month
      let lastBusiness: number | undefined;
      let found = 0;
      for (let guard = 0; guard < 400; guard++, day--) {
        if (!this.isBusinessDay(day)) continue;
        lastBusiness ??= day;
        if (++found === this.n) break;
      }
      if (lastBusiness === undefined || found < this.n) throw new Error(`no ${this.n} business days found before the end of ${isoDay(day)}`);
      w = dayRunWindow(day, lastBusiness, this.zone, `last ${this.n} business day${this.n === 1 ? '' : 's'} of ${MONTHS[m - 1]} ${y}`);
      this.cache.set(k, w);
    }
    return w;
  }

  touching(from: number, to: number): RawWindow[] {
    const a = ymdOf(localDayOf(from, this.zone));
    const b = ymdOf(localDayOf(to, this.zone));
    const out: RawWindow[] = [];
    // A month's window may start in the month before it (large N), never after it.
    for (let k = a.y * 12 + a.m - 1; k <= b.y * 12 + b.m; k++) out.push(this.windowOf(k));
    return touchingFilter(out, from, to);
  }
}

/**
 * `recurring: {cron, duration}` — windows start at every cron match in the zone and last
 * `duration` of elapsed time (start times by cron-parser: one in the DST gap moves forward
 * by the gap, one in the repeated hour fires once; an every-hour cron fires in both passes).
 *
 * When the cron fires every hour of every day and `duration` is at least the longest gap
 * between two consecutive matches, every window starts before the previous one ends: the
 * rule is one freeze that never opens. It is then answered as one window per range asked,
 * instead of iterating a window per match (a minute-by-minute cron is 525,600 a year).
 */
export class RecurringSource implements WindowSource {
  /** Set when the windows chain forever (see above). */
  readonly continuous: boolean;

  constructor(
    private readonly zone: string,
    private readonly cron: string,
    private readonly durationMs: number,
  ) {
    this.continuous = durationMs > 0 && chainsForever(cron, zone, durationMs);
  }

  touching(from: number, to: number): RawWindow[] {
    if (this.durationMs <= 0 || to <= from) return [];
    if (this.continuous) return [{ start: from, end: to, label: `"${this.cron}" windows of ${this.durationMs / 60_000} min chain without a gap` }];
    const out: RawWindow[] = [];
    const it = cronParser().CronExpressionParser.parse(this.cron, {
      currentDate: new Date(from - this.durationMs - 60_000),
      endDate: new Date(to + 60_000),
      tz: this.zone,
    });
    // next() throws past endDate; hasNext() would search each match twice (it runs the same search and rewinds).
    for (;;) {
      let s: number;
      try {
        s = it.next().getTime();
      } catch {
        break;
      }
      if (s >= to) break;
      const e = s + this.durationMs;
      if (e > from) out.push({ start: s, end: e });
    }
    return out;
  }
}

/**
 * True when `cron` matches every hour of every day (each hour at the same minutes and
 * seconds) and no two consecutive matches are more than `durationMs` apart. UTC offset
 * changes of whole hours keep the minute-of-hour, so the gaps are the same across DST;
 * zones that shift by a part of an hour (Australia/Lord_Howe) are not treated this way.
 */
function chainsForever(cron: string, zone: string, durationMs: number): boolean {
  const { second, minute, hour, dayOfMonth, month, dayOfWeek } = cronParser().CronExpressionParser.parse(cron, { tz: zone }).fields;
  if (hour.values.length !== 24 || !dayOfMonth.isWildcard || !month.isWildcard || !dayOfWeek.isWildcard) return false;
  const inHour: number[] = [];
  for (const m of minute.values) for (const sec of second.values) inHour.push(Number(m) * 60 + Number(sec));
  inHour.sort((a, b) => a - b);
  let maxGap = 3600 - inHour[inHour.length - 1]! + inHour[0]!;
  for (let i = 1; i < inHour.length; i++) maxGap = Math.max(maxGap, inHour[i]! - inHour[i - 1]!);
  if (durationMs < maxGap * 1000) return false;
  // Offsets over a few years must differ by whole hours only.
  const offsets = new Set<number>();
  for (let y = 2000; y <= 2040; y += 4) for (const mo of [0, 6]) offsets.add(((zoneOffsetMs(zone, Date.UTC(y, mo, 1)) % 3_600_000) + 3_600_000) % 3_600_000);
  return offsets.size === 1;
}

/** Spans handed in by a port (ServiceNow blackout schedules). */
export class SpanSource implements WindowSource {
  private readonly windows: RawWindow[];

  constructor(spans: ReadonlyArray<{ start: Date; end: Date; label?: string }>) {
    this.windows = spans
      .filter((s) => s.end.getTime() > s.start.getTime())
      .map((s) => ({ start: s.start.getTime(), end: s.end.getTime(), ...(s.label ? { label: s.label } : {}) }))
      .sort((a, b) => a.start - b.start || a.end - b.end);
  }

  touching(from: number, to: number): RawWindow[] {
    return touchingFilter(this.windows, from, to);
  }
}
