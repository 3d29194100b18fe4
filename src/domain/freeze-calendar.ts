import type { FreezeRule, FreezeRuleKind, ShipgateConfig } from '../config/config-schema';
import { parseDuration } from '../shared/duration';
import { ShipgateError } from '../shared/shipgate-error';
import { MS_PER_DAY } from '../calendar/days';
import { HolidayDays, type HolidaySpec } from '../calendar/holidays';
import { IcsSource } from '../calendar/ics-source';
import {
  AnnualSource,
  DatesSource,
  HolidaySource,
  MonthEndSource,
  RecurringSource,
  SpanSource,
  type RawWindow,
  type WindowSource,
} from '../calendar/rule-sources';

/**
 * The freeze-calendar engine (SPEC §3 "Freeze semantics"). Pure: time is always passed
 * in, calendar texts and blackout spans are handed over by adapters.
 *
 * Windows are half-open [start, end). Per rule, windows are expanded lazily per UTC
 * year and cached; per environment, the windows touching a year are kept sorted with a
 * running maximum of their ends so `check` is a binary search plus a short scan.
 */

/** A freeze window, [start, end). `label` optionally says what it is (holiday name, ICS event summary, …). */
export interface FreezeWindow {
  rule: string;
  start: Date;
  end: Date;
  label?: string;
}

export interface FreezeCheck {
  env: string;
  at: Date;
  frozen: boolean;
  /** Applicable windows containing `at`, sorted by start then rule. */
  windows: FreezeWindow[];
  /** Earliest instant ≥ at covered by no applicable window (= at when not frozen). */
  nextOpen: Date;
}

export interface BlackoutSpan {
  start: Date;
  end: Date;
  label?: string;
}

export interface CalendarSources {
  /** ICS text per `ics` rule name. */
  icsText?: Record<string, string>;
  /** Spans per `servicenowBlackout` rule name. */
  blackoutSpans?: Record<string, BlackoutSpan[]>;
  /** Why a rule's source could not be read (rule name → reason), from the adapter that tried. */
  sourceErrors?: Record<string, string>;
}

/** A rule that applies but could not be evaluated, and why: the answer is "frozen" (fail closed). */
export interface UnevaluatedRule {
  rule: string;
  reason: string;
}

export type FreezeCalendarConfig = Pick<ShipgateConfig, 'timezone' | 'freezes' | 'businessCalendar'>;

export interface RuleInfo {
  name: string;
  kind: FreezeRuleKind;
  environments: string[];
  timezone: string;
}

/** How far nextOpen looks before giving up (a freeze is not expected to last years). */
export const NEXT_OPEN_HORIZON_MS = 2 * 366 * MS_PER_DAY;

interface CompiledRule {
  index: number;
  info: RuleInfo;
  all: boolean;
  envs: ReadonlySet<string>;
  /** undefined when the rule's source (ICS text, blackout spans) is missing or unreadable. */
  source: WindowSource | undefined;
}

interface Bucket {
  starts: Float64Array;
  ends: Float64Array;
  /** maxEnd[i] = max(ends[0..i]) — lets the backwards scan stop early. */
  maxEnd: Float64Array;
  windows: RawWindow[];
  rules: string[];
}

const MAX_CACHED_YEARS = 64;
const MAX_CACHED_ENVS = 256;

function kindOf(rule: FreezeRule): FreezeRuleKind {
  if (rule.annual) return 'annual';
  if (rule.dates) return 'dates';
  if (rule.monthEndBusinessDays !== undefined) return 'monthEndBusinessDays';
  if (rule.holidays) return 'holidays';
  if (rule.recurring) return 'recurring';
  if (rule.ics !== undefined) return 'ics';
  if (rule.servicenowBlackout !== undefined) return 'servicenowBlackout';
  throw new ShipgateError('config_invalid', `freeze rule "${rule.name}" has no kind`, {
    problems: [`freezes: rule "${rule.name}" needs one of annual, dates, monthEndBusinessDays, holidays, recurring, ics, servicenowBlackout`],
  });
}

function utcYear(t: number): number {
  return new Date(t).getUTCFullYear();
}

function compareWindows(a: { start: number; end: number; rule: string }, b: { start: number; end: number; rule: string }): number {
  return a.start - b.start || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) || a.end - b.end;
}

function toFreezeWindow(rule: string, w: RawWindow): FreezeWindow {
  return { rule, start: new Date(w.start), end: new Date(w.end), ...(w.label ? { label: w.label } : {}) };
}

function validTime(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new ShipgateError('bad_option', `${what} is not a valid instant`);
  return t;
}

