import type { IncidentLookup } from '../../app/ports/incident-lookup';
import type { HotfixIncident } from '../../domain/hotfix';
import { incidentStateLabel, recordUrl } from '../../domain/servicenow/change-record';
import { INCIDENT_PATTERN } from '../../domain/hotfix';
import { ShipgateError } from '../../shared/shipgate-error';
import type { ServiceNowClient } from './servicenow-client';
import { fieldDisplay, fieldValue, parseSnDateTime } from './servicenow-fields';
import { incidentRecord, parseRecord } from './servicenow-schemas';

const FIELDS = ['sys_id', 'number', 'priority', 'state', 'active', 'short_description', 'cmdb_ci', 'business_service', 'opened_at'] as const;

/** IncidentLookup on ServiceNow: one `incident` record by number through the Table API (values and labels). */
export class ServiceNowIncidentLookup implements IncidentLookup {
  constructor(private readonly client: ServiceNowClient) {}

  async findIncident(number: string): Promise<HotfixIncident | undefined> {
    if (!INCIDENT_PATTERN.test(number)) throw new ShipgateError('bad_option', `"${number}" is not an incident number (INC and 7 digits)`);
    const page = await this.client.list('incident', { query: `number=${number}`, fields: FIELDS, displayValue: 'all', excludeReferenceLink: true, limit: 1 });
    const answer = page.records[0];
    if (!answer) return undefined;
    const instanceUrl = this.client.instanceUrl;
    const rec = parseRecord(incidentRecord, 'incident', answer, instanceUrl);
    const sysId = fieldValue(rec, 'sys_id');
    const state = fieldValue(rec, 'state');
    const optional = (v: string | undefined) => (v ? v : undefined);
    const ciSysId = optional(fieldValue(rec, 'cmdb_ci'));
    const ciName = optional(fieldDisplay(rec, 'cmdb_ci'));
    const bsSysId = optional(fieldValue(rec, 'business_service'));
    const bsName = optional(fieldDisplay(rec, 'business_service'));
    const openedAt = parseSnDateTime(fieldValue(rec, 'opened_at'));
    const active = fieldValue(rec, 'active');
    return {
      number: fieldValue(rec, 'number'),
      sysId,
      priority: Number(fieldValue(rec, 'priority')) || 0,
      state,
      stateLabel: fieldDisplay(rec, 'state') || incidentStateLabel(state),
      // a record without `active` counts as active; its state still decides
      active: active !== 'false',
      shortDescription: fieldValue(rec, 'short_description'),
      ...(ciSysId ? { ciSysId } : {}),
      ...(ciName ? { ciName } : {}),
      ...(bsSysId ? { businessServiceSysId: bsSysId } : {}),
      ...(bsName ? { businessServiceName: bsName } : {}),
      ...(openedAt ? { openedAt } : {}),
      url: recordUrl(instanceUrl, 'incident', sysId),
    };
  }
}
