/**
 * ServiceNow emulator: the Table API (`/api/now/table/{table}[/{sys_id}]`) for
 * change_request, incident, cmdb_ci, sys_user_group, cmn_schedule, cmn_schedule_span and
 * sys_journal_field; the Change Management API (`POST /api/sn_chg_rest/v1/change/normal`
 * and `/emergency`, `GET|PATCH /api/sn_chg_rest/v1/change/{sys_id}`); OAuth
 * (`POST /oauth_token.do`, grant types password, client_credentials, refresh_token);
 * tiny UI pages behind the record links (`/nav_to.do?uri=change_request.do?sys_id=…`).
 *
 * Shapes follow the documented API: `{ "result": … }`, every value a string, date-times
 * `YYYY-MM-DD HH:mm:ss` in UTC, reference fields `{link, value}` (display_value=false),
 * display strings (true) or `{display_value, value, link}` (all); `X-Total-Count` and
 * `Link` headers; errors `{"error":{"message","detail"},"status":"failure"}`.
 *
 * Encoded queries: `=`, `!=`, `IN`, `NOT IN`, `<`, `<=`, `>`, `>=`, `LIKE`, `NOT LIKE`,
 * `STARTSWITH`, `ENDSWITH`, `ISEMPTY`, `ISNOTEMPTY`, `^` (AND), `^OR`, `^NQ`,
 * `ORDERBY`/`ORDERBYDESC`, one level of dot-walking (`cmdb_ci.name=…`). A condition on an
 * unknown field matches nothing (the safe setting of `glide.invalid_query.returns_no_rows`).
 *
 * Work notes: `work_notes` (and `comments`) written through POST/PATCH become
 * sys_journal_field rows (element=work_notes, element_id=<sys_id>, name=<table>).
 *
 * Blackout schedules: `addBlackoutSchedule` writes a cmn_schedule (type=blackout) and
 * non-repeating cmn_schedule_span rows whose start_date_time / end_date_time are
 * `YYYYMMDDTHHMMSS` in the schedule's time_zone (default UTC).
 */
import { EmulatorBase, type EmulatorOptions, type RequestContext } from './emulator-base';
import { Auth } from './servicenow/auth';
import { ChangeApi } from './servicenow/change-api';
import { scheduleDateTime, snDateTime, toMs, type DateInput } from './servicenow/dates';
import { Gateway, type SnFault } from './servicenow/gateway';
import { Pages } from './servicenow/pages';
import { QueryEngine } from './servicenow/query';
import { Renderer } from './servicenow/render';
import type { AclOperation, Row } from './servicenow/rest';
import { ServiceNowState } from './servicenow/state';
import { TableApi } from './servicenow/table-api';

export { scheduleDateTime, snDateTime } from './servicenow/dates';
export type { SnFault } from './servicenow/gateway';
export type { AclOperation, DisplayMode, Row } from './servicenow/rest';

export interface ServiceNowEmulatorOptions extends EmulatorOptions {
  /** Basic-auth user (with `password`); when no user is configured any non-empty credentials are accepted. */
  username?: string;
  password?: string;
  users?: Array<{ username: string; password: string }>;
  /** Bearer tokens accepted as is (e.g. what SERVICENOW_TOKEN holds). Issued OAuth tokens are always accepted until they expire. */
  tokens?: string[];
  /** OAuth clients for `/oauth_token.do`; when none is configured any client id/secret is accepted. */
  oauthClients?: Array<{ clientId: string; clientSecret: string }>;
  /** Lifetime of issued access tokens (default 1800 s). */
  tokenTtlSec?: number;
  /** Zone for display values of date-times (default UTC). */
  timeZone?: string;
}

export interface ServiceNowSnapshotView {
  url: string;
  changes: Array<{ number: string; shortDescription: string; state: string; approval: string; ci?: string; window?: string; url: string }>;
  incidents: Array<{ number: string; priority: string; state: string; shortDescription: string; ci?: string; url: string }>;
}

export interface AddChangeInput {
  number?: string;
  state?: string;
  type?: 'normal' | 'standard' | 'emergency' | string;
  approval?: 'requested' | 'approved' | 'rejected' | 'not requested' | string;
  start_date?: DateInput;
  end_date?: DateInput;
  /** cmdb_ci name or sys_id. */
  cmdb_ci?: string;
  short_description?: string;
  [field: string]: DateInput | undefined;
}

