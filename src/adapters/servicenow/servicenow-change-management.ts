import type { ChangeManagement, NewChange } from '../../app/ports/change-management';
import type { BlackoutSpan } from '../../domain/freeze-calendar';
import { changeStateLabel, formatSnDateTime, recordUrl, type ChangeRecord, type Incident } from '../../domain/servicenow/change-record';
import { ShipgateError } from '../../shared/shipgate-error';
import type { ServiceNowClient } from './servicenow-client';
import { incidentFromRecord } from './servicenow-incident-record';
import { fieldDisplay, fieldValue, isSysId, isTimeZone, parseScheduleDateTime, parseSnDateTime } from './servicenow-fields';
import {
  changeApiCreated,
  changeRequestRecord,
  describeMismatch,
  parseRecord,
  parseRecords,
  scheduleRecord,
  scheduleSpanRecord,
  sysIdRecord,
} from './servicenow-schemas';

/**
 * ChangeManagement on ServiceNow: change_request / incident / cmdb_ci through the Table
 * API (`sysparm_display_value=all` so both stored values and labels arrive), changes
 * created through the Change Management API (`/api/sn_chg_rest/v1/change/normal`, falling
 * back to the Table API when that API is not active), work notes as `work_notes`
 * journal entries, blackout schedules from cmn_schedule / cmn_schedule_span.
 *
 * Blackout spans: only non-repeating spans are supported (a span with a `repeat_type`
 * fails the read, so the freeze rule fails closed rather than missing occurrences).
 * Span times are read in the schedule's `time_zone` (floating schedules: the
 * `defaultTimeZone` option, default UTC). Spans are cached for `blackoutTtlMs` and a
 * cached copy younger than `blackoutMaxStaleMs` is served while ServiceNow is down.
 */

export interface ServiceNowChangeManagementOptions {
  client: ServiceNowClient;
  /** Zone of floating schedules (no time_zone), e.g. the config's `timezone`. Default UTC. */
  defaultTimeZone?: string;
  /** How long blackout spans and CI lookups are cached (default 5 min). */
  blackoutTtlMs?: number;
  /** How old cached blackout spans may be when ServiceNow cannot be read (default 1 h). */
  blackoutMaxStaleMs?: number;
  now?: () => number;
}

const CHANGE_FIELDS = [
  'sys_id',
  'number',
  'state',
  'type',
  'approval',
  'start_date',
  'end_date',
  'cmdb_ci',
  'short_description',
  'on_hold',
  'correlation_id',
] as const;

const INCIDENT_FIELDS = ['sys_id', 'number', 'priority', 'state', 'short_description', 'cmdb_ci', 'opened_at'] as const;

const RISK: Record<NonNullable<NewChange['risk']>, string> = { high: '2', moderate: '3', low: '4' };

const CLOSED_STATES = ['0', '3', '4'];

function queryValue(v: string, what: string): string {
  if (/[\^\n\r]/.test(v)) throw new ShipgateError('bad_option', `${what} "${v}" cannot be used in a ServiceNow query (contains ^ or a line break)`);
  return v;
}

export class ServiceNowChangeManagement implements ChangeManagement {
  readonly instanceUrl: string;
  private readonly client: ServiceNowClient;
  private readonly now: () => number;
  private readonly ttl: number;
  private readonly maxStale: number;
  private readonly ciCache = new Map<string, { sysId: string; at: number }>();
  private readonly blackoutCache = new Map<string, { spans: BlackoutSpan[]; at: number }>();

  constructor(private readonly o: ServiceNowChangeManagementOptions) {
    this.client = o.client;
    this.instanceUrl = o.client.instanceUrl;
    this.now = o.now ?? Date.now;
    this.ttl = o.blackoutTtlMs ?? 5 * 60_000;
    this.maxStale = o.blackoutMaxStaleMs ?? 60 * 60_000;
  }

  async findChange(number: string): Promise<ChangeRecord | undefined> {
    const page = await this.client.list('change_request', {
      query: `number=${queryValue(number, 'change number')}`,
      fields: CHANGE_FIELDS,
      displayValue: 'all',
      excludeReferenceLink: true,
      limit: 1,
    });
    const rec = page.records[0];
    return rec ? this.toChange(rec) : undefined;
  }

