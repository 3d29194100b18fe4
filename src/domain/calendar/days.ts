import { TZDate } from '@date-fns/tz';

/**
 * Calendar-day helpers. A "day" is an integer count of proleptic Gregorian days since
 * 1970-01-01 (a label for a calendar date, not an instant). Converting a day to an
 * instant always goes through @date-fns/tz in a named zone, so local days of 23 or 25
 * hours (DST changes) come out right.
 */

export const MS_PER_DAY = 86_400_000;

export interface Ymd {
  y: number;
  /** 1–12 */
  m: number;
  /** 1–31 */
  d: number;
}

/** Day number of a calendar date; month and day may overflow (Date.UTC normalises them). */
export function dayOf(y: number, m: number, d: number): number {
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

export function ymdOf(day: number): Ymd {
  const dt = new Date(day * MS_PER_DAY);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday (a calendar fact, the same in every zone). */
export function weekdayOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCDay();
}

export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Parses "YYYY-MM-DD" into a day number. */
export function parseIsoDay(s: string): number {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  return dayOf(y, m, d);
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The instant local midnight starts `day` in `zone` (ms since epoch). */
export function startOfLocalDay(day: number, zone: string): number {
  const { y, m, d } = ymdOf(day);
  return new TZDate(y, m - 1, d, zone).getTime();
}

/** The local calendar day containing `instant` in `zone`. */
export function localDayOf(instant: number, zone: string): number {
  const z = new TZDate(instant, zone);
  return dayOf(z.getFullYear(), z.getMonth() + 1, z.getDate());
}

/** The local calendar year containing `instant` in `zone`. */
export function localYearOf(instant: number, zone: string): number {
  return new TZDate(instant, zone).getFullYear();
}

/** Wall-clock time in `zone` → instant (ms). Non-existent wall times move forward as @date-fns/tz does. */
export function instantOfLocal(zone: string, y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  return new TZDate(y, m - 1, d, h, mi, s, ms, zone).getTime();
}
