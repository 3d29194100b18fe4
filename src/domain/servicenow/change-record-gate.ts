import type { ChangeFailureCode } from '../gates/gate-details';
import { gate, type GateResultFor } from '../gates/gate-result';
import { IMPLEMENTABLE_STATES, formatSnDateTime, mrkdwnLink, type ChangeRecord } from './change-record';
import { mrk } from '../../shared/mrkdwn';

/**
 * The `changeRecord` gate (pure). Checks a ServiceNow change against the promotion:
 * it exists; `approval` is approved; `state` is Scheduled or Implement; it is not on
 * hold; now lies in [start_date, end_date); its `cmdb_ci` is the service's
 * `servicenow.ci` (name or sys_id) when set; an Emergency change only with an emergency
 * override. Every failure names the field, the value found and the value needed, and
 * links to the record. All failures are listed; the result code is the first one's.
 *
 * A change shipgate opened itself (create mode: `correlation_id` = promotion id) that
 * is still waiting for approval is `pending`, not `block`: it may pass on its own.
 */

export type ChangeRequirement = 'required' | 'optional' | 'create' | 'none';

export interface ChangeGateContext {
  requirement: ChangeRequirement;
  /** The `cr=` given on the command, if any. */
  crGiven?: string;
  now: Date;
  /** `services[].servicenow.ci`: cmdb_ci name or sys_id the change must reference. */
  serviceCi?: string;
  /** The promotion carries an approved emergency override. */
  emergencyOverride?: boolean;
  /** Promotion id: a change whose correlation_id equals it was opened by shipgate. */
  promotionId?: string;
  /** Target environment, for messages. */
  env?: string;
}

export type { ChangeFailureCode };

export interface ChangeFailure {
  code: ChangeFailureCode;
  field: string;
  found: string;
  needed: string;
  /** Short phrase: "is not approved". */
  problem: string;
  /** May pass on its own (a change shipgate opened, waiting for approval). */
  waiting?: boolean;
}

const WAITING_STATES: readonly string[] = ['-5', '-4', '-3'];

export function changeRecordGate(change: ChangeRecord | undefined, ctx: ChangeGateContext): GateResultFor<'changeRecord'> {
  const envText = ctx.env ? ` for *${ctx.env}*` : '';
  if (!change) {
    if (ctx.crGiven) {
      return gate(
        'changeRecord',
        'block',
        'cr_not_found',
        `Change \`${ctx.crGiven}\` was not found in ServiceNow (no change_request with number ${ctx.crGiven}); check the number`,
        {
          change: ctx.crGiven,
        },
      );
    }
    switch (ctx.requirement) {
      case 'required':
        return gate(
          'changeRecord',
          'block',
          'cr_missing',
          `A ServiceNow change record is required${envText}: add \`cr=CHG…\` (an approved change, state Scheduled or Implement)`,
          {},
        );
      case 'create':
        return gate(
          'changeRecord',
          'pending',
          'cr_to_create',
          `A Normal change will be opened in ServiceNow for this promotion and must be approved before it runs`,
          {},
        );
      case 'optional':
        return gate('changeRecord', 'pass', 'cr_not_required', `No change record given (optional${envText})`, {});
      default:
        return gate('changeRecord', 'pass', 'cr_not_required', `No change record needed${envText}`, {});
    }
  }

  const link = mrkdwnLink(change.url, change.number);
  const ownChange = ctx.requirement === 'create' && ctx.promotionId !== undefined && change.correlationId === ctx.promotionId;
  const failures = changeFailures(change, ctx, ownChange);
  const details = {
    change: change.number,
    sysId: change.sysId,
    url: change.url,
    state: change.state,
    approval: change.approval,
    ...(change.plannedStart ? { plannedStart: change.plannedStart.toISOString() } : {}),
    ...(change.plannedEnd ? { plannedEnd: change.plannedEnd.toISOString() } : {}),
    ...(failures.length ? { failures: failures.map(({ code, field, found, needed }) => ({ code, field, found, needed })) } : {}),
  };
  if (failures.length === 0) {
    const window =
      change.plannedStart && change.plannedEnd ? `, window ${formatSnDateTime(change.plannedStart)} – ${formatSnDateTime(change.plannedEnd)} UTC` : '';
    return gate('changeRecord', 'pass', 'cr_ok', mrk`Change ${link} is approved and ${change.stateLabel}${window}`, details);
  }
  const text = mrk`Change ${link} ${failures.map((f) => `${f.problem}: \`${f.field}\` is ${f.found}, needed ${f.needed}`).join('; ')}`;
  if (failures.every((f) => f.waiting)) {
    return gate('changeRecord', 'pending', 'cr_awaiting_approval', mrk`${text} (waiting for approval in ServiceNow)`, details);
  }
  const first = failures.find((f) => !f.waiting) ?? failures[0]!;
  return gate('changeRecord', 'block', first.code, text, details);
}

function q(v: string | undefined): string {
  return v === undefined || v === '' ? '(empty)' : `\`${v}\``;
}

