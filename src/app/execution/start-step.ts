import { formatDuration } from '../../shared/duration';
import { gatesAllow, type GateResult, type GateResultFor } from '../../domain/gates/gate-result';
import { fromStored, joinMd, mrk } from '../../shared/mrkdwn';
import { withThreadPost } from '../../domain/outbox';
import { transition, type Promotion } from '../../domain/promotion';
import type { ExecDeps } from './exec-deps';
import type { StepKit } from './step-kit';
import { StepWait } from './step-wait';
import { wakeKeys } from '../../domain/wake-keys';

/** How long gates that could not be checked (a service answering 5xx) are retried before the promotion fails. */
const UNCHECKABLE_RETRY_MS = 10 * 60_000;

type WaitingGate =
  | GateResultFor<'freeze', 'queued_for_window'>
  | GateResultFor<'changeRecord', 'cr_awaiting_approval' | 'cr_to_create'>
  | GateResultFor<'cycles', 'cycles_pending'>;

/** Gates that pass on their own in time: re-check later instead of failing. */
function waitsOnItsOwn(r: GateResult): r is WaitingGate {
  return (
    r.status === 'pending' &&
    ((r.gate === 'freeze' && r.code === 'queued_for_window') ||
      (r.gate === 'changeRecord' && (r.code === 'cr_awaiting_approval' || r.code === 'cr_to_create')) ||
      (r.gate === 'cycles' && r.code === 'cycles_pending'))
  );
}

/**
 * Re-checks every gate right before execution, then approved → running, atomically (one
 * attempt wins). Gates that pass on their own (the next freeze window, a change awaiting
 * approval, the remaining `cycles` runs) are re-checked by a delayed look; gates that could not be checked because a
 * service failed are retried for a while; any other blocker fails the promotion unexecuted.
 */
export async function startStep(d: ExecDeps, k: StepKit, p: Promotion): Promise<Promotion> {
  const results = await d.gates.evaluate(p, 'execute');
  const now = k.now();
  const waiting = results.filter(waitsOnItsOwn);
  if (waiting.length && gatesAllow(results.filter((r) => !waitsOnItsOwn(r)), 'execute')) {
    const delays = waiting.map((r) => (r.gate === 'freeze' ? Date.parse(String(r.details?.scheduledFor)) - now.getTime() : d.timing.changeRecheckMs));
    const wait = Math.max(1000, Math.max(...delays));
    const freeze = waiting.find((r) => r.gate === 'freeze');
    const key = `waiting:${waiting.map((r) => r.code).join(',')}`;
    await k.update(p, (cur) =>
      cur.state === 'approved'
        ? withThreadPost(
            { ...cur, ...(freeze ? { scheduledFor: String(freeze.details?.scheduledFor) } : {}), gates: results, gatesEvaluatedAt: now.toISOString() },
            key,
            mrk`:calendar: Waiting: ${joinMd(
              waiting.map((r) => fromStored(r.summary)),
              '; ',
            )}. Every gate is checked again in ${formatDuration(wait)}${freeze ? '' : ' (and every minute after that)'}.`,
            now,
          )
        : undefined,
      [{ type: 'rescheduled', data: { until: new Date(now.getTime() + wait).toISOString(), waitingFor: waiting.map((r) => r.code) } }],
    );
    // a cycle completing (workflow_run webhook on the candidate) is looked at at once
    const wakeOn = waiting.some((r) => r.gate === 'cycles') && p.sha ? [wakeKeys.sha(p.repo, p.sha)] : [];
    throw new StepWait(wait, wakeOn, 'gates that pass on their own');
  }
  if (!gatesAllow(results, 'execute')) {
    const blockers = results.filter((r) => r.status !== 'pass' && r.status !== 'warn');
    const firstTry = p.steps.start?.startedAt ?? now.toISOString();
    if (blockers.every((b) => b.code === 'check_failed' && b.details?.transient === true) && now.getTime() - Date.parse(firstTry) < UNCHECKABLE_RETRY_MS) {
      // a gate's service failed (5xx, timeout): try again shortly, the promotion stays approved
      await k.update(p, (cur) => (cur.steps.start ? undefined : { ...cur, steps: { ...cur.steps, start: { name: 'start', status: 'started', startedAt: firstTry } } }));
      throw new StepWait(Math.min(30_000, d.timing.pollMs * 2), [], `gates could not be checked: ${blockers.map((b) => b.summary).join('; ')}`);
    }
    const reason = mrk`gates re-checked before execution: ${joinMd(
      blockers.map((b) => fromStored(b.summary)),
      '; ',
    )}`;
    return k.update(
      p,
      (cur) =>
        cur.state === 'approved'
          ? withThreadPost(transition({ ...cur, gates: results, gatesEvaluatedAt: now.toISOString() }, { type: 'failed', reason }, now), 'not_executed', mrk`:no_entry: Not executed: ${reason}`, now)
          : undefined,
      [{ type: 'blocked_before_execution', data: { gates: results } }],
    );
  }
  return k.update(
    p,
    (cur) =>
      cur.state === 'approved'
        ? withThreadPost(
            transition({ ...cur, gates: results, gatesEvaluatedAt: now.toISOString(), exec: {}, evidence: { ...cur.evidence, startedAt: now.toISOString() } }, { type: 'started' }, now),
            'executing',
            mrk`:rocket: Executing: \`${cur.sha?.slice(0, 7) ?? 'unresolved'}\` → *${cur.env}*. All gates re-checked and passed.`,
            now,
          )
        : undefined,
    [{ type: 'started', data: { sha: p.sha, gates: results.map((r) => ({ gate: r.gate, status: r.status, code: r.code })) } }],
  );
}
