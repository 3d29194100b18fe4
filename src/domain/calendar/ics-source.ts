import ical, { type VEvent, type EventInstance } from 'node-ical';
import { dayOf, instantOfLocal, MS_PER_DAY, startOfLocalDay } from './days';
import type { RawWindow, WindowSource } from './rule-sources';

/**
 * `ics:` rules. The text is parsed with node-ical's synchronous parser; recurrences
 * (RRULE, EXDATE, RECURRENCE-ID overrides, TZID) are expanded by node-ical's
 * `expandRecurringEvent`, lazily for the range asked.
 *
 * - Timed events with TZID or UTC times are exact instants.
 * - Floating times (no TZID, no Z) are wall-clock times in the rule's zone.
 * - All-day events (VALUE=DATE) cover whole local days in the rule's zone.
 * - Cancelled events (STATUS:CANCELLED) freeze nothing.
 */
export class IcsSource implements WindowSource {
  private readonly events: Array<{ event: VEvent; lookbackMs: number; label: string }> = [];

  /** Throws when the text is not a calendar node-ical can read. */
  constructor(
    private readonly zone: string,
    text: string,
  ) {
    if (!/BEGIN:VCALENDAR/i.test(text)) throw new Error('not an iCalendar file (no BEGIN:VCALENDAR)');
    const data = ical.sync.parseICS(text);
    for (const [key, comp] of Object.entries(data)) {
      if (key === 'vcalendar' || !comp || (comp as { type?: string }).type !== 'VEVENT') continue;
      const event = comp as VEvent;
      if (!(event.start instanceof Date) || Number.isNaN(event.start.getTime())) continue;
      if (String(event.status ?? '').toUpperCase() === 'CANCELLED') continue;
      const durationMs = event.end instanceof Date ? Math.max(0, event.end.getTime() - event.start.getTime()) : 0;
      const summary = typeof event.summary === 'string' ? event.summary : (event.summary?.val ?? '');
      this.events.push({ event, lookbackMs: durationMs + 2 * MS_PER_DAY, label: summary });
    }
    // Dry run so a calendar node-ical cannot expand fails now (reported as unreadable), not mid-check.
    this.touching(Date.UTC(2000, 0, 1), Date.UTC(2000, 0, 2));
  }

  get eventCount(): number {
    return this.events.length;
  }

  private toWindow(inst: EventInstance, event: VEvent, label: string): RawWindow | undefined {
    let start: number;
    let end: number;
    if (inst.isFullDay) {
      // node-ical represents a DATE value as local midnight of the host; read the calendar day back.
      const s = inst.start;
      const e = inst.end ?? inst.start;
      const d0 = dayOf(s.getFullYear(), s.getMonth() + 1, s.getDate());
      let d1 = dayOf(e.getFullYear(), e.getMonth() + 1, e.getDate());
      if (d1 <= d0) d1 = d0 + 1;
      start = startOfLocalDay(d0, this.zone);
      end = startOfLocalDay(d1, this.zone);
    } else if (!(event.start as { tz?: string }).tz) {
      // Floating time: node-ical read it as host-local wall time; re-read it in the rule's zone.
      start = wallToZone(inst.start, this.zone);
      end = inst.end ? wallToZone(inst.end, this.zone) : start;
    } else {
      start = inst.start.getTime();
      end = inst.end ? inst.end.getTime() : start;
    }
    if (!(end > start)) return undefined;
    return { start, end, ...(label ? { label } : {}) };
  }

  touching(from: number, to: number): RawWindow[] {
    const out: RawWindow[] = [];
    const seen = new Set<string>();
    for (const { event, lookbackMs, label } of this.events) {
      const instances = ical.expandRecurringEvent(event, {
        from: new Date(from - lookbackMs),
        to: new Date(to + 2 * MS_PER_DAY),
        expandOngoing: true,
      });
      for (const inst of instances) {
        const instLabel = typeof inst.summary === 'string' ? inst.summary : (inst.summary?.val ?? label);
        const w = this.toWindow(inst, inst.event ?? event, instLabel);
        if (!w || !(w.start < to && w.end > from)) continue;
        const key = `${w.start}:${w.end}:${w.label ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(w);
      }
    }
    return out.sort((a, b) => a.start - b.start || a.end - b.end);
  }
}

function wallToZone(d: Date, zone: string): number {
  return instantOfLocal(zone, d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
}
