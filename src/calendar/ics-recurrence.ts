import type ICAL from 'ical.js';
import { icalJs } from './libraries';
import { dayOf, isLeapYear, MS_PER_DAY, ymdOf } from './days';
import { IcsValueError, readTime, type IcsTime } from './ics-values';

/**
 * RRULE expansion (RFC 5545 §3.3.10) on wall-clock time: ical.js's RecurIterator walks the
 * rule on a floating copy of DTSTART (recurrences are computed in local time), and this
 * module applies what the iterator gets wrong or cannot know:
 *
 * - invalid dates are skipped, never rolled over (FREQ=YEARLY from 29 Feb falls in leap
 *   years only; BYMONTHDAY=30 never lands in February), and COUNT counts valid ones;
 * - UNTIL is compared as written: a UTC UNTIL against the instance's instant, a DATE
 *   against its local date;
 * - instances at a local time that does not exist (the DST gap) are not part of the set
 *   (§3.3.10: "Such recurrence instances MUST be ignored and MUST NOT be counted").
 */

export interface RecurrenceClock {
  /** Instant of a time of this event (its TZID, UTC, or the rule's zone when floating). */
  instant(t: IcsTime): number;
  /** False for a local time inside a DST gap. */
  exists(t: IcsTime): boolean;
}

/** Upper bound of iterator steps per expansion: a runaway rule is an unreadable calendar, not a hang. */
export const MAX_RECURRENCE_STEPS = 2_000_000;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function monthLength(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!;
}

export class RecurrenceRule {
  private readonly recur: ICAL.Recur;
  private readonly count: number | undefined;
  private readonly until: IcsTime | undefined;

  /** Throws IcsValueError when the rule is malformed. */
  constructor(
    prop: ICAL.Property,
    private readonly dtstart: IcsTime,
  ) {
    let recur: ICAL.Recur;
    try {
      recur = prop.getFirstValue() as ICAL.Recur;
    } catch (e) {
      throw new IcsValueError(`RRULE: ${(e as Error).message}`);
    }
    if (!(recur instanceof icalJs().Recur) || !recur.freq) throw new IcsValueError(`RRULE "${String(prop.toICALString())}" has no FREQ`);
    const data = (prop.toJSON() as unknown[])[3] as { until?: unknown };
    this.count = recur.count ?? undefined;
    if (this.count !== undefined && !(Number.isInteger(this.count) && this.count > 0)) throw new IcsValueError(`RRULE: COUNT must be a positive integer`);
    if (data.until !== undefined) {
      const text = String(data.until);
      // A local (non-UTC) UNTIL is read in DTSTART's zone.
      this.until = readTime(text, /T/.test(text) ? 'date-time' : 'date', dtstart.kind === 'local' ? dtstart.tzid : undefined, 'RRULE UNTIL');
    }
    this.recur = recur.clone();
    this.recur.count = null;
    this.recur.until = null;
    // A rule ical.js cannot iterate is reported now, not in the middle of a freeze check.
    this.iterator().next();
  }

  private iterator(): ICAL.RecurIterator {
    const t = this.dtstart;
    const { y, m, d } = ymdOf(t.kind === 'date' ? t.day : Math.floor(t.wall / MS_PER_DAY));
    const secs = t.kind === 'date' ? 0 : Math.floor((t.wall - Math.floor(t.wall / MS_PER_DAY) * MS_PER_DAY) / 1000);
    const start = icalJs().Time.fromData({
      year: y,
      month: m,
      day: d,
      hour: Math.floor(secs / 3600),
      minute: Math.floor(secs / 60) % 60,
      second: secs % 60,
      isDate: t.kind === 'date',
    });
    try {
      return this.recur.iterator(start);
    } catch (e) {
      throw new IcsValueError(`RRULE: ${(e as Error).message}`);
    }
  }

  /** Whether the iterator's date is a real instance of the rule (ical.js rolls invalid dates over). */
  private conforms(y: number, m: number, d: number): boolean {
    const p = this.recur.parts as Record<string, Array<number | string> | undefined>;
    const has = (k: string) => Array.isArray(p[k]) && p[k].length > 0;
    if (has('BYMONTH') && !p.BYMONTH!.map(Number).includes(m)) return false;
    if (has('BYMONTHDAY')) {
      const len = monthLength(y, m);
      if (!p.BYMONTHDAY!.map(Number).some((v) => (v > 0 ? v === d : len + 1 + v === d))) return false;
    }
    const dayDriven = has('BYMONTHDAY') || has('BYDAY') || has('BYYEARDAY') || has('BYWEEKNO');
    const s = ymdOf(this.dtstart.kind === 'date' ? this.dtstart.day : Math.floor(this.dtstart.wall / MS_PER_DAY));
    if (!dayDriven && (this.recur.freq === 'MONTHLY' || this.recur.freq === 'YEARLY') && d !== s.d) return false;
    if (!dayDriven && this.recur.freq === 'YEARLY' && !has('BYMONTH') && m !== s.m) return false;
    return true;
  }

  private beyondUntil(t: IcsTime, instant: number, clock: RecurrenceClock): boolean {
    const u = this.until;
    if (!u) return false;
    if (u.kind === 'date') return (t.kind === 'date' ? t.day : Math.floor(t.wall / MS_PER_DAY)) > u.day;
    if (u.kind === 'utc' || t.kind === 'date') return instant > clock.instant(u);
    return t.wall > u.wall;
  }

  /**
   * Instances (as written in DTSTART's form) whose instant is before `limit`, in order,
   * DTSTART first. Instances the rule generates in a DST gap are left out.
   */
  startsBefore(limit: number, clock: RecurrenceClock): IcsTime[] {
    const out: IcsTime[] = [];
    const it = this.iterator();
    let counted = 0;
    for (let steps = 0; ; steps++) {
      if (steps > MAX_RECURRENCE_STEPS) throw new IcsValueError(`RRULE "${this.recur.toString()}" generates more than ${MAX_RECURRENCE_STEPS} instances`);
      const next = it.next();
      if (!next) break;
      const { year: y, month: m, day: d } = next;
      const isFirst = steps === 0;
      if (!isFirst && !this.conforms(y, m, d)) continue;
      const t: IcsTime =
        this.dtstart.kind === 'date'
          ? { kind: 'date', day: dayOf(y, m, d) }
          : { ...this.dtstart, wall: Date.UTC(y, m - 1, d, next.hour, next.minute, next.second) };
      const instant = clock.instant(t);
      if (!isFirst && this.beyondUntil(t, instant, clock)) break;
      if (!isFirst && !clock.exists(t)) continue;
      counted++;
      if (this.count !== undefined && counted > this.count) break;
      if (instant >= limit) break;
      out.push(t);
    }
    return out;
  }
}
