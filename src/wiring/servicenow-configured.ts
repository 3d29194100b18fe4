export interface ServiceNowEnv {
  SERVICENOW_INSTANCE_URL?: string | undefined;
  SERVICENOW_USERNAME?: string | undefined;
  SERVICENOW_PASSWORD?: string | undefined;
  SERVICENOW_TOKEN?: string | undefined;
}

/**
 * Whether ServiceNow is configured (blackout schedules can be read). Apart from
 * build-change-management.ts so that asking loads none of the ServiceNow adapter
 * (`shipgate freeze check` imports that only when the answer is yes).
 */
export function serviceNowConfigured(env: ServiceNowEnv): boolean {
  return Boolean(env.SERVICENOW_INSTANCE_URL);
}