  async findChangeByCorrelation(correlationId: string): Promise<ChangeRecord | undefined> {
    const page = await this.client.list('change_request', {
      query: `correlation_id=${queryValue(correlationId, 'correlation id')}^ORDERBYDESCsys_created_on`,
      fields: CHANGE_FIELDS,
      displayValue: 'all',
      excludeReferenceLink: true,
      limit: 1,
    });
    const rec = page.records[0];
    return rec ? this.toChange(rec) : undefined;
  }

  async activeIncidents(ci: string, priorities: readonly number[]): Promise<Incident[]> {
    if (priorities.length === 0) return [];
    const ciSysId = await this.resolveCi(ci);
    const prios = [...new Set(priorities.map((p) => Math.trunc(p)))].join(',');
    const page = await this.client.list('incident', {
      query: `active=true^stateNOT IN6,7,8^priorityIN${prios}^cmdb_ci=${ciSysId}^ORbusiness_service=${ciSysId}^ORDERBYpriority`,
      fields: INCIDENT_FIELDS,
      displayValue: 'all',
      excludeReferenceLink: true,
      limit: 200,
    });
    return page.records.map((r) => this.toIncident(r));
  }

  async addWorkNote(changeSysId: string, text: string): Promise<void> {
    await this.client.update('change_request', changeSysId, { work_notes: text }, { fields: ['sys_id'] });
  }

  async hasWorkNote(changeSysId: string, marker: string): Promise<boolean> {
    const page = await this.client.list('sys_journal_field', {
      query: `element_id=${changeSysId}^element=work_notes^valueLIKE${marker.replace(/\^/g, '')}`,
      fields: ['sys_id'],
      limit: 1,
    });
    return page.records.length > 0;
  }

  async createChange(f: NewChange): Promise<ChangeRecord> {
    const fields: Record<string, string> = {
      short_description: f.shortDescription,
      start_date: formatSnDateTime(f.plannedStart),
      end_date: formatSnDateTime(f.plannedEnd),
      correlation_id: f.correlationId,
      ...(f.correlationDisplay ? { correlation_display: f.correlationDisplay } : {}),
      ...(f.description ? { description: f.description } : {}),
      ...(f.implementationPlan ? { implementation_plan: f.implementationPlan } : {}),
      ...(f.backoutPlan ? { backout_plan: f.backoutPlan } : {}),
      ...(f.testPlan ? { test_plan: f.testPlan } : {}),
      ...(f.category ? { category: f.category } : {}),
      ...(f.risk ? { risk: RISK[f.risk] } : {}),
    };
    if (f.ci) fields.cmdb_ci = await this.resolveCi(f.ci);
    if (f.assignmentGroup) fields.assignment_group = await this.resolveGroup(f.assignmentGroup);

    const created = await this.client
      .call('POST', `/api/sn_chg_rest/v1/change/${f.type}`, { body: fields, table: 'change_request', op: 'create', allowNotFound: true })
      .catch((e: unknown) => {
        // an API that is not installed answers 400 "Requested URI does not represent any resource"
        if (e instanceof ShipgateError && e.details.status === 400 && /does not represent any resource/i.test(String(e.details.snMessage ?? '')))
          return undefined;
        throw e;
      });
    let sysId: string | undefined;
    let start = '';
    let end = '';
    if (created !== undefined) {
      const answer = changeApiCreated.safeParse(created);
      if (!answer.success) {
        throw new ShipgateError('servicenow_error', `the ServiceNow Change Management API created a change but answered ${describeMismatch(answer.error, created)}`, {
          table: 'change_request',
        });
      }
      const rec = answer.data.result;
      sysId = fieldValue(rec, 'sys_id');
      start = fieldValue(rec, 'start_date');
      end = fieldValue(rec, 'end_date');
    } else {
      // the Change Management API is not active on this instance: the Table API does the same
      const rec = parseRecord(
        sysIdRecord,
        'change_request',
        await this.client.create('change_request', { ...fields, type: f.type }, { fields: ['sys_id', 'start_date', 'end_date'] }),
        this.instanceUrl,
      );
      sysId = fieldValue(rec, 'sys_id');
      start = fieldValue(rec, 'start_date');
      end = fieldValue(rec, 'end_date');
    }
    if (start !== fields.start_date || end !== fields.end_date) {
      // the Change API may read date-times in the integration user's zone: set the UTC values
      await this.client.update('change_request', sysId, { start_date: fields.start_date!, end_date: fields.end_date! }, { fields: ['sys_id'] });
    }
    const rec = await this.client.get('change_request', sysId, { fields: CHANGE_FIELDS, displayValue: 'all', excludeReferenceLink: true });
    if (!rec) throw new ShipgateError('servicenow_error', `ServiceNow created change ${sysId} but cannot read it back`);
    return this.toChange(rec);
  }

