import type { Logger } from '../../app/logger';
import type { IncidentLookup } from '../../app/ports/incident-lookup';
import { ShipgateError } from '../../shared/shipgate-error';
import { serviceNowClientFromEnv, type ServiceNowClientOptions } from './servicenow-client';
import { ServiceNowIncidentLookup } from './servicenow-incident-lookup';

/**
 * IncidentLookup for the composition root: ServiceNow when SERVICENOW_INSTANCE_URL is set,
 * otherwise one that fails every call naming the variables to set (a hotfix is then not
 * applied, and says why).
 */
export function incidentLookupFromEnv(
  env: { SERVICENOW_INSTANCE_URL?: string; SERVICENOW_USERNAME?: string; SERVICENOW_PASSWORD?: string; SERVICENOW_TOKEN?: string },
  opts: { logger?: Logger; client?: Omit<ServiceNowClientOptions, 'instanceUrl' | 'auth' | 'logger'> } = {},
): IncidentLookup {
  const client = serviceNowClientFromEnv(env, { ...(opts.client ?? {}), ...(opts.logger ? { logger: opts.logger } : {}) });
  if (client) return new ServiceNowIncidentLookup(client);
  return {
    findIncident: () =>
      Promise.reject(new ShipgateError('servicenow_error', 'ServiceNow is not configured: set SERVICENOW_INSTANCE_URL and SERVICENOW_USERNAME + SERVICENOW_PASSWORD (or SERVICENOW_TOKEN)')),
  };
}
