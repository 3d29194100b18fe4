import type { EnvironmentConfig } from '../config/config-schema';
import { mrk } from '../shared/mrkdwn';
import { gate, type GateResultFor } from './gates/gate-result';
import { INCIDENT_DONE_STATES, mrkdwnLink, type Incident } from './servicenow/change-record';

/**
 * The hotfix fast track (pure): `/promote svc env hotfix=INC…` applies the environment's
 * `hotfix` gate overrides only while that incident is open on the service's configuration
 * item (`cmdb_ci` or `business_service`) in ServiceNow. Anything else — resolved, closed,
 * cancelled, unknown, on another service, ServiceNow unreachable — does not apply them: the
 * result is a warning saying why, and the normal gates decide (fail closed: nothing is
 * relaxed on a guess). The path, approvals, freeze rules, change record and checks are
 * never overridden.
 */

export const INCIDENT_PATTERN = /^INC\d{7,}$/;

/** An incident as looked up by number, with the service it is logged against. */
export interface HotfixIncident extends Incident {
  active: boolean;
  businessServiceSysId?: string;
  businessServiceName?: string;
}

export type HotfixLookup = { found: HotfixIncident | undefined } | { error: string };

export type HotfixResult = GateResultFor<'hotfix'>;

export interface HotfixDecision {
  result: HotfixResult;
  /** The environment as the other gates see it (overrides applied when the hotfix applies). */
  env: EnvironmentConfig;
}

export function isIncidentOpen(i: Pick<HotfixIncident, 'state' | 'active'>): boolean {
  return i.active && !INCIDENT_DONE_STATES.includes(i.state);
}

function onService(i: HotfixIncident, ci: string): boolean {
  const want = ci.toLowerCase();
  return [i.ciSysId, i.ciName, i.businessServiceSysId, i.businessServiceName].some((v) => v !== undefined && v.toLowerCase() === want);
}

/** The overrides of `hotfix` as shown and recorded: soak 24h → 1h. */
export function hotfixOverrides(env: EnvironmentConfig): Record<string, { normal?: string; hotfix: string }> {
  const out: Record<string, { normal?: string; hotfix: string }> = {};
  if (env.hotfix?.soak !== undefined) out.soak = { ...(env.soak ? { normal: env.soak } : {}), hotfix: env.hotfix.soak };
  return out;
}

export function decideHotfix(input: { incident: string; env: EnvironmentConfig; ci?: string; service: string; lookup?: HotfixLookup }): HotfixDecision {
  const { incident, env, ci } = input;
  const base = { incident };
  const normal = (result: HotfixResult): HotfixDecision => ({ result, env });
  const why = 'the normal gates apply';
  if (!env.hotfix) return normal(gate('hotfix', 'warn', 'hotfix_not_configured', `Hotfix ${incident} not applied: \`${env.name}\` has no \`hotfix\` overrides; ${why}`, base));
  if (!ci) {
    return normal(
      gate('hotfix', 'warn', 'hotfix_no_ci', `Hotfix ${incident} not applied: service ${input.service} has no \`servicenow.ci\` to check the incident against; ${why}`, base),
    );
  }
  const lookup = input.lookup;
  if (!lookup || 'error' in lookup) {
    const error = lookup && 'error' in lookup ? lookup.error : 'not checked';
    return normal(gate('hotfix', 'warn', 'hotfix_unavailable', `Hotfix ${incident} not applied: ServiceNow could not be asked (${error}); ${why}`, { ...base, error }));
  }
  const found = lookup.found;
  if (!found) return normal(gate('hotfix', 'warn', 'hotfix_incident_not_found', `Hotfix ${incident} not applied: ServiceNow has no incident ${incident}; ${why}`, base));
  const seen = { ...base, url: found.url, state: found.stateLabel, priority: found.priority };
  const ref = mrkdwnLink(found.url, found.number);
  if (!onService(found, ci)) {
    const incidentCi = found.ciName ?? found.businessServiceName ?? found.ciSysId;
    return normal(
      gate('hotfix', 'warn', 'hotfix_wrong_service', mrk`Hotfix ${ref} not applied: the incident is on ${incidentCi ? `\`${incidentCi}\`` : 'no configuration item'}, not \`${ci}\`; ${why}`, {
        ...seen,
        ci,
        ...(incidentCi ? { incidentCi } : {}),
      }),
    );
  }
  if (!isIncidentOpen(found)) {
    return normal(gate('hotfix', 'warn', 'hotfix_incident_not_open', mrk`Hotfix ${ref} not applied: the incident is ${found.stateLabel}, not open; ${why}`, seen));
  }
  const overrides = hotfixOverrides(env);
  const list = Object.entries(overrides)
    .map(([k, v]) => `${k} ${v.normal ?? 'none'} → ${v.hotfix}`)
    .join(', ');
  const effective: EnvironmentConfig = { ...env, ...(env.hotfix.soak !== undefined ? { soak: env.hotfix.soak } : {}) };
  return {
    result: gate('hotfix', 'pass', 'hotfix_applied', mrk`:ambulance: Hotfix for ${ref} (P${found.priority}, ${found.stateLabel} on \`${ci}\`): ${list}`, { ...seen, overrides }),
    env: effective,
  };
}
