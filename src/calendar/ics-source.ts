import type ICAL from 'ical.js';
import { icalJs } from './libraries';
import { instantOfWall, MS_PER_DAY, startOfLocalDay, wallOfInstant } from './days';
import { RecurrenceRule, type RecurrenceClock } from './ics-recurrence';
import {
  IcsValueError,
  isDuration,
  isPeriod,
  readDuration,
  readRdates,
  readTime,
  readTimes,
  icsText,
  tzidOf,
  wallDayOf,
  type IcsDuration,
  type IcsTime,
  type JCalProperty,
} from './ics-values';
import type { RawWindow, WindowSource } from './rule-sources';

/**
 * `ics:` rules: every VEVENT of an iCalendar file (RFC 5545) is a freeze window.
 *
 * - The file must parse completely (ical.js) and every date value must be valid: a
 *   truncated file or a garbage DTSTART makes the whole source unreadable (the caller
 *   fails closed), never an empty calendar.
 * - Times: UTC (`…Z`) and TZID times are exact instants (TZID: an IANA name, else the
 *   file's VTIMEZONE); floating times are wall-clock times in the rule's zone; DATE
 *   values are whole local days in the rule's zone. A local time that occurs twice is
 *   its first occurrence; one in a DST gap uses the offset before the gap (§3.3.5).
 * - Recurrence set (§3.8.5): DTSTART, RRULE instances, RDATE (DATE, DATE-TIME, UTC and
 *   PERIOD), minus EXDATE. A component with the same UID and a RECURRENCE-ID replaces
 *   the instance it names (RANGE=THISANDFUTURE: that one and every later one), also an
 *   RDATE instance; with STATUS:CANCELLED it removes it.
 * - Length: DTEND − DTSTART is exact and applies to every instance (§3.8.5.3); DURATION
 *   is nominal for days and weeks (P1D = the same local time the next day, across DST)
 *   and exact for hours, minutes and seconds; a DATE without either lasts one day; an
 *   RDATE PERIOD has its own end.
 * - Cancelled events (STATUS:CANCELLED) freeze nothing.
 */

type Length = { kind: 'exact'; ms: number } | { kind: 'nominal'; duration: IcsDuration };

interface Occurrence {
  /** The instance as generated (its identity for EXDATE / RECURRENCE-ID). */
  original: IcsTime;
  originalInstant: number;
  start: IcsTime;
  length: Length;
  label: string;
  /** Replaced by a RECURRENCE-ID component. */
  overridden?: boolean;
}

interface Override {
  recurrenceId: IcsTime;
  recurrenceInstant: number;
  thisAndFuture: boolean;
  start: IcsTime;
  length: Length | undefined;
  cancelled: boolean;
  label: string | undefined;
}

interface Series {
  dtstart: IcsTime;
  length: Length;
  rules: RecurrenceRule[];
  rdates: Array<{ start: IcsTime; length: Length }>;
  exdates: IcsTime[];
  cancelled: boolean;
  label: string;
  overrides: Override[];
}

const ianaCache = new Map<string, boolean>();

function isIanaZone(tz: string): boolean {
  let ok = ianaCache.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    ianaCache.set(tz, ok);
  }
  return ok;
}

function props(comp: ICAL.Component, name: string): JCalProperty[] {
  return comp.getAllProperties(name).map((p) => p.toJSON() as JCalProperty);
}

function textOf(comp: ICAL.Component, name: string): string | undefined {
  const v = comp.getFirstPropertyValue(name);
  return typeof v === 'string' ? v : undefined;
}

function sameInstance(a: IcsTime, aInstant: number, b: IcsTime, bInstant: number): boolean {
  if ((a.kind === 'date') !== (b.kind === 'date')) return wallDayOf(a) === wallDayOf(b);
  return aInstant === bInstant;
}

export class IcsSource implements WindowSource {
  private readonly series: Series[] = [];
  private readonly zones = new Map<string, ICAL.Timezone>();
  private readonly clock: RecurrenceClock;
  private cache: { limit: number; windows: RawWindow[] } | undefined;
  private readonly rawValues: string[] = [];
  private readonly show = (value: unknown): string => this.rawText(value);

