import { format } from 'date-fns/format';
import { TZDate } from '@date-fns/tz';

/** Shared formatting of freeze instants for people (Slack, CLI). Pure. */

const abbrevCache = new Map<string, Intl.DateTimeFormat[]>();

/**
 * Short zone name at an instant: "GMT"/"BST", "EST"/"EDT", "CET"; falls back to the IANA
 * name where only numeric offsets exist ("Asia/Tokyo") so the text stays unambiguous.
 */
export function zoneAbbreviation(instant: number, zone: string): string {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  let fmts = abbrevCache.get(zone);
  if (!fmts) {
    fmts = ['en-US', 'en-GB'].map((l) => new Intl.DateTimeFormat(l, { timeZone: zone, timeZoneName: 'short' }));
    abbrevCache.set(zone, fmts);
  }
  for (const f of fmts) {
    const name = f.formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value;
    if (name && !/^(GMT|UTC)[+-−]/.test(name)) return name;
  }
  return zone;
}

/** "Thu 26 Nov 00:00" (or with the year: "Tue 1 Dec 2026 00:00") in `zone`. */
export function formatLocal(instant: number | Date, zone: string, withYear = false): string {
  return format(new TZDate(typeof instant === 'number' ? instant : instant.getTime(), zone), withYear ? 'EEE d MMM yyyy HH:mm' : 'EEE d MMM HH:mm');
}

/** "2026-12-01T00:00:00Z" — ISO-8601 UTC, milliseconds only when not zero. */
export function isoUtc(instant: number | Date): string {
  const s = new Date(instant).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

/** "Thu 26 Nov 00:00 – Tue 1 Dec 00:00 Europe/London" (years shown when the window crosses one). */
export function formatWindowRange(start: Date, end: Date, zone: string, forceYear = false): string {
  const withYear = forceYear || new TZDate(start.getTime(), zone).getFullYear() !== new TZDate(end.getTime(), zone).getFullYear();
  return `${formatLocal(start, zone, withYear)} – ${formatLocal(end, zone, withYear)} ${zone}`;
}
