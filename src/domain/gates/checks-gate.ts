import type { CheckState, RequiredCheckOutcome } from './gate-details';
import { gate, type GateResultFor } from './gate-result';
import { joinMd, link, mrk, type Mrkdwn } from '../../shared/mrkdwn';

/**
 * `checks`: every `requiredChecks` name is green on the candidate SHA (SPEC §3), read from
 * GitHub check runs and commit statuses. Pure: the caller fetches, this decides.
 *
 * - check runs: the latest run per name counts (newest `started_at`, then highest id);
 *   completed with success | neutral | skipped is green; queued | in_progress | waiting |
 *   requested | pending is pending; any other conclusion (failure, cancelled, timed_out,
 *   action_required, stale, startup_failure, …) fails.
 * - commit statuses: the latest per context counts; success is green, pending is pending,
 *   failure | error fail.
 * - a name reported both ways must be green both ways (fail closed: a failure in either fails).
 * - a name nobody reported yet is pending (`missing`): it may still arrive.
 *
 * Any failing → block `checks_failed` (naming each with its link); else any pending or
 * missing → pending `checks_pending`; else pass `checks_ok`. No required checks → pass
 * `no_required_checks`.
 */

/** A check run as shipgate needs it (GitHub `check_run`). */
export interface ObservedCheckRun {
  id: number;
  name: string;
  /** queued | in_progress | completed | waiting | requested | pending */
  status: string;
  /** success | failure | neutral | cancelled | skipped | timed_out | action_required | stale | startup_failure | null */
  conclusion: string | null;
  /** Link shown to people (`html_url`, else `details_url`). */
  url?: string;
  startedAt?: string | null;
  completedAt?: string | null;
}

/** A commit status as shipgate needs it (GitHub `status`). */
export interface ObservedStatus {
  id: number;
  context: string;
  /** success | pending | failure | error */
  state: string;
  url?: string | null;
  description?: string | null;
  createdAt?: string;
}

export interface ObservedChecks {
  checkRuns: readonly ObservedCheckRun[];
  statuses: readonly ObservedStatus[];
}

export interface ChecksGateContext {
  /** The candidate commit. */
  sha: string;
  /** Web URL of the commit (shown when the gate is pending or fails), optional. */
  commitUrl?: string;
}

export type { CheckState, RequiredCheckOutcome };

const GREEN_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);
const PENDING_RUN_STATUSES = new Set(['queued', 'in_progress', 'waiting', 'requested', 'pending']);

function newer(a: { startedAt?: string | null; id: number }, b: { startedAt?: string | null; id: number }): boolean {
  const ta = a.startedAt ? Date.parse(a.startedAt) : NaN;
  const tb = b.startedAt ? Date.parse(b.startedAt) : NaN;
  if (Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return ta > tb;
  return a.id > b.id;
}

/** The latest check run per name. */
export function latestCheckRuns(runs: readonly ObservedCheckRun[]): Map<string, ObservedCheckRun> {
  const out = new Map<string, ObservedCheckRun>();
  for (const r of runs) {
    const prev = out.get(r.name);
    if (!prev || newer(r, prev)) out.set(r.name, r);
  }
  return out;
}

/** The latest commit status per context. */
export function latestStatuses(statuses: readonly ObservedStatus[]): Map<string, ObservedStatus> {
  const out = new Map<string, ObservedStatus>();
  for (const s of statuses) {
    const prev = out.get(s.context);
    if (!prev || newer({ startedAt: s.createdAt ?? null, id: s.id }, { startedAt: prev.createdAt ?? null, id: prev.id })) out.set(s.context, s);
  }
  return out;
}

function runState(r: ObservedCheckRun): { state: CheckState; detail: string } {
  // Anything not completed may still finish (GitHub adds new in-flight statuses from time to time).
  if (r.status !== 'completed') return { state: 'pending', detail: PENDING_RUN_STATUSES.has(r.status) ? r.status : r.status || 'unknown' };
  if (r.conclusion === null) return { state: 'pending', detail: 'completed without a conclusion yet' };
  return GREEN_CONCLUSIONS.has(r.conclusion) ? { state: 'green', detail: r.conclusion } : { state: 'failed', detail: r.conclusion };
}

function statusState(s: ObservedStatus): { state: CheckState; detail: string } {
  if (s.state === 'success') return { state: 'green', detail: 'success' };
  if (s.state === 'pending') return { state: 'pending', detail: 'pending' };
  return { state: 'failed', detail: s.state };
}

const RANK: Record<CheckState, number> = { failed: 3, pending: 2, missing: 1, green: 0 };

/** How each required name stands on the commit. */
export function requiredCheckOutcomes(required: readonly string[], observed: ObservedChecks): RequiredCheckOutcome[] {
  const runs = latestCheckRuns(observed.checkRuns);
  const statuses = latestStatuses(observed.statuses);
  return [...new Set(required)].map((name) => {
    const run = runs.get(name);
    const status = statuses.get(name);
    if (!run && !status) return { name, state: 'missing', source: 'none', detail: 'not reported yet' };
    const parts: Array<{ state: CheckState; detail: string; url?: string }> = [];
    if (run) parts.push({ ...runState(run), ...(run.url ? { url: run.url } : {}) });
    if (status) parts.push({ ...statusState(status), ...(status.url ? { url: status.url } : {}) });
    const worst = parts.reduce((a, b) => (RANK[b.state] > RANK[a.state] ? b : a));
    const url = worst.url ?? parts.find((p) => p.url)?.url;
    return {
      name,
      state: worst.state,
      source: run && status ? 'both' : run ? 'check_run' : 'status',
      detail: worst.detail,
      ...(url ? { url } : {}),
    };
  });
}

/** `<url|name>` when there is a link, else `name` in backticks. */
export function checkLink(name: string, url: string | undefined): Mrkdwn {
  if (!url) return mrk`\`${name.replace(/`/g, "'")}\``;
  return link(url, name);
}

