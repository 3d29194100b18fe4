import { dayOf, isLeapYear, MS_PER_DAY } from './days';

/**
 * Strict readers for the iCalendar (RFC 5545) values a freeze calendar uses, taking
 * ical.js's jCal form of each property (`["dtstart", {tzid}, "date-time", "2026-03-02T22:00:00"]`).
 * A value that is not exactly what the RFC allows throws `IcsValueError`, so a calendar
 * with a garbage DTSTART is unreadable (it blocks) instead of silently losing an event.
 */

export class IcsValueError extends Error {}

/**
 * A calendar time as written: a DATE (whole local day), a UTC DATE-TIME (`…Z`), or a
 * local DATE-TIME (with a TZID, or floating when `tzid` is absent). `wall` is the
 * wall-clock fields as epoch ms in UTC (not an instant, except for `utc`).
 */
export type IcsTime = { kind: 'date'; day: number } | { kind: 'utc'; wall: number } | { kind: 'local'; wall: number; tzid?: string };

/** A DURATION: days and weeks are nominal (calendar days), the rest exact. */
export interface IcsDuration {
  /** Nominal days (weeks × 7 + days), signed. */
  days: number;
  /** Exact milliseconds (hours, minutes, seconds), signed. */
  exactMs: number;
}

/** An RDATE;VALUE=PERIOD entry: start and either an explicit end or a duration. */
export interface IcsPeriod {
  start: IcsTime;
  end: IcsTime | IcsDuration;
}

export type JCalProperty = [string, Record<string, unknown>, string, ...unknown[]];

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z)?$/;
const DURATION_RE = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

function checkDate(y: number, m: number, d: number, what: string, text: string): void {
  const monthDays = [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (m < 1 || m > 12 || d < 1 || d > monthDays[m - 1]!) throw new IcsValueError(`${what}: "${text}" is not a calendar date`);
}

function raw(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Shows a jCal value as the file wrote it, for messages. */
export type ShowValue = (jcalValue: unknown) => string;

/** Best guess at the original text of a jCal date/date-time string ("2026-03-02T22:00:00" → "20260302T220000"). */
export const icsText: ShowValue = (value) => (typeof value === 'string' ? value.replace(/[-:]/g, '') : raw(value));

/** Reads one DATE or DATE-TIME value; `type` is the jCal value type, `tzid` the property's TZID. */
export function readTime(value: unknown, type: string, tzid: string | undefined, what: string, show: ShowValue = icsText): IcsTime {
  if (typeof value !== 'string') throw new IcsValueError(`${what}: "${show(value)}" is not a date or date-time`);
  // A bare date without VALUE=DATE ("DTSTART:20260301"): ical.js reformats it as "2026-03-01T::".
  const date = DATE_RE.exec(value) ?? (type === 'date-time' ? /^(\d{4})-(\d{2})-(\d{2})T::$/.exec(value) : null);
  if (date && (type === 'date' || type === 'date-time')) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    checkDate(y, m, d, what, show(value));
    return { kind: 'date', day: dayOf(y, m, d) };
  }
  const dt = DATE_TIME_RE.exec(value);
  if (!dt || type === 'date') {
    throw new IcsValueError(`${what}: "${show(value)}" is not a valid ${type === 'date' ? 'DATE (YYYYMMDD)' : 'DATE-TIME (YYYYMMDDTHHMMSS[Z])'}`);
  }
  const [y, m, d, h, mi, s] = dt.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  checkDate(y, m, d, what, show(value));
  if (h > 23 || mi > 59 || s > 60) throw new IcsValueError(`${what}: "${show(value)}" is not a valid time of day`);
  const wall = Date.UTC(y, m - 1, d, h, mi, Math.min(s, 59));
  if (dt[7]) return { kind: 'utc', wall };
  return tzid ? { kind: 'local', wall, tzid } : { kind: 'local', wall };
}

/** Reads a DURATION value ("P1D", "PT2H30M", "-P1W"). */
export function readDuration(value: unknown, what: string, show: ShowValue = raw): IcsDuration {
  const m = typeof value === 'string' ? DURATION_RE.exec(value) : null;
  if (!m || !/\d/.test(value as string) || (value as string).endsWith('T')) throw new IcsValueError(`${what}: "${show(value)}" is not a valid DURATION`);
  const sign = m[1] === '-' ? -1 : 1;
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  return { days: sign * (n(2) * 7 + n(3)), exactMs: sign * (n(4) * 3_600_000 + n(5) * 60_000 + n(6) * 1000) };
}

/** The TZID parameter of a jCal property, if any. */
export function tzidOf(prop: JCalProperty): string | undefined {
  const tzid = prop[1].tzid;
  return typeof tzid === 'string' && tzid.trim() ? tzid.trim() : undefined;
}

/** Every value of a DATE / DATE-TIME property (EXDATE and RDATE may list several). */
export function readTimes(prop: JCalProperty, what: string, show: ShowValue = icsText): IcsTime[] {
  const [, , type, ...values] = prop;
  return values.map((v) => readTime(v, type, tzidOf(prop), what, show));
}

/** Every value of an RDATE: times, or periods for VALUE=PERIOD. */
export function readRdates(prop: JCalProperty, show: ShowValue = icsText): Array<IcsTime | IcsPeriod> {
  const [, , type, ...values] = prop;
  const tzid = tzidOf(prop);
  if (type !== 'period') return values.map((v) => readTime(v, type, tzid, 'RDATE', show));
  return values.map((v) => {
    if (!Array.isArray(v) || v.length !== 2) throw new IcsValueError(`RDATE: "${show(v)}" is not a PERIOD (start/end or start/duration)`);
    const start = readTime(v[0], 'date-time', tzid, 'RDATE period start', show);
    if (start.kind === 'date') throw new IcsValueError(`RDATE: a PERIOD starts with a DATE-TIME, not "${show(v[0])}"`);
    const endText = v[1] as unknown;
    const end =
      typeof endText === 'string' && /^[+-]?P/.test(endText)
        ? readDuration(endText, 'RDATE period duration', show)
        : readTime(endText, 'date-time', tzid, 'RDATE period end', show);
    return { start, end };
  });
}

export function isPeriod(v: IcsTime | IcsPeriod): v is IcsPeriod {
  return 'start' in v;
}

export function isDuration(v: IcsTime | IcsDuration): v is IcsDuration {
  return 'exactMs' in v;
}

/** The calendar day a time falls on, as written (DATE, or the wall-clock date of a DATE-TIME). */
export function wallDayOf(t: IcsTime): number {
  return t.kind === 'date' ? t.day : Math.floor(t.wall / MS_PER_DAY);
}
