import { gate, type GateResultFor } from '../gates/gate-result';
import { mrkdwnLink, type Incident } from './change-record';
import { joinMd, mrk } from '../../shared/mrkdwn';

/**
 * The `incidents` gate (pure): blocks while an open incident of one of the configured
 * priorities (`environments[].blockOnIncidents`) is on the service's configuration item,
 * listing each with a link; passes otherwise.
 */

export interface IncidentsGateContext {
  /** Blocking priorities, e.g. [1, 2]. Empty: the gate does not apply. */
  priorities: readonly number[];
  /** The service's `servicenow.ci`. */
  ci?: string;
  service?: string;
}

/** At most this many incidents are listed in the summary (all are in details). */
export const MAX_LISTED_INCIDENTS = 10;

export function priorityText(priorities: readonly number[]): string {
  return [...priorities]
    .sort((a, b) => a - b)
    .map((p) => `P${p}`)
    .join('/');
}

export function incidentsGate(incidents: readonly Incident[], ctx: IncidentsGateContext): GateResultFor<'incidents', 'incidents_none' | 'incidents_open'> {
  const prio = priorityText(ctx.priorities);
  const where = ctx.ci ? `\`${ctx.ci}\`` : `service ${ctx.service ?? ''}`.trim();
  const wanted = new Set(ctx.priorities);
  const blocking = incidents.filter((i) => wanted.has(i.priority)).sort((a, b) => a.priority - b.priority || a.number.localeCompare(b.number));
  const details = {
    ci: ctx.ci,
    priorities: [...ctx.priorities],
    incidents: blocking.map((i) => ({ number: i.number, priority: i.priority, state: i.stateLabel, url: i.url, shortDescription: i.shortDescription })),
  };
  if (blocking.length === 0) {
    return gate('incidents', 'pass', 'incidents_none', `No open ${prio} incident on ${where}`, details);
  }
  const listed = blocking
    .slice(0, MAX_LISTED_INCIDENTS)
    .map((i) => mrk`${mrkdwnLink(i.url, i.number)} P${i.priority} (${i.stateLabel}): ${i.shortDescription || 'no description'}`);
  const more = blocking.length > MAX_LISTED_INCIDENTS ? `; and ${blocking.length - MAX_LISTED_INCIDENTS} more` : '';
  const count = blocking.length === 1 ? `an open ${prio} incident` : `${blocking.length} open ${prio} incidents`;
  return gate('incidents', 'block', 'incidents_open', mrk`Blocked by ${count} on ${where}: ${joinMd(listed, '; ')}${more}`, details);
}

/** ServiceNow could not be asked: block (fail closed) and say why. */
export function incidentsUnavailable(ctx: IncidentsGateContext, reason: string): GateResultFor<'incidents', 'incidents_unavailable'> {
  return gate('incidents', 'block', 'incidents_unavailable', `Open ${priorityText(ctx.priorities)} incidents could not be checked: ${reason}`, {
    ci: ctx.ci,
    error: reason,
  });
}

/** `blockOnIncidents` is set but the service names no configuration item to look at. */
export function incidentsNoCi(ctx: IncidentsGateContext): GateResultFor<'incidents', 'incidents_no_ci'> {
  return gate(
    'incidents',
    'block',
    'incidents_no_ci',
    `Open ${priorityText(ctx.priorities)} incidents could not be checked: service ${ctx.service ?? ''} has no \`servicenow.ci\` in shipgate.yml (the configuration item its incidents are logged against)`,
    { priorities: [...ctx.priorities] },
  );
}