  /** Throws when the text is not a complete, valid iCalendar file. */
  constructor(
    private readonly zone: string,
    text: string,
  ) {
    text = text.replace(/^\uFEFF/, '');
    if (!/BEGIN:VCALENDAR/i.test(text)) throw new Error('not an iCalendar file (no BEGIN:VCALENDAR)');
    if (!/END:VCALENDAR\s*$/i.test(text)) throw new Error('the file is incomplete: it does not end with END:VCALENDAR (truncated?)');
    let root: ICAL.Component;
    try {
      const parsed = icalJs().parse(text) as unknown;
      if (!Array.isArray(parsed) || parsed[0] !== 'vcalendar') throw new Error('expected exactly one VCALENDAR');
      root = new (icalJs().Component)(parsed as [string, unknown[], unknown[]]);
    } catch (e) {
      throw new Error(`not a valid iCalendar file: ${(e as Error).message}`);
    }
    this.clock = { instant: (t) => this.instant(t), exists: (t) => this.exists(t) };
    this.indexRawValues(text);
    for (const vtz of root.getAllSubcomponents('vtimezone')) {
      const tzid = textOf(vtz, 'tzid');
      if (tzid) this.zones.set(tzid, new (icalJs().Timezone)(vtz));
    }
    const byUid = new Map<string, Series>();
    const orphans: Array<{ uid: string | undefined; override: Override }> = [];
    root.getAllSubcomponents('vevent').forEach((ev, i) => {
      const uid = textOf(ev, 'uid');
      const where = `event ${uid ? `"${uid}"` : `#${i + 1}`}${textOf(ev, 'summary') ? ` (${textOf(ev, 'summary')})` : ''}`;
      try {
        if (ev.hasProperty('recurrence-id')) orphans.push({ uid, override: this.readOverride(ev) });
        else {
          const s = this.readSeries(ev);
          this.series.push(s);
          if (uid && !byUid.has(uid)) byUid.set(uid, s);
        }
      } catch (e) {
        throw new Error(`${where}: ${(e as Error).message}`);
      }
    });
    for (const { uid, override } of orphans) {
      const master = uid ? byUid.get(uid) : undefined;
      if (master) master.overrides.push(override);
      else if (!override.cancelled) {
        // An instance whose series is not in the file still freezes its own time.
        this.series.push({ dtstart: override.start, length: override.length ?? defaultLength(override.start), rules: [], rdates: [], exdates: [], cancelled: false, label: override.label ?? '', overrides: [] });
      }
    }
  }

