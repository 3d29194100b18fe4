import { TZDate, tzOffset } from '@date-fns/tz';

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
  return instantOfWall(zone, day * MS_PER_DAY);
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

/** UTC offset of `zone` at `instant`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(zone: string, instant: number): number {
  return tzOffset(zone, new Date(instant)) * 60_000;
}

/**
 * Wall-clock time in `zone` → instant (ms), as RFC 5545 §3.3.5 reads a local DATE-TIME:
 * a wall time that occurs twice (clocks going back) is its first occurrence; one that does
 * not occur (clocks going forward) is read with the UTC offset in force before the gap
 * (London 01:30 on the spring-forward day is 02:30 BST, New York 02:30 is 03:30 EDT).
 * Month, day, hour… may overflow (Date.UTC normalises them).
 */
export function instantOfLocal(zone: string, y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  return instantOfWall(zone, Date.UTC(y, m - 1, d, h, mi, s, ms));
}

/** Like `instantOfLocal`, with the wall time given as the epoch ms of the same fields in UTC. */
export function instantOfWall(zone: string, wall: number): number {
  const before = zoneOffsetMs(zone, wall - MS_PER_DAY);
  const after = zoneOffsetMs(zone, wall + MS_PER_DAY);
  let best: number | undefined;
  for (const offset of before === after ? [before] : [before, after]) {
    const t = wall - offset;
    if (zoneOffsetMs(zone, t) === offset && (best === undefined || t < best)) best = t;
  }
  return best ?? wall - before;
}

/** The wall-clock fields of `instant` in `zone`, as epoch ms of the same fields in UTC. */
export function wallOfInstant(zone: string, instant: number): number {
  return instant + zoneOffsetMs(zone, instant);
}
