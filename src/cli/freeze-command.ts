import { loadConfig, configProblems, type LoadedConfig } from '../config/load-config';
import { FreezeCalendar, type FreezeWindow } from '../domain/freeze-calendar';
import { isShipgateError } from '../shared/shipgate-error';
import { instantOfLocal, isLeapYear, MS_PER_DAY } from '../calendar/days';
import { formatLocal, isoUtc, zoneAbbreviation } from '../calendar/format';
import { loadCalendarSources, type BlackoutSource } from '../adapters/calendar/load-calendar-sources';
import { parseCommand, usageError, withUsage, type CommandSpec } from './cli-args';
import { serviceNowConfigured } from '../wiring/servicenow-configured';
import type { ChangeManagement } from '../app/ports/change-management';

function blackoutSourceOf(changes: ChangeManagement): BlackoutSource {
  return (name) => changes.blackoutSpans(name);
}

/**
 * `shipgate freeze check|list` (SPEC §4).
 *
 *   freeze check --env E [--at ISO-8601] [--config F] [--json]   exit 0 open, 3 frozen
 *   freeze list  --env E --from DATE --to DATE [--config F] [--json]
 *
 * A freeze rule that applies but cannot be evaluated (ICS missing or broken, ServiceNow
 * not configured or unreachable) makes `check` answer "frozen" (exit 3, `"frozen": true`,
 * `"unevaluated": [{rule, reason}]`, `"nextOpen": null`): it never answers "open".
 * Other exits: 2 bad arguments (usage, unknown environment, bad instant), 1 invalid
 * config, a window chain that never opens, or `list` with an unreadable calendar.
 */

export interface FreezeCommandIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  now: () => Date;
  env: Record<string, string | undefined>;
  /**
   * Resolves a ServiceNow blackout schedule by name (default: ServiceNow from SERVICENOW_* when
   * SERVICENOW_INSTANCE_URL is set, wired like the bot's); without one such rules are reported as not evaluated.
   */
  blackoutSource?: BlackoutSource;
  /** For https ICS calendars; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export const EXIT_OPEN = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_FROZEN = 3;

export const FREEZE_USAGE = [
  'usage: shipgate freeze check --env E [--at ISO-8601] [--config F] [--json]',
  '       shipgate freeze list  --env E --from DATE --to DATE [--config F] [--json]',
  '',
  '  check   is E frozen at --at (default now)? exit 0 open, 3 frozen',
  '  list    every freeze window of E touching [--from, --to)',
  '  DATE    YYYY-MM-DD (local midnight in the config timezone) or an ISO-8601 instant',
  '  --at    ISO-8601 instant, e.g. 2026-11-27T10:00:00Z (no offset: the config timezone)',
  '  --config F   default: $SHIPGATE_CONFIG, else ./shipgate.yml',
].join('\n');

const MAX_LIST_RANGE_MS = 10 * 366 * MS_PER_DAY;

interface Parsed {
  sub: 'check' | 'list' | 'help';
  opts: Record<string, string | true>;
}

const FILE = { type: 'string', value: 'a file' } as const;
const SPECS: Record<'check' | 'list', CommandSpec> = {
  check: { name: 'freeze check', usage: FREEZE_USAGE, options: { env: { type: 'string' }, at: { type: 'string' }, config: FILE, json: { type: 'boolean' } } },
  list: { name: 'freeze list', usage: FREEZE_USAGE, options: { env: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, config: FILE, json: { type: 'boolean' } } },
};

function parseFreezeArgs(argv: string[]): Parsed {
  const args = argv[0] === 'freeze' ? argv.slice(1) : [...argv];
  const sub = args.shift();
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') return { sub: 'help', opts: {} };
  if (sub !== 'check' && sub !== 'list') throw usageError({ name: 'freeze', usage: FREEZE_USAGE }, `unknown freeze command "${sub}" (use "check" or "list")`);
  const { values, help } = parseCommand(SPECS[sub], args);
  if (help) return { sub: 'help', opts: {} };
  const opts: Record<string, string | true> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== false) opts[k] = v;
  return { sub, opts };
}

const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Parses a CLI instant: "YYYY-MM-DD" (local midnight in `zone`), "YYYY-MM-DDTHH:MM[:SS[.sss]]"
 * (wall time in `zone`) or with "Z" / "±HH:MM" (exact instant). undefined when malformed.
 */
