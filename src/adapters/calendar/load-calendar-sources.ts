import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ShipgateConfig } from '../../config/config-schema';
import type { BlackoutSpan, CalendarSources } from '../../domain/freeze-calendar';

/**
 * Reads what the freeze calendar needs from the outside world: the text of every `ics`
 * rule (a file relative to the config's directory, or an https URL) and, when a port is
 * given, the spans of every `servicenowBlackout` rule. A source that cannot be read is
 * reported in `errors` and left out of `sources`, so the calendar reports that rule as
 * missing (callers fail closed) — it is never treated as "no freeze".
 */

export type BlackoutSource = (scheduleName: string) => Promise<BlackoutSpan[]>;

export interface CalendarSourceError {
  rule: string;
  /** The configured path / URL / schedule name. */
  source: string;
  message: string;
}

export interface LoadedCalendarSources {
  sources: CalendarSources;
  errors: CalendarSourceError[];
  /** `servicenowBlackout` rules not evaluated because no blackout port was given. */
  unevaluated: string[];
}

export interface LoadCalendarOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per-URL timeout, default 10 s. */
  timeoutMs?: number;
  readFile?: (file: string) => Promise<string>;
  blackoutSource?: BlackoutSource;
}

export const ICS_FETCH_TIMEOUT_MS = 10_000;

/** Why a `servicenowBlackout` rule is not evaluated when no blackout port is given. */
export const SERVICENOW_NOT_CONFIGURED =
  'ServiceNow is not configured: set SERVICENOW_INSTANCE_URL and SERVICENOW_USERNAME + SERVICENOW_PASSWORD (or SERVICENOW_TOKEN)';

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'timed out';
  if (err?.code === 'ENOENT') return 'file not found';
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a directory, not a file';
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `${err?.message ?? String(e)}${cause ? ` (${cause})` : ''}`;
}

async function readIcs(ref: string, baseDir: string, opts: LoadCalendarOptions): Promise<string> {
  if (/^https:\/\//i.test(ref)) {
    const timeoutMs = opts.timeoutMs ?? ICS_FETCH_TIMEOUT_MS;
    const doFetch = opts.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(ref, {
        headers: { accept: 'text/calendar, text/plain;q=0.5, */*;q=0.1', 'user-agent': 'shipgate' },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'follow',
      });
    } catch (e) {
      const msg = describeError(e);
      throw new Error(msg === 'timed out' ? `no answer from ${ref} within ${timeoutMs / 1000} s` : `cannot fetch ${ref}: ${msg}`);
    }
    if (!res.ok) throw new Error(`GET ${ref} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
    return ensureCalendar(await res.text(), ref);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
    throw new Error(`unsupported calendar URL ${ref}: use an https:// URL or a file path`);
  }
  const file = path.resolve(baseDir, ref);
  try {
    return ensureCalendar(await (opts.readFile ?? ((f: string) => readFile(f, 'utf8')))(file), file);
  } catch (e) {
    if ((e as Error).message?.startsWith('not an iCalendar')) throw e;
    throw new Error(`cannot read ${file}: ${describeError(e)} (ics paths are relative to the config file's directory)`);
  }
}

function ensureCalendar(text: string, where: string): string {
  if (!/BEGIN:VCALENDAR/i.test(text)) throw new Error(`not an iCalendar file: ${where} has no BEGIN:VCALENDAR`);
  return text;
}

export async function loadCalendarSources(
  config: Pick<ShipgateConfig, 'freezes'>,
  baseDir: string,
  opts: LoadCalendarOptions = {},
): Promise<LoadedCalendarSources> {
  const icsText: Record<string, string> = {};
  const blackoutSpans: Record<string, BlackoutSpan[]> = {};
  const errors: CalendarSourceError[] = [];
  const unevaluated: string[] = [];
  await Promise.all(
    (config.freezes ?? []).map(async (rule) => {
      if (rule.ics !== undefined) {
        try {
          icsText[rule.name] = await readIcs(rule.ics, baseDir, opts);
        } catch (e) {
          errors.push({ rule: rule.name, source: rule.ics, message: (e as Error).message });
        }
      } else if (rule.servicenowBlackout !== undefined) {
        if (!opts.blackoutSource) {
          unevaluated.push(rule.name);
          return;
        }
        try {
          const spans = await opts.blackoutSource(rule.servicenowBlackout);
          if (!Array.isArray(spans)) throw new Error('the blackout source returned no list of spans');
          blackoutSpans[rule.name] = spans;
        } catch (e) {
          errors.push({
            rule: rule.name,
            source: rule.servicenowBlackout,
            message: `cannot read ServiceNow blackout schedule "${rule.servicenowBlackout}": ${describeError(e)}`,
          });
        }
      }
    }),
  );
  const order = new Map((config.freezes ?? []).map((r, i) => [r.name, i]));
  errors.sort((a, b) => (order.get(a.rule) ?? 0) - (order.get(b.rule) ?? 0));
  unevaluated.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const sourceErrors: Record<string, string> = Object.fromEntries(errors.map((e) => [e.rule, e.message]));
  for (const rule of unevaluated) sourceErrors[rule] = SERVICENOW_NOT_CONFIGURED;
  return { sources: { icsText, blackoutSpans, sourceErrors }, errors, unevaluated };
}