export class FreezeCalendar {
  readonly timezone: string;
  private readonly rules: CompiledRule[] = [];
  private readonly sourceErrors = new Map<string, string>();
  private readonly ruleYears = new Map<number, Map<number, RawWindow[]>>();
  private readonly buckets = new Map<string, Map<number, Bucket>>();
  private lastEnv: string | undefined;
  private lastYear = Number.NaN;
  private lastBucket: Bucket | undefined;

  constructor(config: FreezeCalendarConfig, sources: CalendarSources = {}) {
    this.timezone = config.timezone ?? 'UTC';
    const problems: string[] = [];
    const holidayCache = new Map<string, HolidayDays>();
    const holidayDays = (spec: HolidaySpec, path: string): HolidayDays | undefined => {
      const key = JSON.stringify([spec.country, spec.state ?? '', spec.region ?? '', [...(spec.types ?? ['public', 'bank'])].sort()]);
      let hd = holidayCache.get(key);
      if (!hd) {
        try {
          hd = new HolidayDays(spec);
        } catch (e) {
          problems.push(`${path}: ${(e as Error).message}`);
          return undefined;
        }
        holidayCache.set(key, hd);
      }
      return hd;
    };
    const business = config.businessCalendar ? holidayDays({ ...config.businessCalendar, types: ['public', 'bank'] }, 'businessCalendar') : undefined;

    (config.freezes ?? []).forEach((rule, index) => {
      const zone = rule.timezone ?? this.timezone;
      const kind = kindOf(rule);
      const environments = rule.environments ?? ['*'];
      const info: RuleInfo = { name: rule.name, kind, environments: [...environments], timezone: zone };
      let source: WindowSource | undefined;
      switch (kind) {
        case 'annual':
          source = new AnnualSource(zone, rule.annual!.from, rule.annual!.to);
          break;
        case 'dates':
          source = new DatesSource(zone, rule.dates!);
          break;
        case 'monthEndBusinessDays':
          source = new MonthEndSource(zone, rule.monthEndBusinessDays!, business);
          break;
        case 'holidays': {
          const hd = holidayDays(rule.holidays!, `freezes[${index}].holidays`);
          if (hd) source = new HolidaySource(zone, hd);
          break;
        }
        case 'recurring': {
          const ms = parseDuration(rule.recurring!.duration);
          if (ms === undefined) problems.push(`freezes[${index}].recurring.duration: expected a duration such as "62h"`);
          else source = new RecurringSource(zone, rule.recurring!.cron, ms);
          break;
        }
        case 'ics': {
          const text = sources.icsText?.[rule.name];
          if (text === undefined) {
            this.sourceErrors.set(rule.name, sources.sourceErrors?.[rule.name] ?? `calendar ${rule.ics} was not loaded`);
          } else {
            try {
              source = new IcsSource(zone, text);
            } catch (e) {
              this.sourceErrors.set(rule.name, `calendar ${rule.ics} could not be parsed: ${(e as Error).message}`);
            }
          }
          break;
        }
        case 'servicenowBlackout': {
          const spans = sources.blackoutSpans?.[rule.name];
          if (spans === undefined) {
            this.sourceErrors.set(rule.name, sources.sourceErrors?.[rule.name] ?? `ServiceNow blackout schedule "${rule.servicenowBlackout}" was not read`);
          }
          else source = new SpanSource(spans);
          break;
        }
      }
      this.rules.push({ index, info, all: environments.includes('*'), envs: new Set(environments), source });
    });
    if (problems.length) throw new ShipgateError('config_invalid', `invalid freeze calendar: ${problems[0]}`, { problems });
  }

  /** Every rule with its kind, environments and effective time zone. */
  describeRules(): RuleInfo[] {
    return this.rules.map((r) => ({ ...r.info, environments: [...r.info.environments] }));
  }

  /** Rules applying to `env` whose source (ICS text, blackout spans) is missing or unreadable: callers must fail closed. */
  missingSources(env: string): string[] {
    return this.applicable(env)
      .filter((r) => !r.source)
      .map((r) => r.info.name);
  }

  /** Rules applying to `env` that could not be evaluated, with the reason, in config order. */
  unevaluated(env: string): UnevaluatedRule[] {
    return this.missingSources(env).map((rule) => ({ rule, reason: this.sourceErrors.get(rule) ?? 'its source could not be read' }));
  }

  /** Why a rule's source is missing (rule name → reason). */
  sourceProblems(): Record<string, string> {
    return Object.fromEntries(this.sourceErrors);
  }