  async moveToReview(changeSysId: string, closeCode: 'successful' | 'successful_issues' | 'unsuccessful', closeNotes: string): Promise<void> {
    const found = await this.client.get('change_request', changeSysId, {
      fields: ['sys_id', 'number', 'state'],
      displayValue: 'all',
      excludeReferenceLink: true,
    });
    if (!found) throw new ShipgateError('servicenow_error', `no change_request with sys_id ${changeSysId}`);
    const rec = parseRecord(changeRequestRecord.pick({ sys_id: true, number: true, state: true }), 'change_request', found, this.instanceUrl);
    const state = fieldValue(rec, 'state');
    const number = fieldValue(rec, 'number');
    if (CLOSED_STATES.includes(state)) return; // already in Review or beyond
    if (state !== '-2' && state !== '-1') {
      throw new ShipgateError(
        'servicenow_error',
        `${number} is ${fieldDisplay(rec, 'state') ?? changeStateLabel(state)}; only a Scheduled or Implement change can be moved to Review`,
      );
    }
    if (state === '-2') await this.client.update('change_request', changeSysId, { state: '-1' }, { fields: ['sys_id'] });
    await this.client.update('change_request', changeSysId, { state: '0', close_code: closeCode, close_notes: closeNotes }, { fields: ['sys_id'] });
  }

  async blackoutSpans(scheduleName: string): Promise<BlackoutSpan[]> {
    const cached = this.blackoutCache.get(scheduleName);
    const now = this.now();
    if (cached && now - cached.at < this.ttl) return cached.spans;
    try {
      const spans = await this.readBlackout(scheduleName);
      this.blackoutCache.set(scheduleName, { spans, at: now });
      return spans;
    } catch (e) {
      if (cached && now - cached.at < this.maxStale && !(e instanceof ShipgateError && e.code === 'config_invalid')) return cached.spans;
      throw e;
    }
  }

  // ------------------------------------------------------------------ internals

  private async readBlackout(scheduleName: string): Promise<BlackoutSpan[]> {
    const page = await this.client.list('cmn_schedule', {
      query: `name=${queryValue(scheduleName, 'schedule name')}`,
      fields: ['sys_id', 'name', 'type', 'time_zone'],
      limit: 10,
    });
    if (page.records.length === 0) {
      throw new ShipgateError('config_invalid', `ServiceNow has no schedule named "${scheduleName}" (cmn_schedule); check servicenowBlackout in shipgate.yml`);
    }
    const schedules = parseRecords(scheduleRecord, 'cmn_schedule', page.records, this.instanceUrl);
    const schedule = schedules.find((r) => fieldValue(r, 'type') === 'blackout');
    if (!schedule) {
      const types = schedules.map((r) => fieldValue(r, 'type') || '(empty)').join(', ');
      throw new ShipgateError('config_invalid', `ServiceNow schedule "${scheduleName}" is not a blackout schedule (type ${types}, needed blackout)`);
    }
    const scheduleTz = fieldValue(schedule, 'time_zone');
    const tz = isTimeZone(scheduleTz) ? scheduleTz : this.o.defaultTimeZone && isTimeZone(this.o.defaultTimeZone) ? this.o.defaultTimeZone : 'UTC';
    const rows = parseRecords(
      scheduleSpanRecord,
      'cmn_schedule_span',
      await this.client.listAll('cmn_schedule_span', {
        query: `schedule=${fieldValue(schedule, 'sys_id')}^ORDERBYstart_date_time`,
        fields: ['sys_id', 'name', 'start_date_time', 'end_date_time', 'repeat_type', 'all_day'],
      }),
      this.instanceUrl,
    );
    const spans: BlackoutSpan[] = [];
    for (const r of rows) {
      const name = fieldValue(r, 'name');
      const repeat = fieldValue(r, 'repeat_type');
      if (repeat && repeat !== 'none') {
        throw new ShipgateError(
          'config_invalid',
          `blackout schedule "${scheduleName}": span "${name || fieldValue(r, 'sys_id')}" repeats (${repeat}); shipgate reads only non-repeating spans — use one span per occurrence, or an ics freeze rule`,
        );
      }
      const startText = fieldValue(r, 'start_date_time');
      const endText = fieldValue(r, 'end_date_time');
      const start = parseScheduleDateTime(startText, tz);
      let end = parseScheduleDateTime(endText, tz);
      if (!start || !end) {
        throw new ShipgateError('servicenow_error', `blackout schedule "${scheduleName}": span "${name}" has unreadable times (${startText} – ${endText})`);
      }
      // an end at hh:59:59 means "through the end of that minute": make it half-open
      if (/T\d{2}\d{2}59Z?$/.test(endText.trim())) end = new Date(end.getTime() + 1000);
      if (end.getTime() <= start.getTime()) continue;
      spans.push({ start, end, label: name || scheduleName });
    }
    return spans;
  }

