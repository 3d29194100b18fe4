import type { ShipgateConfig } from './config-schema';

/**
 * What in a config needs ServiceNow, and whether the environment provides it. `serve`
 * refuses to start without it: every promotion those settings cover would be blocked
 * (fail closed) until someone noticed.
 */

/** Config settings that need ServiceNow, as `path: value` lines. */
export function servicenowSettings(config: Pick<ShipgateConfig, 'environments' | 'freezes'>): string[] {
  const lines: string[] = [];
  config.environments.forEach((e, i) => {
    if (e.changeRecord === 'required' || e.changeRecord === 'create') lines.push(`environments[${i}].changeRecord: ${e.changeRecord} (${e.name})`);
    if (e.blockOnIncidents.length) lines.push(`environments[${i}].blockOnIncidents: [${e.blockOnIncidents.join(', ')}] (${e.name})`);
  });
  config.freezes.forEach((f, i) => {
    if (f.servicenowBlackout !== undefined) lines.push(`freezes[${i}].servicenowBlackout: "${f.servicenowBlackout}" (${f.name})`);
  });
  return lines;
}

/** The ServiceNow variables that are missing, described for a person; empty when the connection is configured. */
type ServiceNowEnv = { SERVICENOW_INSTANCE_URL?: string; SERVICENOW_USERNAME?: string; SERVICENOW_PASSWORD?: string; SERVICENOW_TOKEN?: string };

export function missingServicenowVariables(env: ServiceNowEnv): string[] {
  const missing: string[] = [];
  if (!env.SERVICENOW_INSTANCE_URL) missing.push('SERVICENOW_INSTANCE_URL');
  if (!env.SERVICENOW_TOKEN && !(env.SERVICENOW_USERNAME && env.SERVICENOW_PASSWORD)) {
    missing.push(env.SERVICENOW_USERNAME ? 'SERVICENOW_PASSWORD (or SERVICENOW_TOKEN)' : 'SERVICENOW_USERNAME + SERVICENOW_PASSWORD (or SERVICENOW_TOKEN)');
  }
  return missing;
}

/** Lines explaining why `serve` cannot start, or undefined when nothing needs ServiceNow or it is configured. */
export function servicenowStartProblem(config: Pick<ShipgateConfig, 'environments' | 'freezes'>, env: ServiceNowEnv): string[] | undefined {
  const settings = servicenowSettings(config);
  const missing = missingServicenowVariables(env);
  if (!settings.length || !missing.length) return undefined;
  return [
    `the configuration needs ServiceNow, but ${missing.join(' and ')} not set (see README "Environment variables"). Set them, or change the settings that need ServiceNow:`,
    ...settings.map((s) => `  ${s}`),
  ];
}