const PENDING_WORDS: Record<string, string> = {
  queued: 'queued',
  in_progress: 'in progress',
  waiting: 'waiting',
  requested: 'requested',
  pending: 'pending',
  'not reported yet': 'not reported yet',
};

function describe(o: RequiredCheckOutcome): Mrkdwn {
  return mrk`${checkLink(o.name, o.url)} (${PENDING_WORDS[o.detail] ?? o.detail.replace(/_/g, ' ')})`;
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

export function checksGate(required: readonly string[], observed: ObservedChecks, ctx: ChecksGateContext): GateResultFor<'checks', 'no_required_checks' | 'checks_ok' | 'checks_pending' | 'checks_failed'> {
  const at = ctx.commitUrl ? link(ctx.commitUrl, mrk`\`${shortSha(ctx.sha)}\``) : mrk`\`${shortSha(ctx.sha)}\``;
  if (required.length === 0)
    return gate('checks', 'pass', 'no_required_checks', 'No required checks configured for this service', { sha: ctx.sha, required: [] });
  const outcomes = requiredCheckOutcomes(required, observed);
  const failed = outcomes.filter((o) => o.state === 'failed');
  const pending = outcomes.filter((o) => o.state === 'pending' || o.state === 'missing');
  const details = {
    sha: ctx.sha,
    required: outcomes.map((o) => o.name),
    checks: outcomes,
    failing: failed.map((o) => o.name),
    pending: pending.filter((o) => o.state === 'pending').map((o) => o.name),
    missing: pending.filter((o) => o.state === 'missing').map((o) => o.name),
  };
  if (failed.length) {
    const also = pending.length ? mrk`; still waiting for ${joinMd(pending.map(describe), ', ')}` : mrk``;
    return gate(
      'checks',
      'block',
      'checks_failed',
      mrk`Required check${failed.length > 1 ? 's' : ''} failing on ${at}: ${joinMd(failed.map(describe), ', ')}${also}`,
      details,
    );
  }
  if (pending.length) {
    const green = outcomes.length - pending.length;
    return gate(
      'checks',
      'pending',
      'checks_pending',
      mrk`Waiting for required check${pending.length > 1 ? 's' : ''} on ${at}: ${joinMd(pending.map(describe), ', ')} (${green}/${outcomes.length} green)`,
      details,
    );
  }
  return gate(
    'checks',
    'pass',
    'checks_ok',
    mrk`All ${outcomes.length} required check${outcomes.length > 1 ? 's' : ''} green on ${at}: ${joinMd(
      outcomes.map((o) => checkLink(o.name, o.url)),
      ', ',
    )}`,
    details,
  );
}