  /** Raw values of the date-like properties, to quote a bad value as the file wrote it (ical.js reformats it). */
  private indexRawValues(text: string): void {
    for (const line of text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)) {
      if (!/^(DTSTART|DTEND|DURATION|RDATE|EXDATE|RECURRENCE-ID)[;:]/i.test(line)) continue;
      let quoted = false;
      let i = 0;
      for (; i < line.length && (quoted || line[i] !== ':'); i++) if (line[i] === '"') quoted = !quoted;
      for (const v of line.slice(i + 1).split(',')) this.rawValues.push(v, ...(v.includes('/') ? v.split('/') : []));
    }
  }

  private rawText(value: unknown): string {
    if (typeof value === 'string') {
      const types = icalJs().design.defaultSet.value as Record<string, { fromICAL?: (s: string) => unknown }>;
      const found = this.rawValues.find((raw) => raw === value || ['date-time', 'date'].some((t) => types[t]?.fromICAL?.(raw) === value));
      if (found !== undefined) return found;
    }
    return icsText(value);
  }

  get eventCount(): number {
    return this.series.length;
  }

  // --- time -------------------------------------------------------------------------

  private checkTzid(t: IcsTime): IcsTime {
    if (t.kind === 'local' && t.tzid !== undefined && !isIanaZone(t.tzid) && !this.zones.has(t.tzid)) {
      throw new IcsValueError(`TZID "${t.tzid}" is neither an IANA time zone nor defined by a VTIMEZONE in the file`);
    }
    return t;
  }

  private instant(t: IcsTime): number {
    if (t.kind === 'date') return startOfLocalDay(t.day, this.zone);
    if (t.kind === 'utc') return t.wall;
    const tz = t.tzid ?? this.zone;
    if (isIanaZone(tz)) return instantOfWall(tz, t.wall);
    const d = new Date(t.wall);
    const time = icalJs().Time.fromData(
      { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), isDate: false },
      this.zones.get(tz),
    );
    return time.toUnixTime() * 1000;
  }

  private exists(t: IcsTime): boolean {
    if (t.kind !== 'local') return true;
    const tz = t.tzid ?? this.zone;
    if (!isIanaZone(tz)) return true;
    return wallOfInstant(tz, instantOfWall(tz, t.wall)) === t.wall;
  }

  private end(start: IcsTime, length: Length): number {
    const s = this.instant(start);
    if (length.kind === 'exact') return s + length.ms;
    const { days, exactMs } = length.duration;
    if (days === 0) return s + exactMs;
    const moved: IcsTime = start.kind === 'date' ? { kind: 'date', day: start.day + days } : { ...start, wall: start.wall + days * MS_PER_DAY };
    return this.instant(moved) + exactMs;
  }

  // --- reading ----------------------------------------------------------------------

  private one(ev: ICAL.Component, name: string): JCalProperty | undefined {
    const list = props(ev, name);
    if (list.length > 1) throw new IcsValueError(`${name.toUpperCase()} appears ${list.length} times`);
    return list[0];
  }

  private time(prop: JCalProperty, what: string): IcsTime {
    const [, , type, value, ...rest] = prop;
    if (rest.length) throw new IcsValueError(`${what} has more than one value`);
    return this.checkTzid(readTime(value, type, tzidOf(prop), what, this.show));
  }

  /** DTEND / DURATION of a component, or undefined when it has neither. */
  private length(ev: ICAL.Component, start: IcsTime): Length | undefined {
    const dtend = this.one(ev, 'dtend');
    const duration = this.one(ev, 'duration');
    if (dtend && duration) throw new IcsValueError('has both DTEND and DURATION');
    if (dtend) {
      const end = this.time(dtend, 'DTEND');
      if (start.kind === 'date' && end.kind === 'date') {
        if (end.day < start.day) throw new IcsValueError('DTEND is before DTSTART');
        return { kind: 'nominal', duration: { days: end.day - start.day, exactMs: 0 } };
      }
      const ms = this.instant(end) - this.instant(start);
      if (ms < 0) throw new IcsValueError('DTEND is before DTSTART');
      return { kind: 'exact', ms };
    }
    if (duration) {
      const d = readDuration(duration[3], 'DURATION', this.show);
      if (d.days < 0 || d.exactMs < 0) throw new IcsValueError(`DURATION "${String(duration[3])}" is negative`);
      return { kind: 'nominal', duration: d };
    }
    return undefined;
  }

  private readSeries(ev: ICAL.Component): Series {
    const dtstartProp = this.one(ev, 'dtstart');
    if (!dtstartProp) throw new IcsValueError('has no DTSTART');
    const dtstart = this.time(dtstartProp, 'DTSTART');
    const length = this.length(ev, dtstart) ?? defaultLength(dtstart);
    const rules = ev.getAllProperties('rrule').map((p) => new RecurrenceRule(p, dtstart));
    const rdates = props(ev, 'rdate').flatMap((p) =>
      readRdates(p, this.show).map((v) => {
        if (!isPeriod(v)) return { start: this.checkTzid(v), length };
        const start = this.checkTzid(v.start);
        if (isDuration(v.end)) return { start, length: { kind: 'nominal', duration: v.end } as Length };
        const ms = this.instant(this.checkTzid(v.end)) - this.instant(start);
        if (ms < 0) throw new IcsValueError('an RDATE PERIOD ends before it starts');
        return { start, length: { kind: 'exact', ms } as Length };
      }),
    );
    const exdates = props(ev, 'exdate').flatMap((p) => readTimes(p, 'EXDATE', this.show).map((t) => this.checkTzid(t)));
    return { dtstart, length, rules, rdates, exdates, cancelled: isCancelled(ev), label: textOf(ev, 'summary') ?? '', overrides: [] };
  }

  private readOverride(ev: ICAL.Component): Override {
    const ridProp = this.one(ev, 'recurrence-id')!;
    const recurrenceId = this.time(ridProp, 'RECURRENCE-ID');
    const dtstartProp = this.one(ev, 'dtstart');
    const start = dtstartProp ? this.time(dtstartProp, 'DTSTART') : recurrenceId;
    const label = textOf(ev, 'summary');
    return {
      recurrenceId,
      recurrenceInstant: this.instant(recurrenceId),
      thisAndFuture: String(ridProp[1].range ?? '').toUpperCase() === 'THISANDFUTURE',
      start,
      length: this.length(ev, start),
      cancelled: isCancelled(ev),
      label,
    };
  }

  // --- expansion --------------------------------------------------------------------

  private occurrences(s: Series, limit: number): Occurrence[] {
    const byInstant = new Map<number, Occurrence>();
    const add = (t: IcsTime, length: Length) => {
      const originalInstant = this.instant(t);
      if (originalInstant >= limit || byInstant.has(originalInstant)) return;
      byInstant.set(originalInstant, { original: t, originalInstant, start: t, length, label: s.label });
    };
    add(s.dtstart, s.length);
    for (const rule of s.rules) for (const t of rule.startsBefore(limit, this.clock)) add(t, s.length);
    for (const r of s.rdates) add(r.start, r.length);
    const ex = s.exdates.map((t) => ({ t, at: this.instant(t) }));
    let list = [...byInstant.values()].filter((o) => !ex.some((e) => sameInstance(e.t, e.at, o.original, o.originalInstant)));
    list.sort((a, b) => a.originalInstant - b.originalInstant);
    const unmatched: Override[] = [];
    for (const o of [...s.overrides].sort((a, b) => Number(a.thisAndFuture) - Number(b.thisAndFuture) || a.recurrenceInstant - b.recurrenceInstant)) {
      let matched = false;
      const next: Occurrence[] = [];
      for (const occ of list) {
        const hit = o.thisAndFuture ? occ.originalInstant >= o.recurrenceInstant : sameInstance(o.recurrenceId, o.recurrenceInstant, occ.original, occ.originalInstant);
        if (!hit) {
          next.push(occ);
          continue;
        }
        matched = true;
        if (o.cancelled) continue;
        const shift = this.instant(o.start) - o.recurrenceInstant;
        const start: IcsTime = o.thisAndFuture ? shifted(occ.start, shift) : o.start;
        next.push({ ...occ, start, length: o.length ?? occ.length, label: o.label ?? occ.label, overridden: true });
      }
      list = next;
      if (!matched && !o.cancelled) unmatched.push(o);
    }
    for (const o of unmatched) {
      list.push({ original: o.recurrenceId, originalInstant: o.recurrenceInstant, start: o.start, length: o.length ?? s.length, label: o.label ?? s.label, overridden: true });
    }
    return list;
  }

  private windowsBefore(limit: number): RawWindow[] {
    if (this.cache && this.cache.limit >= limit) return this.cache.windows;
    const out: RawWindow[] = [];
    const seen = new Set<string>();
    for (const s of this.series) {
      const overrideReach = Math.max(-Infinity, ...s.overrides.map((o) => o.recurrenceInstant + MS_PER_DAY));
      for (const occ of this.occurrences(s, Math.max(limit, overrideReach))) {
        // A cancelled series freezes nothing; its instances rescheduled on their own still do.
        if (s.cancelled && !occ.overridden) continue;
        const start = this.instant(occ.start);
        const end = this.end(occ.start, occ.length);
        if (!(end > start)) continue;
        const key = `${start}:${end}:${occ.label}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ start, end, ...(occ.label ? { label: occ.label } : {}) });
      }
    }
    out.sort((a, b) => a.start - b.start || a.end - b.end);
    this.cache = { limit, windows: out };
    return out;
  }

  touching(from: number, to: number): RawWindow[] {
    if (!(to > from)) return [];
    // Instances that start up to two days after `to` are expanded, so the cache serves the next call.
    return this.windowsBefore(to + 2 * MS_PER_DAY).filter((w) => w.start < to && w.end > from);
  }
}

function defaultLength(start: IcsTime): Length {
  return start.kind === 'date' ? { kind: 'nominal', duration: { days: 1, exactMs: 0 } } : { kind: 'exact', ms: 0 };
}

function isCancelled(ev: ICAL.Component): boolean {
  return String(ev.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
}

function shifted(t: IcsTime, ms: number): IcsTime {
  if (t.kind === 'date') return { kind: 'date', day: t.day + Math.round(ms / MS_PER_DAY) };
  return { ...t, wall: t.wall + ms };
}