function changeFailures(change: ChangeRecord, ctx: ChangeGateContext, ownChange: boolean): ChangeFailure[] {
  const out: ChangeFailure[] = [];
  if (change.approval !== 'approved') {
    out.push({
      code: 'cr_not_approved',
      field: 'approval',
      found: q(change.approval),
      needed: '`approved`',
      problem: 'is not approved',
      waiting: ownChange && change.approval !== 'rejected',
    });
  }
  if (!IMPLEMENTABLE_STATES.includes(change.state)) {
    out.push({
      code: 'cr_wrong_state',
      field: 'state',
      found: `\`${change.stateLabel}\` (${change.state})`,
      needed: '`Scheduled` (-2) or `Implement` (-1)',
      problem: 'is in the wrong state',
      waiting: ownChange && WAITING_STATES.includes(change.state),
    });
  }
  if (change.onHold) {
    out.push({ code: 'cr_on_hold', field: 'on_hold', found: '`true`', needed: '`false`', problem: 'is on hold' });
  }
  const now = ctx.now.getTime();
  if (!change.plannedStart || !change.plannedEnd) {
    out.push({
      code: 'cr_window_missing',
      field: change.plannedStart ? 'end_date' : 'start_date',
      found: '(empty)',
      needed: 'a planned start and end date',
      problem: 'has no planned window',
    });
  } else if (now < change.plannedStart.getTime()) {
    out.push({
      code: 'cr_window_future',
      field: 'start_date',
      found: `\`${formatSnDateTime(change.plannedStart)}\` UTC`,
      needed: `a start at or before now (\`${formatSnDateTime(ctx.now)}\` UTC)`,
      problem: 'window has not started',
    });
  } else if (now >= change.plannedEnd.getTime()) {
    out.push({
      code: 'cr_window_ended',
      field: 'end_date',
      found: `\`${formatSnDateTime(change.plannedEnd)}\` UTC`,
      needed: `an end after now (\`${formatSnDateTime(ctx.now)}\` UTC)`,
      problem: 'window has ended',
    });
  }
  if (ctx.serviceCi && !ciMatches(change, ctx.serviceCi)) {
    out.push({
      code: 'cr_wrong_ci',
      field: 'cmdb_ci',
      found: q(change.ciName || change.ciSysId),
      needed: `\`${ctx.serviceCi}\``,
      problem: 'is for another configuration item',
    });
  }
  if (change.type === 'emergency' && !ctx.emergencyOverride) {
    out.push({
      code: 'cr_wrong_type',
      field: 'type',
      found: '`emergency`',
      needed: '`normal` or `standard` (an Emergency change is accepted only with an approved emergency override)',
      problem: 'is an Emergency change',
    });
  }
  return out;
}

function ciMatches(change: ChangeRecord, ci: string): boolean {
  if (change.ciSysId && change.ciSysId === ci) return true;
  return change.ciName !== undefined && change.ciName.trim().toLowerCase() === ci.trim().toLowerCase();
}

/** ServiceNow could not be asked: the gate blocks (fail closed) and says why. */
export function changeRecordUnavailable(cr: string | undefined, reason: string): GateResultFor<'changeRecord', 'cr_unavailable'> {
  const what = cr ? `Change \`${cr}\`` : 'The change record';
  return gate('changeRecord', 'block', 'cr_unavailable', `${what} could not be checked: ${reason}`, { ...(cr ? { change: cr } : {}), error: reason });
}
