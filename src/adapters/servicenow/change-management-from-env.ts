import type { Logger } from '../../app/logger';
import type { ChangeManagement } from '../../app/ports/change-management';
import { ShipgateError } from '../../shared/shipgate-error';
import { serviceNowClientFromEnv, type ServiceNowClientOptions } from './servicenow-client';
import { ServiceNowChangeManagement } from './servicenow-change-management';

/**
 * ChangeManagement for the composition root: the ServiceNow adapter when
 * SERVICENOW_INSTANCE_URL is set, otherwise one whose every call fails with a message
 * naming the variables to set (so gates that need ServiceNow fail closed and say why,
 * and environments that need no change record are unaffected).
 */
export function changeManagementFromEnv(
  env: { SERVICENOW_INSTANCE_URL?: string; SERVICENOW_USERNAME?: string; SERVICENOW_PASSWORD?: string; SERVICENOW_TOKEN?: string },
  opts: { logger?: Logger; defaultTimeZone?: string; client?: Omit<ServiceNowClientOptions, 'instanceUrl' | 'auth' | 'logger'> } = {},
): ChangeManagement {
  const client = serviceNowClientFromEnv(env, { ...(opts.client ?? {}), ...(opts.logger ? { logger: opts.logger } : {}) });
  if (!client) return new UnconfiguredChangeManagement();
  return new ServiceNowChangeManagement({ client, ...(opts.defaultTimeZone ? { defaultTimeZone: opts.defaultTimeZone } : {}) });
}

const NOT_CONFIGURED = 'ServiceNow is not configured: set SERVICENOW_INSTANCE_URL and SERVICENOW_USERNAME + SERVICENOW_PASSWORD (or SERVICENOW_TOKEN)';

export class UnconfiguredChangeManagement implements ChangeManagement {
  readonly instanceUrl = '';
  private fail(): Promise<never> {
    return Promise.reject(new ShipgateError('servicenow_error', NOT_CONFIGURED));
  }
  findChange(): Promise<never> {
    return this.fail();
  }
  findChangeByCorrelation(): Promise<never> {
    return this.fail();
  }
  activeIncidents(): Promise<never> {
    return this.fail();
  }
  addWorkNote(): Promise<never> {
    return this.fail();
  }
  hasWorkNote(): Promise<never> {
    return this.fail();
  }
  createChange(): Promise<never> {
    return this.fail();
  }
  moveToReview(): Promise<never> {
    return this.fail();
  }
  blackoutSpans(): Promise<never> {
    return this.fail();
  }
}