  check(env: string, at: Date): FreezeCheck {
    const t = validTime(at, 'at');
    const b = this.bucket(env, utcYear(t));
    const windows: FreezeWindow[] = [];
    let i = upperBound(b.starts, t) - 1;
    for (; i >= 0 && b.maxEnd[i]! > t; i--) {
      if (b.ends[i]! > t) windows.push(toFreezeWindow(b.rules[i]!, b.windows[i]!));
    }
    if (windows.length === 0) return { env, at: new Date(t), frozen: false, windows, nextOpen: new Date(t) };
    windows.reverse();
    return { env, at: new Date(t), frozen: true, windows, nextOpen: this.nextOpenFrom(env, t) };
  }

  nextOpen(env: string, at: Date): Date {
    return this.nextOpenFrom(env, validTime(at, 'at'));
  }

  /** Every applicable window touching [from, to), sorted by start then rule. */
  list(env: string, from: Date, to: Date): FreezeWindow[] {
    const f = validTime(from, 'from');
    const t = validTime(to, 'to');
    if (!(t > f)) return [];
    const seen = new Set<string>();
    const out: Array<{ rule: string; start: number; end: number; w: RawWindow }> = [];
    for (let y = utcYear(f), y1 = utcYear(t - 1); y <= y1; y++) {
      const b = this.bucket(env, y);
      for (let i = 0; i < b.windows.length; i++) {
        const w = b.windows[i]!;
        if (w.start >= t) break;
        if (w.end <= f) continue;
        const key = `${b.rules[i]}\u0000${w.start}\u0000${w.end}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ rule: b.rules[i]!, start: w.start, end: w.end, w });
      }
    }
    return out.sort(compareWindows).map((x) => toFreezeWindow(x.rule, x.w));
  }

  /** Windows touching [at, at + days × 24 h). */
  upcoming(env: string, at: Date, days: number): FreezeWindow[] {
    const t = validTime(at, 'at');
    return this.list(env, new Date(t), new Date(t + days * MS_PER_DAY));
  }

  // ---------------------------------------------------------------------------------

  private applicable(env: string): CompiledRule[] {
    return this.rules.filter((r) => r.all || r.envs.has(env));
  }

  private nextOpenFrom(env: string, start: number): Date {
    let t = start;
    for (;;) {
      const b = this.bucket(env, utcYear(t));
      let maxEnd = -Infinity;
      for (let i = upperBound(b.starts, t) - 1; i >= 0 && b.maxEnd[i]! > t; i--) {
        if (b.ends[i]! > t && b.ends[i]! > maxEnd) maxEnd = b.ends[i]!;
      }
      if (maxEnd === -Infinity) return new Date(t);
      if (maxEnd - start > NEXT_OPEN_HORIZON_MS) {
        throw new ShipgateError(
          'invalid_state',
          `environment "${env}" is frozen for more than 2 years from ${new Date(start).toISOString()}: check the freeze rules (a window chain never opens)`,
          { env, at: new Date(start).toISOString() },
        );
      }
      t = maxEnd;
    }
  }

  private ruleWindowsForYear(rule: CompiledRule, year: number): RawWindow[] {
    let years = this.ruleYears.get(rule.index);
    if (!years) {
      years = new Map();
      this.ruleYears.set(rule.index, years);
    }
    let list = years.get(year);
    if (!list) {
      if (years.size >= MAX_CACHED_YEARS) years.clear();
      list = rule.source ? rule.source.touching(Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)) : [];
      years.set(year, list);
    }
    return list;
  }

  private bucket(env: string, year: number): Bucket {
    if (env === this.lastEnv && year === this.lastYear && this.lastBucket) return this.lastBucket;
    let byYear = this.buckets.get(env);
    if (!byYear) {
      if (this.buckets.size >= MAX_CACHED_ENVS) this.buckets.clear();
      byYear = new Map();
      this.buckets.set(env, byYear);
    }
    let b = byYear.get(year);
    if (!b) {
      if (byYear.size >= MAX_CACHED_YEARS) byYear.clear();
      const items: Array<{ rule: string; start: number; end: number; w: RawWindow }> = [];
      for (const r of this.applicable(env)) {
        for (const w of this.ruleWindowsForYear(r, year)) items.push({ rule: r.info.name, start: w.start, end: w.end, w });
      }
      items.sort(compareWindows);
      const n = items.length;
      b = { starts: new Float64Array(n), ends: new Float64Array(n), maxEnd: new Float64Array(n), windows: [], rules: [] };
      let max = -Infinity;
      items.forEach((x, i) => {
        b!.starts[i] = x.start;
        b!.ends[i] = x.end;
        max = Math.max(max, x.end);
        b!.maxEnd[i] = max;
        b!.windows.push(x.w);
        b!.rules.push(x.rule);
      });
      byYear.set(year, b);
    }
    this.lastEnv = env;
    this.lastYear = year;
    this.lastBucket = b;
    return b;
  }
}

/** Index of the first element > x (sorted ascending). */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
