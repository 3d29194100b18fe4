import type { FreezeCheck, FreezeWindow, UnevaluatedRule } from '../freeze-calendar';
import { formatLocal, formatWindowRange, isoUtc, zoneAbbreviation } from '../../calendar/format';
import type { FreezeDetails, FreezeWindowDetails } from './gate-details';
import { gate, type GateResultFor } from './gate-result';

export interface FreezeGateOptions {
  /** The requester's Slack time zone (users.info `tz`); the next open instant is also shown in it. */
  requesterTimeZone?: string;
  /** Rules whose source could not be read (`FreezeCalendar.missingSources(env)`): the gate fails closed. */
  missingSources?: string[];
  /** The same rules with the reason (`FreezeCalendar.unevaluated(env)`), shown in the block. */
  unevaluated?: UnevaluatedRule[];
  /** Zone the windows are shown in: the config's `timezone` (default UTC). */
  calendarTimeZone?: string;
}

function windowText(w: FreezeWindow, zone: string): string {
  return `*${w.rule}* (${formatWindowRange(w.start, w.end, zone)})`;
}

/** Slack mrkdwn escaping for text that comes from outside (file paths, error messages). */
function escText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function listText(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "Tue 1 Dec 2026 00:00 GMT (Mon 30 Nov 19:00 America/New_York) = 2026-12-01T00:00:00Z" */
export function formatOpenInstant(instant: Date, zone: string, requesterTimeZone?: string): string {
  const t = instant.getTime();
  const main = `${formatLocal(t, zone, true)} ${zoneAbbreviation(t, zone)}`;
  const requester = requesterTimeZone && requesterTimeZone !== zone ? ` (${formatLocal(t, requesterTimeZone)} ${requesterTimeZone})` : '';
  return `${main}${requester} = ${isoUtc(t)}`;
}

function frozenText(check: FreezeCheck, zone: string, requesterTimeZone?: string): string {
  return `Frozen by ${listText(check.windows.map((w) => windowText(w, zone)))}. Opens ${formatOpenInstant(check.nextOpen, zone, requesterTimeZone)}`;
}

function windowDetails(windows: FreezeWindow[]): FreezeWindowDetails[] {
  return windows.map((w) => ({ rule: w.rule, start: w.start.toISOString(), end: w.end.toISOString(), ...(w.label ? { label: w.label } : {}) }));
}

/**
 * The `freeze` gate: pass (`not_frozen`) or block (`frozen`, naming rule, window and next
 * open instant). A rule whose calendar could not be read blocks with
 * `freeze_source_unavailable` — never silently open.
 */
export function freezeGate(check: FreezeCheck, opts: FreezeGateOptions = {}): GateResultFor<'freeze', 'not_frozen' | 'frozen' | 'freeze_source_unavailable'> {
  const zone = opts.calendarTimeZone ?? 'UTC';
  const reasons = new Map((opts.unevaluated ?? []).map((u) => [u.rule, u.reason]));
  const missing = [...new Set([...(opts.missingSources ?? []), ...reasons.keys()])];
  const details: FreezeDetails = {
    env: check.env,
    at: check.at.toISOString(),
    windows: windowDetails(check.windows),
    nextOpen: check.nextOpen.toISOString(),
  };
  if (missing.length) {
    details.missingSources = [...missing];
    details.unevaluated = missing.map((rule) => ({ rule, reason: reasons.get(rule) ?? 'its source could not be read' }));
    const names = listText(missing.map((m) => `*${m}*${reasons.has(m) ? ` (${escText(reasons.get(m)!)})` : ''}`));
    const also = check.frozen ? ` ${frozenText(check, zone, opts.requesterTimeZone)}` : '';
    return gate(
      'freeze',
      'block',
      'freeze_source_unavailable',
      `Freeze calendar ${names} could not be read, so shipgate cannot tell whether *${check.env}* is frozen: blocked until it can be read (fail closed).${also}`,
      details,
    );
  }
  if (check.frozen) return gate('freeze', 'block', 'frozen', frozenText(check, zone, opts.requesterTimeZone), details);
  return gate('freeze', 'pass', 'not_frozen', `*${check.env}* is not in a change freeze`, details);
}

/**
 * Text for `/promote freeze [env]`: frozen now or not, by what, until when, and the
 * windows of the next 30 days (pass `calendar.upcoming(env, now, 30)`).
 */
export function describeFreeze(
  check: FreezeCheck,
  upcoming: FreezeWindow[],
  tz: string,
  opts: { missingSources?: string[]; unevaluated?: UnevaluatedRule[]; requesterTimeZone?: string; days?: number } = {},
): string {
  const lines: string[] = [];
  const days = opts.days ?? 30;
  if (check.frozen) {
    lines.push(`:no_entry: *${check.env}* is frozen now.`);
    for (const w of check.windows) lines.push(`• ${windowText(w, tz)}${w.label ? ` — ${w.label}` : ''}`);
    lines.push(`Opens ${formatOpenInstant(check.nextOpen, tz, opts.requesterTimeZone)}`);
  } else {
    lines.push(`:white_check_mark: *${check.env}* is not frozen now (${formatLocal(check.at, tz, true)} ${zoneAbbreviation(check.at.getTime(), tz)}).`);
  }
  const reasons = new Map((opts.unevaluated ?? []).map((u) => [u.rule, u.reason]));
  const missing = [...new Set([...(opts.missingSources ?? []), ...reasons.keys()])];
  if (missing.length) {
    lines.push(
      `:warning: Could not read ${listText(missing.map((m) => `*${m}*${reasons.has(m) ? ` (${escText(reasons.get(m)!)})` : ''}`))}: promotions into *${check.env}* are blocked until it can be read.`,
    );
  }
  const current = new Set(check.windows.map((w) => `${w.rule}|${w.start.getTime()}|${w.end.getTime()}`));
  const later = upcoming.filter((w) => !current.has(`${w.rule}|${w.start.getTime()}|${w.end.getTime()}`));
  if (later.length === 0) {
    lines.push(`No ${check.frozen ? 'other ' : ''}freeze windows in the next ${days} days.`);
  } else {
    lines.push(`${check.frozen ? 'Other freeze' : 'Freeze'} windows in the next ${days} days:`);
    for (const w of later) lines.push(`• ${windowText(w, tz)}${w.label ? ` — ${w.label}` : ''}`);
  }
  return lines.join('\n');
}