export interface AddIncidentInput {
  number?: string;
  priority?: string | number;
  state?: string | number;
  /** cmdb_ci name or sys_id. */
  cmdb_ci?: string;
  short_description?: string;
  active?: boolean | string;
  [field: string]: DateInput | boolean | undefined;
}

export interface BlackoutSpanInput {
  start: DateInput;
  end: DateInput;
  name?: string;
  /** Left empty for the non-repeating spans shipgate reads; set it to test the refusal. */
  repeatType?: string;
}

export class ServiceNowEmulator extends EmulatorBase {
  private readonly state: ServiceNowState;
  private readonly renderer: Renderer;
  private readonly gateway: Gateway;

  constructor(options: ServiceNowEmulatorOptions = {}) {
    super(options);
    const users = [...(options.users ?? []), ...(options.username !== undefined ? [{ username: options.username, password: options.password ?? '' }] : [])];
    const host = {
      now: () => this.now(),
      record: (type: string, data: unknown) => this.record(type, data),
      changed: () => {
        this.emit('change');
      },
    };
    const state = (this.state = new ServiceNowState(host));
    const renderer = (this.renderer = new Renderer(state, options.timeZone ?? 'UTC', () => this.url));
    const auth = new Auth({ users, tokens: options.tokens, oauthClients: options.oauthClients, tokenTtlSec: options.tokenTtlSec }, host);
    const pages = new Pages(state, renderer);
    this.gateway = new Gateway(auth, (ctx) => pages.servePage(ctx));
    new TableApi(state, renderer, new QueryEngine(state), () => this.url).register(this.gateway.routes);
    new ChangeApi(state, renderer).register(this.gateway.routes);
  }

  // ================================================================ seeding

  /** A configuration item (cmdb_ci). */
  addCi(input: { name: string; sys_id?: string; sys_class_name?: string; operational_status?: string }): Row {
    return this.state.addCi(input);
  }

  /** An assignment group (sys_user_group). */
  addGroup(name: string): Row {
    return this.state.insert('sys_user_group', { name, active: 'true' }, 'system');
  }

  /**
   * A change_request. Defaults: type normal, state -2 (Scheduled), approval approved, no
   * window. `cmdb_ci` may be a CI name (created when missing) or sys_id; date-times may be
   * Date, epoch ms or `YYYY-MM-DD HH:mm:ss` (UTC).
   */
  addChange(input: AddChangeInput = {}): Row {
    const fields = this.state.seedFields(input);
    if (input.cmdb_ci) fields.cmdb_ci = this.state.ciSysId(input.cmdb_ci);
    return this.state.insert('change_request', { type: 'normal', state: '-2', approval: 'approved', short_description: 'Change', ...fields }, 'system');
  }

  /** Updates a change by number (fields as in `addChange`; `work_notes` appends a journal entry). */
  setChange(number: string, patch: Partial<AddChangeInput>): Row {
    const row = this.state.byNumber('change_request', number);
    if (!row) throw new Error(`ServiceNowEmulator: no change ${number}`);
    const fields = this.state.seedFields(patch);
    if (patch.cmdb_ci) fields.cmdb_ci = this.state.ciSysId(patch.cmdb_ci);
    return this.state.modify('change_request', row, fields, 'system');
  }

  /** An incident. Defaults: priority 5, state 1 (New), active unless state is 7/8. */
  addIncident(input: AddIncidentInput = {}): Row {
    const fields = this.state.seedFields(input);
    if (input.cmdb_ci) fields.cmdb_ci = this.state.ciSysId(input.cmdb_ci);
    return this.state.insert('incident', { priority: '5', state: '1', short_description: 'Incident', opened_at: snDateTime(this.now()), ...fields }, 'system');
  }

  setIncident(number: string, patch: Partial<AddIncidentInput>): Row {
    const row = this.state.byNumber('incident', number);
    if (!row) throw new Error(`ServiceNowEmulator: no incident ${number}`);
    const fields = this.state.seedFields(patch);
    if (patch.cmdb_ci) fields.cmdb_ci = this.state.ciSysId(patch.cmdb_ci);
    return this.state.modify('incident', row, fields, 'system');
  }

