import type { ShipgateConfig } from '../config/config-schema';
import type { Logger } from '../app/logger';
import type { ChangeManagement } from '../app/ports/change-management';
import { changeManagementFromEnv } from '../adapters/servicenow/change-management-from-env';
import { incidentLookupFromEnv } from '../adapters/servicenow/incident-lookup-from-env';
import type { IncidentLookup } from '../app/ports/incident-lookup';
import type { ServiceNowEnv } from './servicenow-configured';

export { serviceNowConfigured, type ServiceNowEnv } from './servicenow-configured';

/**
 * ServiceNow for every command (`serve`, `plan`, `freeze`, the sandbox): the adapter when
 * SERVICENOW_INSTANCE_URL is set (else one that fails every call naming the variables to set).
 * A blackout schedule without a time zone is read in the config's `timezone`.
 */
export function buildChangeManagement(env: ServiceNowEnv, config: Pick<ShipgateConfig, 'timezone'>, o: { logger?: Logger; fetch?: typeof fetch } = {}): ChangeManagement {
  return changeManagementFromEnv(env, {
    ...(o.logger ? { logger: o.logger } : {}),
    defaultTimeZone: config.timezone,
    ...(o.fetch ? { client: { fetch: o.fetch } } : {}),
  });
}

/** Incidents by number (`hotfix=INC…`) for every command, on the same variables as buildChangeManagement. */
export function buildIncidentLookup(env: ServiceNowEnv, o: { logger?: Logger; fetch?: typeof fetch } = {}): IncidentLookup {
  return incidentLookupFromEnv(env, { ...(o.logger ? { logger: o.logger } : {}), ...(o.fetch ? { client: { fetch: o.fetch } } : {}) });
}
