import { gate } from '../domain/gates/gate-result';
import { fromStored, mrk } from '../shared/mrkdwn';
import type { Promotion } from '../domain/promotion';
import { changeRecordGate, changeRecordUnavailable, type ChangeRequirement } from '../domain/servicenow/change-record-gate';
import { incidentsGate, incidentsNoCi, incidentsUnavailable } from '../domain/servicenow/incidents-gate';
import type { GateCheck, GateEvaluator } from './gate-evaluator';
import type { ChangeManagement } from './ports/change-management';

/**
 * The ServiceNow gates as GateChecks for the GateEvaluator (`changeRecord`, `incidents`).
 * Both fail closed: when ServiceNow cannot be asked they block and say "could not be
 * checked" with the reason. They run at request time and again right before execution.
 *
 * - changeRecord: `environments[].changeRecord` decides (required | optional | create |
 *   none); a `cr=` given for an environment that needs none is still checked. Rollbacks
 *   check a change only when `cr=` is given. In create mode without `cr=`, the change
 *   shipgate opened (correlation_id = promotion id) is looked up.
 * - incidents: environments with `blockOnIncidents` are blocked by open incidents of
 *   those priorities on the service's `servicenow.ci`. Rollbacks are never blocked by
 *   incidents (they are how incidents get fixed).
 */

export interface ServiceNowGateDeps {
  changes: ChangeManagement;
  /** Whether the promotion carries an approved emergency override (default: never). */
  hasEmergencyOverride?: (p: Promotion) => boolean;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function changeRecordCheck(d: ServiceNowGateDeps): GateCheck {
  return async (ctx) => {
    const p = ctx.promotion;
    const configured: ChangeRequirement = ctx.env.changeRecord;
    const requirement: ChangeRequirement = p.kind === 'rollback' ? 'optional' : configured === 'none' && p.cr ? 'optional' : configured;
    if (requirement === 'none' || (p.kind === 'rollback' && !p.cr)) return undefined;
    const base = {
      requirement,
      ...(p.cr ? { crGiven: p.cr } : {}),
      now: ctx.now,
      ...(ctx.service.servicenow?.ci ? { serviceCi: ctx.service.servicenow.ci } : {}),
      emergencyOverride: d.hasEmergencyOverride?.(p) ?? false,
      promotionId: p.id,
      env: p.env,
    };
    if (!p.cr && requirement !== 'create') return changeRecordGate(undefined, base);
    try {
      const change = p.cr ? await d.changes.findChange(p.cr) : await d.changes.findChangeByCorrelation(p.id);
      return changeRecordGate(change, base);
    } catch (e) {
      return changeRecordUnavailable(p.cr, reason(e));
    }
  };
}

export function incidentsCheck(d: ServiceNowGateDeps): GateCheck {
  return async (ctx) => {
    const priorities = ctx.env.blockOnIncidents;
    if (!priorities.length) return undefined;
    if (ctx.promotion.kind === 'rollback') {
      return gate('incidents', 'pass', 'incidents_not_for_rollback', 'Open incidents do not block a rollback', {});
    }
    const ci = ctx.service.servicenow?.ci;
    const gctx = { priorities, service: ctx.service.name, ...(ci ? { ci } : {}) };
    if (!ci) return incidentsNoCi(gctx);
    try {
      const open = await d.changes.activeIncidents(ci, priorities);
      const result = incidentsGate(
        open.filter((i) => i.number !== ctx.hotfixIncident),
        gctx,
      );
      // the incident a hotfix fixes does not block it; the summary says it was left out
      if (!ctx.hotfixIncident || !open.some((i) => i.number === ctx.hotfixIncident)) return result;
      return gate('incidents', result.status, result.code, mrk`${fromStored(result.summary)} (besides ${ctx.hotfixIncident}, the incident this hotfix fixes)`, result.details);
    } catch (e) {
      return incidentsUnavailable(gctx, reason(e));
    }
  };
}

/** Registers both gates (`changeRecord`, then `incidents`). */
export function registerServiceNowGates(evaluator: GateEvaluator, d: ServiceNowGateDeps): GateEvaluator {
  return evaluator.register('changeRecord', changeRecordCheck(d)).register('incidents', incidentsCheck(d));
}
