import { decideHotfix, type HotfixLookup } from '../domain/hotfix';
import type { HotfixCheck } from './gate-evaluator';
import type { IncidentLookup } from './ports/incident-lookup';

/** The HotfixCheck of the GateEvaluator: the incident read from ServiceNow, then `decideHotfix`. */
export function hotfixCheck(incidents: IncidentLookup): HotfixCheck {
  return async (ctx, incident) => {
    const ci = ctx.service.servicenow?.ci;
    let lookup: HotfixLookup | undefined;
    if (ctx.env.hotfix && ci) {
      try {
        lookup = { found: await incidents.findIncident(incident) };
      } catch (e) {
        lookup = { error: e instanceof Error ? e.message : String(e) };
      }
    }
    return decideHotfix({ incident, env: ctx.env, service: ctx.service.name, ...(ci ? { ci } : {}), ...(lookup ? { lookup } : {}) });
  };
}
