import type Holidays from 'date-holidays';
import { dateHolidays } from './libraries';
import { dayOf, parseIsoDay, MS_PER_DAY } from './days';

export type HolidayType = 'public' | 'bank' | 'school' | 'optional' | 'observance';

export interface HolidaySpec {
  country: string;
  region?: string;
  state?: string;
  types?: HolidayType[];
}

/**
 * Public holidays of a country / subdivision from date-holidays, as calendar days.
 * `region` alone is accepted for the first subdivision level (date-holidays calls it
 * "state": GB → ENG, SCT, WLS, NIR; US → CA, NY, …); `state` + `region` selects the
 * second level. Unknown codes are reported (date-holidays would silently fall back to
 * the whole country).
 */
export class HolidayDays {
  private readonly hd: Holidays;
  private readonly types: ReadonlySet<string>;
  private readonly byYearRaw = new Map<number, Array<{ day: number; days: number; name: string }>>();
  private readonly byYear = new Map<number, Map<number, string>>();

  constructor(readonly spec: HolidaySpec) {
    const problem = holidaySpecProblem(spec);
    if (problem) throw new Error(problem);
    const state = spec.state ?? spec.region;
    const region = spec.state ? spec.region : undefined;
    const Hd = dateHolidays();
    this.hd = region ? new Hd(spec.country, state!, region) : state ? new Hd(spec.country, state) : new Hd(spec.country);
    this.types = new Set(spec.types ?? ['public', 'bank']);
  }

  private raw(year: number): Array<{ day: number; days: number; name: string }> {
    let list = this.byYearRaw.get(year);
    if (!list) {
      list = [];
      for (const h of this.hd.getHolidays(year)) {
        if (!this.types.has(h.type)) continue;
        const day = parseIsoDay(h.date.slice(0, 10));
        // Multi-day holidays: date-holidays gives start/end instants; whole days only.
        const span = h.start && h.end ? Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / MS_PER_DAY)) : 1;
        list.push({ day, days: span, name: h.name });
      }
      this.byYearRaw.set(year, list);
    }
    return list;
  }

  /** Holiday days falling in calendar year `year` → holiday name(s). */
  daysInYear(year: number): Map<number, string> {
    let days = this.byYear.get(year);
    if (!days) {
      days = new Map();
      const lo = dayOf(year, 1, 1);
      const hi = dayOf(year + 1, 1, 1);
      for (const y of [year - 1, year, year + 1]) {
        for (const h of this.raw(y)) {
          for (let i = 0; i < h.days; i++) {
            const d = h.day + i;
            if (d < lo || d >= hi) continue;
            const prev = days.get(d);
            if (prev === undefined) days.set(d, h.name);
            else if (!prev.split(', ').includes(h.name)) days.set(d, `${prev}, ${h.name}`);
          }
        }
      }
      this.byYear.set(year, days);
    }
    return days;
  }

  isHoliday(day: number, year: number): boolean {
    return this.daysInYear(year).has(day);
  }

  nameOf(day: number, year: number): string | undefined {
    return this.daysInYear(year).get(day);
  }
}

/** A readable problem when date-holidays does not know the country / subdivision, else undefined. */
export function holidaySpecProblem(spec: HolidaySpec): string | undefined {
  return holidaySpecIssue(spec)?.message;
}

/** Like `holidaySpecProblem`, naming the key that is wrong (country, state or region) and quoting its value. */
export function holidaySpecIssue(spec: HolidaySpec): { key: 'country' | 'state' | 'region'; message: string } | undefined {
  const hd = new (dateHolidays())();
  const countries = hd.getCountries() ?? {};
  if (!countries[spec.country]) return { key: 'country', message: `unknown holiday country "${spec.country}" (date-holidays has no calendar for it)` };
  const state = spec.state ?? spec.region;
  if (!state) return undefined;
  const states = hd.getStates(spec.country) ?? {};
  if (!states[state]) {
    const known = Object.keys(states);
    return {
      key: spec.state ? 'state' : 'region',
      message: `unknown subdivision "${state}" of ${spec.country}${known.length ? ` (known: ${known.join(', ')})` : ' (it has none)'}`,
    };
  }
  if (spec.state && spec.region) {
    const regions = hd.getRegions(spec.country, spec.state) ?? {};
    if (!regions[spec.region]) {
      const known = Object.keys(regions);
      return { key: 'region', message: `unknown region "${spec.region}" of ${spec.country}-${spec.state}${known.length ? ` (known: ${known.join(', ')})` : ' (it has none)'}` };
    }
  }
  return undefined;
}
