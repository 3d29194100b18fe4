/**
 * Date-times as ServiceNow writes them: `YYYY-MM-DD HH:mm:ss` in UTC for stored values,
 * the same in a zone for display values, `YYYYMMDDTHHMMSS` for schedule spans.
 */
export type DateInput = Date | number | string;

export function toMs(v: DateInput): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v.replace(' ', 'T')}Z` : v);
  if (Number.isNaN(t)) throw new Error(`ServiceNowEmulator: not a date-time: ${v}`);
  return t;
}

/** `YYYY-MM-DD HH:mm:ss` in UTC. */
export function snDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function zonedParts(ms: number, timeZone: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}

export function zonedDateTime(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `YYYYMMDDTHHMMSS` in `timeZone` (cmn_schedule_span date-times). */
export function scheduleDateTime(ms: number, timeZone: string): string {
  if (timeZone === 'UTC') return new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15);
  const p = zonedParts(ms, timeZone);
  return `${p.year}${p.month}${p.day}T${p.hour}${p.minute}${p.second}`;
}