  /** A blackout schedule (cmn_schedule type=blackout) with non-repeating spans. */
  addBlackoutSchedule(name: string, spans: readonly BlackoutSpanInput[], options: { timeZone?: string } = {}): { schedule: Row; spans: Row[] } {
    const tz = options.timeZone ?? 'UTC';
    const schedule = this.state.insert('cmn_schedule', { name, type: 'blackout', time_zone: tz }, 'system');
    const rows = spans.map((sp) =>
      this.state.insert(
        'cmn_schedule_span',
        {
          name: sp.name ?? name,
          schedule: schedule.sys_id!,
          start_date_time: scheduleDateTime(toMs(sp.start), tz),
          end_date_time: scheduleDateTime(toMs(sp.end), tz),
          all_day: 'false',
          repeat_type: sp.repeatType ?? '',
          repeat_count: '0',
          type: 'exclude',
          show_as: 'busy',
        },
        'system',
      ),
    );
    return { schedule, spans: rows };
  }

  /** A schedule of another type (to test "not a blackout schedule"). */
  addSchedule(name: string, type: string, timeZone = 'UTC'): Row {
    return this.state.insert('cmn_schedule', { name, type, time_zone: timeZone }, 'system');
  }
  /** The next `times` matching requests get this answer instead (or hang with `hang: true`). */
  failNext(fault: SnFault): void {
    this.gateway.failNext(fault);
  }

  /** Simulate an outage: `reset` drops every connection, `unavailable` answers 503 with an HTML page. */
  setDown(down: boolean, mode: 'reset' | 'unavailable' = 'reset'): void {
    this.gateway.setDown(down, mode);
  }

  /** Deny an operation on a table to the API user (answers 403). */
  denyAcl(table: string, ops: readonly AclOperation[] = ['read', 'write', 'create']): void {
    this.state.denyAcl(table, ops);
  }

  allowAcl(table: string): void {
    this.state.allowAcl(table);
  }

  // ================================================================ queries

  /** Rows of a table (stored values), in insertion order. */
  records(table: string): Row[] {
    return this.state.records(table).map((r) => ({ ...r }));
  }

  change(number: string): Row | undefined {
    const r = this.state.byNumber('change_request', number);
    return r ? { ...r } : undefined;
  }

  incident(number: string): Row | undefined {
    const r = this.state.byNumber('incident', number);
    return r ? { ...r } : undefined;
  }

  /** Work notes of a change (by number or sys_id), oldest first. */
  workNotes(numberOrSysId: string): string[] {
    const row = this.state.byNumber('change_request', numberOrSysId) ?? this.state.rows('change_request').get(numberOrSysId);
    if (!row) return [];
    return this.state.journalEntries('change_request', row.sys_id!, 'work_notes').map((j) => j.value ?? '');
  }

  /** UI link of a record, as shipgate builds it. */
  recordUrl(table: string, sysId: string): string {
    return `${this.url}/nav_to.do?uri=${table}.do?sys_id=${sysId}`;
  }

  /** A summary of changes and incidents for a UI (the sandbox's side panel); `'change'` is emitted whenever a record changes. */
  snapshot(): ServiceNowSnapshotView {
    const changes = this.records('change_request').map((r) => ({
      number: r.number ?? '',
      shortDescription: r.short_description ?? '',
      state: this.renderer.displayValue('change_request', r, 'state'),
      approval: this.renderer.displayValue('change_request', r, 'approval'),
      ...(r.cmdb_ci ? { ci: this.renderer.displayValue('change_request', r, 'cmdb_ci') } : {}),
      ...(r.start_date && r.end_date ? { window: `${r.start_date} – ${r.end_date} UTC` } : {}),
      url: this.recordUrl('change_request', r.sys_id ?? ''),
    }));
    const incidents = this.records('incident').map((r) => ({
      number: r.number ?? '',
      priority: this.renderer.displayValue('incident', r, 'priority'),
      state: this.renderer.displayValue('incident', r, 'state'),
      shortDescription: r.short_description ?? '',
      ...(r.cmdb_ci ? { ci: this.renderer.displayValue('incident', r, 'cmdb_ci') } : {}),
      url: this.recordUrl('incident', r.sys_id ?? ''),
    }));
    return { url: this.url, changes, incidents };
  }

  // ================================================================ HTTP

  protected override onStopping(): void {
    this.gateway.releaseHung();
  }

  protected override async handle(ctx: RequestContext): Promise<void> {
    await this.gateway.handle(ctx);
  }
}