export function parseInstantArg(text: string, zone: string): Date | undefined {
  const m = INSTANT_RE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const monthDays = [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (mo < 1 || mo > 12 || d < 1 || d > monthDays[mo - 1]! || h > 23 || mi > 59 || s > 59) return undefined;
  const zoneText = m[8];
  if (zoneText === undefined) return new Date(instantOfLocal(zone, y, mo, d, h, mi, s, ms));
  let offsetMin = 0;
  if (zoneText.toUpperCase() !== 'Z') {
    const sign = zoneText.startsWith('-') ? -1 : 1;
    const digits = zoneText.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000);
}

function local(t: Date, zone: string): string {
  return `${formatLocal(t, zone, true)} ${zoneAbbreviation(t.getTime(), zone)}`;
}

function windowLine(w: FreezeWindow, zone: string, ruleWidth: number): string {
  return `  ${w.rule.padEnd(ruleWidth)}  ${local(w.start, zone)} – ${local(w.end, zone)}  (${isoUtc(w.start)} – ${isoUtc(w.end)})${w.label ? `  ${w.label}` : ''}`;
}

function jsonWindow(w: FreezeWindow): { rule: string; start: string; end: string } {
  return { rule: w.rule, start: w.start.toISOString(), end: w.end.toISOString() };
}

export function freezeCommand(argv: string[], io: FreezeCommandIO): Promise<number> {
  return withUsage(io, () => freeze(argv, io));
}

async function freeze(argv: string[], io: FreezeCommandIO): Promise<number> {
  const parsed = parseFreezeArgs(argv);
  if (parsed.sub === 'help') {
    io.stdout(`${FREEZE_USAGE}\n`);
    return EXIT_OPEN;
  }
  const { sub, opts } = parsed;
  const usage = (msg: string): never => {
    throw usageError(SPECS[sub], msg);
  };
  const env = opts.env as string | undefined;
  if (!env) return usage('--env is required (the environment to check, e.g. --env prod)');
  if (sub === 'list' && (!opts.from || !opts.to)) return usage('--from and --to are required (e.g. --from 2026-12-01 --to 2027-01-01)');

  // Config
  const configFile = (opts.config as string | undefined) ?? io.env.SHIPGATE_CONFIG ?? './shipgate.yml';
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(configFile);
  } catch (e) {
    const problems = configProblems(e);
    if (!problems) throw e;
    io.stderr(`${(e as Error).message}\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return EXIT_ERROR;
  }
  const { config } = loaded;
  const zone = config.timezone;
  const envNames = config.environments.map((e) => e.name);
  if (!envNames.includes(env)) {
    io.stderr(`shipgate freeze ${sub}: unknown environment "${env}" (environments: ${envNames.join(', ')})\n`);
    return EXIT_USAGE;
  }

  // Instants
  let at: Date | undefined;
  let from: Date | undefined;
  let to: Date | undefined;
  if (sub === 'check') {
    if (opts.at !== undefined) {
      at = parseInstantArg(opts.at as string, zone);
      if (!at) return usage(`--at "${opts.at}" is not an ISO-8601 instant (e.g. 2026-11-27T10:00:00Z or 2026-11-27T10:00 in ${zone})`);
    } else {
      at = io.now();
    }
  } else {
    from = parseInstantArg(opts.from as string, zone);
    if (!from) return usage(`--from "${opts.from}" is not a date (YYYY-MM-DD) or an ISO-8601 instant`);
    to = parseInstantArg(opts.to as string, zone);
    if (!to) return usage(`--to "${opts.to}" is not a date (YYYY-MM-DD) or an ISO-8601 instant`);
    if (to.getTime() <= from.getTime()) return usage(`--to (${isoUtc(to)}) must be after --from (${isoUtc(from)})`);
    if (to.getTime() - from.getTime() > MAX_LIST_RANGE_MS) return usage('the range is longer than 10 years: list a shorter range');
  }

  // Calendar sources and engine
  // The ServiceNow adapter (and its response schemas) is loaded only when it is configured.
  const blackouts =
    io.blackoutSource ??
    (serviceNowConfigured(io.env) ? blackoutSourceOf((await import('../wiring/build-change-management')).buildChangeManagement(io.env, config)) : undefined);
  const loadedSources = await loadCalendarSources(config, loaded.baseDir, {
    ...(blackouts ? { blackoutSource: blackouts } : {}),
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  let calendar: FreezeCalendar;
  try {
    calendar = new FreezeCalendar(config, loadedSources.sources);
  } catch (e) {
    const problems = configProblems(e);
    if (!problems) throw e;
    io.stderr(`${loaded.file}: invalid configuration\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return EXIT_ERROR;
  }
  const unevaluated = calendar.unevaluated(env);
  const missing = unevaluated.map((u) => u.rule);
  const notConnected = new Set(loadedSources.unevaluated.filter((r) => missing.includes(r)));
  const unreadable = missing.filter((r) => !notConnected.has(r));
  if (sub === 'check') {
    // A rule that could not be evaluated means "frozen" (fail closed), whatever the other rules say.
    for (const u of unevaluated) io.stderr(`error: freeze rule "${u.rule}" could not be evaluated: ${u.reason}\n`);
  } else {
    for (const u of unevaluated) {
      if (notConnected.has(u.rule)) io.stderr(`warning: freeze rule "${u.rule}" (ServiceNow blackout schedule) was not evaluated: ${u.reason}\n`);
      else io.stderr(`error: freeze rule "${u.rule}" could not be evaluated: ${u.reason}\n`);
    }
  }

  try {
    if (sub === 'check') {
      const result = calendar.check(env, at!);
      const frozen = result.frozen || unevaluated.length > 0;
      if (opts.json) {
        const out: Record<string, unknown> = {
          env,
          at: result.at.toISOString(),
          frozen,
          windows: result.windows.map(jsonWindow),
          // Unknown while a rule cannot be evaluated: it may be frozen for longer.
          nextOpen: unevaluated.length ? null : result.nextOpen.toISOString(),
        };
        if (unevaluated.length) out.unevaluated = unevaluated.map((u) => ({ rule: u.rule, reason: u.reason }));
        io.stdout(`${JSON.stringify(out)}\n`);
      } else {
        const lines: string[] = [];
        if (frozen) {
          const why = result.frozen ? '' : ' (fail closed: a freeze rule could not be evaluated)';
          lines.push(`${env}: FROZEN at ${local(result.at, zone)} (${isoUtc(result.at)})${why}`);
          const width = Math.max(0, ...result.windows.map((w) => w.rule.length));
          for (const w of result.windows) lines.push(windowLine(w, zone, width));
          for (const u of unevaluated) lines.push(`  not evaluated: ${u.rule}: ${u.reason}`);
          if (unevaluated.length) lines.push('Next open: unknown until every freeze rule can be evaluated');
          else lines.push(`Next open: ${local(result.nextOpen, zone)} (${isoUtc(result.nextOpen)})`);
        } else {
          lines.push(`${env}: open at ${local(result.at, zone)} (${isoUtc(result.at)}): no freeze window applies`);
          const next = calendar.upcoming(env, result.at, 30)[0];
          if (next)
            lines.push(`Next freeze: ${next.rule} from ${local(next.start, zone)} (${isoUtc(next.start)}) to ${local(next.end, zone)} (${isoUtc(next.end)})`);
        }
        io.stdout(`${lines.join('\n')}\n`);
      }
      return frozen ? EXIT_FROZEN : EXIT_OPEN;
    }

    const windows = calendar.list(env, from!, to!);
    if (opts.json) {
      io.stdout(`${JSON.stringify(windows.map(jsonWindow))}\n`);
    } else {
      const lines = [
        `${env}: ${windows.length} freeze window${windows.length === 1 ? '' : 's'} touching ${local(from!, zone)} – ${local(to!, zone)} (${isoUtc(from!)} – ${isoUtc(to!)})`,
      ];
      const width = Math.max(0, ...windows.map((w) => w.rule.length));
      for (const w of windows) lines.push(windowLine(w, zone, width));
      for (const u of unevaluated) lines.push(`Not evaluated: ${u.rule}: ${u.reason}`);
      io.stdout(`${lines.join('\n')}\n`);
    }
    return unreadable.length ? EXIT_ERROR : EXIT_OPEN;
  } catch (e) {
    if (isShipgateError(e)) {
      io.stderr(`shipgate freeze ${sub}: ${e.message}\n`);
      return EXIT_ERROR;
    }
    throw e;
  }
}