  private async resolveCi(ci: string): Promise<string> {
    if (isSysId(ci)) return ci.toLowerCase();
    const hit = this.ciCache.get(ci);
    if (hit && this.now() - hit.at < this.ttl) return hit.sysId;
    const page = await this.client.list('cmdb_ci', { query: `name=${queryValue(ci, 'configuration item')}`, fields: ['sys_id', 'name'], limit: 2 });
    const rec = page.records[0];
    if (!rec)
      throw new ShipgateError(
        'servicenow_error',
        `ServiceNow has no configuration item named "${ci}" (cmdb_ci); check services[].servicenow.ci in shipgate.yml`,
      );
    const sysId = fieldValue(parseRecord(sysIdRecord, 'cmdb_ci', rec, this.instanceUrl), 'sys_id');
    this.ciCache.set(ci, { sysId, at: this.now() });
    return sysId;
  }

  private async resolveGroup(group: string): Promise<string> {
    if (isSysId(group)) return group.toLowerCase();
    const page = await this.client.list('sys_user_group', { query: `name=${queryValue(group, 'assignment group')}`, fields: ['sys_id'], limit: 1 });
    const rec = page.records[0];
    if (!rec)
      throw new ShipgateError(
        'servicenow_error',
        `ServiceNow has no assignment group named "${group}" (sys_user_group); check changeTemplate.assignmentGroup in shipgate.yml`,
      );
    return fieldValue(parseRecord(sysIdRecord, 'sys_user_group', rec, this.instanceUrl), 'sys_id');
  }

  private toChange(answer: unknown): ChangeRecord {
    const rec = parseRecord(changeRequestRecord, 'change_request', answer, this.instanceUrl);
    const sysId = fieldValue(rec, 'sys_id');
    const state = fieldValue(rec, 'state');
    const start = parseSnDateTime(fieldValue(rec, 'start_date'));
    const end = parseSnDateTime(fieldValue(rec, 'end_date'));
    const ciSysId = fieldValue(rec, 'cmdb_ci');
    const ciName = fieldDisplay(rec, 'cmdb_ci');
    const correlationId = fieldValue(rec, 'correlation_id');
    return {
      number: fieldValue(rec, 'number'),
      sysId,
      state,
      stateLabel: fieldDisplay(rec, 'state') || changeStateLabel(state),
      type: fieldValue(rec, 'type'),
      approval: fieldValue(rec, 'approval'),
      ...(start ? { plannedStart: start } : {}),
      ...(end ? { plannedEnd: end } : {}),
      ...(ciSysId ? { ciSysId } : {}),
      ...(ciName ? { ciName } : {}),
      shortDescription: fieldValue(rec, 'short_description'),
      onHold: fieldValue(rec, 'on_hold') === 'true',
      ...(correlationId ? { correlationId } : {}),
      url: recordUrl(this.instanceUrl, 'change_request', sysId),
    };
  }

  private toIncident(answer: unknown): Incident {
    return incidentFromRecord(answer, this.instanceUrl).incident;
  }
}
