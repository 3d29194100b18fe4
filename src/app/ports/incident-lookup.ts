import type { HotfixIncident } from '../../domain/hotfix';

/**
 * One incident by number (ServiceNow), for `hotfix=INC…`. Failures throw
 * ShipgateError('servicenow_error') with a message written for the person reading it.
 */
export interface IncidentLookup {
  /** The incident with this number (any state), or undefined when there is none. */
  findIncident(number: string): Promise<HotfixIncident | undefined>;
}
