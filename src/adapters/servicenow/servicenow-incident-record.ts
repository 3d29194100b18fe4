import type { z } from 'zod';
import { incidentStateLabel, recordUrl, type Incident } from '../../domain/servicenow/change-record';
import { fieldDisplay, fieldValue, parseSnDateTime } from './servicenow-fields';
import { incidentRecord, parseRecord } from './servicenow-schemas';

/** An `incident` Table API record (values and labels) as shipgate reads it, with the parsed record for other fields. */
export function incidentFromRecord(answer: unknown, instanceUrl: string): { incident: Incident; record: z.infer<typeof incidentRecord> } {
  const rec = parseRecord(incidentRecord, 'incident', answer, instanceUrl);
  const sysId = fieldValue(rec, 'sys_id');
  const state = fieldValue(rec, 'state');
  const ciSysId = fieldValue(rec, 'cmdb_ci');
  const ciName = fieldDisplay(rec, 'cmdb_ci');
  const openedAt = parseSnDateTime(fieldValue(rec, 'opened_at'));
  return {
    record: rec,
    incident: {
      number: fieldValue(rec, 'number'),
      sysId,
      priority: Number(fieldValue(rec, 'priority')) || 0,
      state,
      stateLabel: fieldDisplay(rec, 'state') || incidentStateLabel(state),
      shortDescription: fieldValue(rec, 'short_description'),
      ...(ciSysId ? { ciSysId } : {}),
      ...(ciName ? { ciName } : {}),
      ...(openedAt ? { openedAt } : {}),
      url: recordUrl(instanceUrl, 'incident', sysId),
    },
  };
}
