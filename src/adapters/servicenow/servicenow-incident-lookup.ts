import type { IncidentLookup } from '../../app/ports/incident-lookup';
import type { HotfixIncident } from '../../domain/hotfix';
import { INCIDENT_PATTERN } from '../../domain/hotfix';
import { ShipgateError } from '../../shared/shipgate-error';
import type { ServiceNowClient } from './servicenow-client';
import { fieldDisplay, fieldValue } from './servicenow-fields';
import { incidentFromRecord } from './servicenow-incident-record';

const FIELDS = ['sys_id', 'number', 'priority', 'state', 'active', 'short_description', 'cmdb_ci', 'business_service', 'opened_at'] as const;

/** IncidentLookup on ServiceNow: one `incident` record by number through the Table API (values and labels). */
export class ServiceNowIncidentLookup implements IncidentLookup {
  constructor(private readonly client: ServiceNowClient) {}

  async findIncident(number: string): Promise<HotfixIncident | undefined> {
    if (!INCIDENT_PATTERN.test(number)) throw new ShipgateError('bad_option', `"${number}" is not an incident number (INC and 7 digits)`);
    const page = await this.client.list('incident', { query: `number=${number}`, fields: FIELDS, displayValue: 'all', excludeReferenceLink: true, limit: 1 });
    const answer = page.records[0];
    if (!answer) return undefined;
    const { incident, record: rec } = incidentFromRecord(answer, this.client.instanceUrl);
    const bsSysId = fieldValue(rec, 'business_service');
    const bsName = fieldDisplay(rec, 'business_service');
    return {
      ...incident,
      // a record without `active` counts as active; its state still decides
      active: fieldValue(rec, 'active') !== 'false',
      ...(bsSysId ? { businessServiceSysId: bsSysId } : {}),
      ...(bsName ? { businessServiceName: bsName } : {}),
    };
  }
}
