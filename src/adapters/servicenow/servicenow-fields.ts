import { TZDate } from '@date-fns/tz';
import type { SnRecord } from './servicenow-client';

/**
 * Reading the Table API's field shapes: every value a string; with
 * `sysparm_display_value=all` an object `{display_value, value, link?}`; reference fields
 * `{link, value}` with `false`; date-times `YYYY-MM-DD HH:mm:ss` in UTC in `value`.
 */

function fieldObject(v: unknown): { value?: unknown; display_value?: unknown } | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as { value?: unknown; display_value?: unknown }) : undefined;
}

/** The stored value of a field ('' when absent or empty). */
export function fieldValue(rec: SnRecord, name: string): string {
  const v = rec[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const o = fieldObject(v);
  if (o && (typeof o.value === 'string' || typeof o.value === 'number' || typeof o.value === 'boolean')) return String(o.value);
  return '';
}

/** The display value of a field, when the answer carries one (sysparm_display_value=all). */
export function fieldDisplay(rec: SnRecord, name: string): string | undefined {
  const o = fieldObject(rec[name]);
  return o && typeof o.display_value === 'string' ? o.display_value : undefined;
}

/** `YYYY-MM-DD HH:mm:ss` (UTC) → Date; undefined when empty or malformed. */
export function parseSnDateTime(s: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?$/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, se);
  const date = new Date(t);
  return date.getUTCDate() === d && date.getUTCMonth() === mo - 1 ? date : undefined;
}

/**
 * A schedule date-time (cmn_schedule_span.start_date_time / end_date_time):
 * `YYYYMMDDTHHMMSS` in the schedule's time zone, `…Z` in UTC, or a bare `YYYYMMDD`.
 */
export function parseScheduleDateTime(s: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?(Z)?$/.exec(s.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const se = Number(m[6] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return undefined;
  if (m[7] === 'Z' || timeZone === 'UTC') return new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  return new Date(new TZDate(y, mo - 1, d, h, mi, se, timeZone).getTime());
}

export function isTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A 32-hex sys_id. */
export function isSysId(s: string): boolean {
  return /^[0-9a-f]{32}$/i.test(s);
}
