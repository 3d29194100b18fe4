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
import { createHash, randomBytes } from 'node:crypto';
import { EmulatorBase, type EmulatorOptions, type RequestContext, escapeHtml, isRecord, parseBody, sendJson, sendText } from './emulator-base';
import { RouteTable, type RouteParams } from './route-table';

export type Row = Record<string, string>;
export type DisplayMode = 'false' | 'true' | 'all';
export type AclOperation = 'read' | 'write' | 'create';

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

export interface SnFault {
  status: number;
  /** Number of requests to fail (default 1). */
  times?: number;
  method?: string;
  /** Exact path or RegExp on the path. */
  path?: string | RegExp;
  body?: unknown;
  headers?: Record<string, string>;
  /** Further condition on the request (e.g. a body field). */
  match?: (req: { method: string; path: string; query: Record<string, string>; body: unknown }) => boolean;
  /** Never answer (until `stop()`): for client timeouts. */
  hang?: boolean;
}

type DateInput = Date | number | string;

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

// ------------------------------------------------------------------ schema

type FieldType = 'string' | 'integer' | 'boolean' | 'datetime' | 'choice' | 'reference' | 'journal';

interface FieldDef {
  type: FieldType;
  ref?: string;
  choices?: Record<string, string>;
  numeric?: boolean;
}

interface TableDef {
  fields: Record<string, FieldDef>;
  /** Field used as display value in references. */
  display: string;
  /** Auto-numbering, e.g. CHG + 7 digits. */
  numberPrefix?: string;
  numberStart?: number;
}

const s = (): FieldDef => ({ type: 'string' });
const dt = (): FieldDef => ({ type: 'datetime' });
const bool = (): FieldDef => ({ type: 'boolean' });
const ref = (table: string): FieldDef => ({ type: 'reference', ref: table });
const choice = (choices: Record<string, string>, numeric = false): FieldDef => ({ type: 'choice', choices, numeric });
const journal = (): FieldDef => ({ type: 'journal' });

const SYS_FIELDS: Record<string, FieldDef> = {
  sys_id: s(),
  sys_created_on: dt(),
  sys_created_by: s(),
  sys_updated_on: dt(),
  sys_updated_by: s(),
  sys_mod_count: { type: 'integer' },
  sys_class_name: s(),
};

const TABLES: Record<string, TableDef> = {
  change_request: {
    display: 'number',
    numberPrefix: 'CHG',
    numberStart: 30001,
    fields: {
      number: s(),
      state: choice(
        { '-5': 'New', '-4': 'Assess', '-3': 'Authorize', '-2': 'Scheduled', '-1': 'Implement', '0': 'Review', '3': 'Closed', '4': 'Canceled' },
        true,
      ),
      type: choice({ normal: 'Normal', standard: 'Standard', emergency: 'Emergency' }),
      approval: choice({ 'not requested': 'Not Yet Requested', requested: 'Requested', approved: 'Approved', rejected: 'Rejected' }),
      start_date: dt(),
      end_date: dt(),
      work_start: dt(),
      work_end: dt(),
      cmdb_ci: ref('cmdb_ci'),
      business_service: ref('cmdb_ci'),
      assignment_group: ref('sys_user_group'),
      short_description: s(),
      description: s(),
      implementation_plan: s(),
      backout_plan: s(),
      test_plan: s(),
      justification: s(),
      category: s(),
      risk: choice({ '1': 'Very High', '2': 'High', '3': 'Moderate', '4': 'Low' }, true),
      impact: choice({ '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' }, true),
      priority: choice({ '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low' }, true),
      on_hold: bool(),
      active: bool(),
      close_code: choice({ successful: 'Successful', successful_issues: 'Successful with issues', unsuccessful: 'Unsuccessful' }),
      close_notes: s(),
      correlation_id: s(),
      correlation_display: s(),
      chg_model: s(),
      work_notes: journal(),
      comments: journal(),
    },
  },
  incident: {
    display: 'number',
    numberPrefix: 'INC',
    numberStart: 10001,
    fields: {
      number: s(),
      state: choice({ '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Canceled' }, true),
      priority: choice({ '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low', '5': '5 - Planning' }, true),
      impact: choice({ '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' }, true),
      urgency: choice({ '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' }, true),
      active: bool(),
      cmdb_ci: ref('cmdb_ci'),
      business_service: ref('cmdb_ci'),
      assignment_group: ref('sys_user_group'),
      short_description: s(),
      description: s(),
      opened_at: dt(),
      resolved_at: dt(),
      closed_at: dt(),
      work_notes: journal(),
      comments: journal(),
    },
  },
  cmdb_ci: {
    display: 'name',
    fields: { name: s(), operational_status: choice({ '1': 'Operational', '2': 'Non-Operational' }, true), short_description: s() },
  },
  sys_user_group: { display: 'name', fields: { name: s(), description: s(), active: bool() } },
  cmn_schedule: {
    display: 'name',
    fields: {
      name: s(),
      type: choice({ '': '', blackout: 'Blackout', maintenance: 'Maintenance', excluded: 'Excluded' }),
      time_zone: s(),
      description: s(),
    },
  },
  cmn_schedule_span: {
    display: 'name',
    fields: {
      name: s(),
      schedule: ref('cmn_schedule'),
      start_date_time: s(),
      end_date_time: s(),
      all_day: bool(),
      repeat_type: choice({ '': '-- None --', daily: 'Daily', weekdays: 'Every Weekday (Mon-Fri)', weekly: 'Weekly', monthly: 'Monthly', yearly: 'Yearly' }),
      repeat_count: { type: 'integer' },
      type: s(),
      show_as: s(),
    },
  },
  sys_journal_field: {
    display: 'value',
    fields: { element: s(), element_id: s(), name: s(), value: s() },
  },
};

const ERR_AUTH = { message: 'User Not Authenticated', detail: 'Required to provide Auth information' };
const ERR_NO_RECORD = { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" };

// ------------------------------------------------------------------ query engine

const OPERATORS = ['ISNOTEMPTY', 'ISEMPTY', 'NOT LIKE', 'NOT IN', 'STARTSWITH', 'ENDSWITH', 'LIKE', 'IN', '!=', '<=', '>=', '=', '<', '>'] as const;
type Operator = (typeof OPERATORS)[number];

interface Condition {
  field: string;
  op: Operator | 'INVALID';
  value: string;
  /** Joined to the previous condition with OR. */
  or: boolean;
}

interface ParsedQuery {
  /** OR of groups (^NQ); each group an AND of OR-chains. */
  groups: Condition[][][];
  order: Array<{ field: string; desc: boolean }>;
}

class SnHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: { message: string; detail: string | null },
    readonly headers: Record<string, string> = {},
  ) {
    super(error.message);
  }
}

interface Handler {
  (q: { ctx: RequestContext; params: RouteParams; body: unknown; user: string }): { status: number; body?: unknown; headers?: Record<string, string> };
}

interface IssuedToken {
  user: string;
  expiresAt: number;
}

export class ServiceNowEmulator extends EmulatorBase {
  private readonly users: Map<string, string> | undefined;
  private readonly staticTokens: Set<string>;
  private readonly oauthClients: Map<string, string> | undefined;
  private readonly tokenTtlSec: number;
  private readonly timeZone: string;
  private readonly issued = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly store = new Map<string, Map<string, Row>>();
  private readonly counters = new Map<string, number>();
  private readonly faults: Array<SnFault & { remaining: number }> = [];
  private readonly acl = new Map<string, Set<AclOperation>>();
  private readonly hung = new Set<() => void>();
  private readonly routes = new RouteTable<Handler>();
  private down: false | 'reset' | 'unavailable' = false;
  private seq = 0;

  constructor(options: ServiceNowEmulatorOptions = {}) {
    super(options);
    const users = [...(options.users ?? []), ...(options.username !== undefined ? [{ username: options.username, password: options.password ?? '' }] : [])];
    this.users = users.length ? new Map(users.map((u) => [u.username, u.password])) : undefined;
    this.staticTokens = new Set(options.tokens ?? []);
    this.oauthClients = options.oauthClients?.length ? new Map(options.oauthClients.map((c) => [c.clientId, c.clientSecret])) : undefined;
    this.tokenTtlSec = options.tokenTtlSec ?? 1800;
    this.timeZone = options.timeZone ?? 'UTC';
    for (const t of Object.keys(TABLES)) this.store.set(t, new Map());
    this.registerRoutes();
  }

  // ================================================================ seeding

  /** A configuration item (cmdb_ci). */
  addCi(input: { name: string; sys_id?: string; sys_class_name?: string; operational_status?: string }): Row {
    return this.insert('cmdb_ci', { operational_status: '1', sys_class_name: 'cmdb_ci_service', ...input }, 'system');
  }

  /** An assignment group (sys_user_group). */
  addGroup(name: string): Row {
    return this.insert('sys_user_group', { name, active: 'true' }, 'system');
  }

  /**
   * A change_request. Defaults: type normal, state -2 (Scheduled), approval approved, no
   * window. `cmdb_ci` may be a CI name (created when missing) or sys_id; date-times may be
   * Date, epoch ms or `YYYY-MM-DD HH:mm:ss` (UTC).
   */
  addChange(input: AddChangeInput = {}): Row {
    const fields = this.seedFields(input);
    if (input.cmdb_ci) fields.cmdb_ci = this.ciSysId(input.cmdb_ci);
    return this.insert('change_request', { type: 'normal', state: '-2', approval: 'approved', short_description: 'Change', ...fields }, 'system');
  }

  /** Updates a change by number (fields as in `addChange`; `work_notes` appends a journal entry). */
  setChange(number: string, patch: Partial<AddChangeInput>): Row {
    const row = this.byNumber('change_request', number);
    if (!row) throw new Error(`ServiceNowEmulator: no change ${number}`);
    const fields = this.seedFields(patch);
    if (patch.cmdb_ci) fields.cmdb_ci = this.ciSysId(patch.cmdb_ci);
    return this.modify('change_request', row, fields, 'system');
  }

  /** An incident. Defaults: priority 5, state 1 (New), active unless state is 7/8. */
  addIncident(input: AddIncidentInput = {}): Row {
    const fields = this.seedFields(input);
    if (input.cmdb_ci) fields.cmdb_ci = this.ciSysId(input.cmdb_ci);
    return this.insert('incident', { priority: '5', state: '1', short_description: 'Incident', opened_at: snDateTime(this.now()), ...fields }, 'system');
  }

  setIncident(number: string, patch: Partial<AddIncidentInput>): Row {
    const row = this.byNumber('incident', number);
    if (!row) throw new Error(`ServiceNowEmulator: no incident ${number}`);
    const fields = this.seedFields(patch);
    if (patch.cmdb_ci) fields.cmdb_ci = this.ciSysId(patch.cmdb_ci);
    return this.modify('incident', row, fields, 'system');
  }

  /** A blackout schedule (cmn_schedule type=blackout) with non-repeating spans. */
  addBlackoutSchedule(name: string, spans: readonly BlackoutSpanInput[], options: { timeZone?: string } = {}): { schedule: Row; spans: Row[] } {
    const tz = options.timeZone ?? 'UTC';
    const schedule = this.insert('cmn_schedule', { name, type: 'blackout', time_zone: tz }, 'system');
    const rows = spans.map((sp) =>
      this.insert(
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
    return this.insert('cmn_schedule', { name, type, time_zone: timeZone }, 'system');
  }

  /** The next `times` matching requests get this answer instead (or hang with `hang: true`). */
  failNext(fault: SnFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Simulate an outage: `reset` drops every connection, `unavailable` answers 503 with an HTML page. */
  setDown(down: boolean, mode: 'reset' | 'unavailable' = 'reset'): void {
    this.down = down ? mode : false;
  }

  /** Deny an operation on a table to the API user (answers 403). */
  denyAcl(table: string, ops: readonly AclOperation[] = ['read', 'write', 'create']): void {
    const set = this.acl.get(table) ?? new Set<AclOperation>();
    ops.forEach((o) => set.add(o));
    this.acl.set(table, set);
  }

  allowAcl(table: string): void {
    this.acl.delete(table);
  }

  // ================================================================ queries

  /** Rows of a table (stored values), in insertion order. */
  records(table: string): Row[] {
    return [...(this.store.get(table)?.values() ?? [])].map((r) => ({ ...r }));
  }

  change(number: string): Row | undefined {
    const r = this.byNumber('change_request', number);
    return r ? { ...r } : undefined;
  }

  incident(number: string): Row | undefined {
    const r = this.byNumber('incident', number);
    return r ? { ...r } : undefined;
  }

  /** Work notes of a change (by number or sys_id), oldest first. */
  workNotes(numberOrSysId: string): string[] {
    const row = this.byNumber('change_request', numberOrSysId) ?? this.store.get('change_request')?.get(numberOrSysId);
    if (!row) return [];
    return this.journalEntries('change_request', row.sys_id!, 'work_notes').map((j) => j.value ?? '');
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
      state: this.displayValue('change_request', r, 'state'),
      approval: this.displayValue('change_request', r, 'approval'),
      ...(r.cmdb_ci ? { ci: this.displayValue('change_request', r, 'cmdb_ci') } : {}),
      ...(r.start_date && r.end_date ? { window: `${r.start_date} – ${r.end_date} UTC` } : {}),
      url: this.recordUrl('change_request', r.sys_id ?? ''),
    }));
    const incidents = this.records('incident').map((r) => ({
      number: r.number ?? '',
      priority: this.displayValue('incident', r, 'priority'),
      state: this.displayValue('incident', r, 'state'),
      shortDescription: r.short_description ?? '',
      ...(r.cmdb_ci ? { ci: this.displayValue('incident', r, 'cmdb_ci') } : {}),
      url: this.recordUrl('incident', r.sys_id ?? ''),
    }));
    return { url: this.url, changes, incidents };
  }

  // ================================================================ HTTP

  protected override onStopping(): void {
    for (const release of this.hung) release();
    this.hung.clear();
  }

  protected override async handle(ctx: RequestContext): Promise<void> {
    const parsed = parseBody(ctx.raw, ctx.headers['content-type']);
    ctx.body = parsed;
    if (this.down === 'reset') {
      ctx.req.socket.destroy();
      return;
    }
    if (this.down === 'unavailable') {
      sendText(ctx.res, 503, '<html><body><h1>Instance Unavailable</h1><p>This instance is unavailable.</p></body></html>', 'text/html; charset=utf-8');
      return;
    }
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method.toUpperCase() === ctx.method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === ctx.path : f.path.test(ctx.path))) &&
        (f.match === undefined || f.match({ method: ctx.method, path: ctx.path, query: ctx.query, body: parsed })),
    );
    if (fault) {
      fault.remaining -= 1;
      if (fault.hang) {
        await new Promise<void>((resolve) => this.hung.add(resolve));
        if (!ctx.res.destroyed && !ctx.res.headersSent) sendJson(ctx.res, 503, failure({ message: 'Emulator stopped', detail: null }));
        return;
      }
      const body = fault.body ?? failure({ message: httpReason(fault.status), detail: `emulated fault (HTTP ${fault.status})` });
      sendJson(ctx.res, fault.status, body, fault.headers ?? {});
      return;
    }

    if (ctx.method === 'POST' && ctx.path === '/oauth_token.do') {
      this.oauthToken(ctx, parsed);
      return;
    }
    if (ctx.method === 'GET' && (ctx.path === '/nav_to.do' || /^\/[a-z_]+\.do$/.test(ctx.path))) {
      this.servePage(ctx);
      return;
    }

    const user = this.authenticate(ctx.headers.authorization);
    if (!user) {
      sendJson(ctx.res, 401, failure(ERR_AUTH), { 'www-authenticate': 'BASIC realm="Service-now"' });
      return;
    }
    const match = this.routes.match(ctx.method, ctx.path);
    if (match === undefined || match === 'method') {
      const status = match === 'method' ? 405 : 400;
      sendJson(ctx.res, status, failure({ message: status === 405 ? 'Method not Supported' : 'Requested URI does not represent any resource', detail: null }));
      return;
    }
    try {
      const r = match.handler({ ctx, params: match.params, body: parsed, user });
      if (r.body === undefined) {
        ctx.res.writeHead(r.status, r.headers ?? {});
        ctx.res.end();
      } else {
        sendJson(ctx.res, r.status, r.body, r.headers ?? {});
      }
    } catch (e) {
      if (!(e instanceof SnHttpError)) throw e;
      sendJson(ctx.res, e.status, failure(e.error), e.headers);
    }
  }

  private registerRoutes(): void {
    this.routes
      .add('GET', '/api/now/table/:table', (q) => this.listRecords(q.ctx, q.params.table!))
      .add('POST', '/api/now/table/:table', (q) => this.createRecord(q.ctx, q.params.table!, q.body, q.user))
      .add('GET', '/api/now/table/:table/:sys_id', (q) => this.getRecord(q.ctx, q.params.table!, q.params.sys_id!))
      .add('PATCH', '/api/now/table/:table/:sys_id', (q) => this.updateRecord(q.ctx, q.params.table!, q.params.sys_id!, q.body, q.user))
      .add('PUT', '/api/now/table/:table/:sys_id', (q) => this.updateRecord(q.ctx, q.params.table!, q.params.sys_id!, q.body, q.user))
      .add('DELETE', '/api/now/table/:table/:sys_id', (q) => this.deleteRecord(q.params.table!, q.params.sys_id!))
      .add('POST', '/api/sn_chg_rest/v1/change/normal', (q) => this.changeApiCreate(q.ctx, 'normal', q.body, q.user))
      .add('POST', '/api/sn_chg_rest/v1/change/emergency', (q) => this.changeApiCreate(q.ctx, 'emergency', q.body, q.user))
      .add('GET', '/api/sn_chg_rest/v1/change/:sys_id', (q) => this.changeApiGet(q.params.sys_id!))
      .add('PATCH', '/api/sn_chg_rest/v1/change/:sys_id', (q) => this.changeApiUpdate(q.ctx, q.params.sys_id!, q.body, q.user));
  }

  // ---------------------------------------------------------------- auth

  private authenticate(header: string | undefined): string | undefined {
    if (!header) return undefined;
    const basic = /^basic\s+(\S+)$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i <= 0) return undefined;
      const user = decoded.slice(0, i);
      const pass = decoded.slice(i + 1);
      if (this.users) return this.users.get(user) === pass ? user : undefined;
      return pass ? user : undefined;
    }
    const bearer = /^bearer\s+(\S+)$/i.exec(header);
    if (bearer) {
      const token = bearer[1]!;
      if (this.staticTokens.has(token)) return 'oauth.integration';
      const issued = this.issued.get(token);
      if (issued && issued.expiresAt > this.now()) return issued.user;
    }
    return undefined;
  }

  private oauthToken(ctx: RequestContext, body: unknown): void {
    const form = isRecord(body) ? (body as Record<string, unknown>) : {};
    const str = (k: string): string => (typeof form[k] === 'string' ? (form[k] as string) : '');
    const denied = (): void => sendJson(ctx.res, 401, { error_description: 'access_denied', error: 'server_error' });
    const clientId = str('client_id');
    const clientSecret = str('client_secret');
    if (!clientId || (this.oauthClients ? this.oauthClients.get(clientId) !== clientSecret : !clientSecret)) {
      denied();
      return;
    }
    let user: string | undefined;
    switch (str('grant_type')) {
      case 'password': {
        const u = str('username');
        const p = str('password');
        user = u && p && (!this.users || this.users.get(u) === p) ? u : undefined;
        break;
      }
      case 'client_credentials':
        user = `oauth.${clientId}`;
        break;
      case 'refresh_token':
        user = this.refreshTokens.get(str('refresh_token'));
        break;
      default:
        sendJson(ctx.res, 400, { error_description: 'unsupported_grant_type', error: 'invalid_request' });
        return;
    }
    if (!user) {
      denied();
      return;
    }
    const accessToken = randomBytes(32).toString('base64url');
    const refreshToken = randomBytes(32).toString('base64url');
    this.issued.set(accessToken, { user, expiresAt: this.now() + this.tokenTtlSec * 1000 });
    this.refreshTokens.set(refreshToken, user);
    this.record('token_issued', { user, grantType: str('grant_type') });
    sendJson(ctx.res, 200, {
      access_token: accessToken,
      refresh_token: refreshToken,
      scope: 'useraccount',
      token_type: 'Bearer',
      expires_in: this.tokenTtlSec,
    });
  }

  private checkAcl(table: string, op: AclOperation): void {
    if (!this.acl.get(table)?.has(op)) return;
    if (op === 'read') throw new SnHttpError(403, { message: 'User Not Authorized', detail: 'Failed API level ACL Validation' });
    throw new SnHttpError(403, {
      message: 'Operation Failed',
      detail: `ACL Exception ${op === 'create' ? 'Insert' : 'Update'} Failed due to security constraints`,
    });
  }

  private table(name: string): TableDef {
    const def = TABLES[name];
    if (!def) throw new SnHttpError(400, { message: `Invalid table ${name}`, detail: null });
    return def;
  }

  // ---------------------------------------------------------------- Table API

  private listRecords(ctx: RequestContext, tableName: string): ReturnType<Handler> {
    this.table(tableName);
    this.checkAcl(tableName, 'read');
    const q = ctx.query;
    const limit = q.sysparm_limit !== undefined && q.sysparm_limit !== '' ? Number(q.sysparm_limit) : 10000;
    const offset = q.sysparm_offset !== undefined && q.sysparm_offset !== '' ? Number(q.sysparm_offset) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      throw new SnHttpError(400, { message: `offset is ${q.sysparm_offset}`, detail: 'Negative offset is not supported' });
    if (!Number.isInteger(limit) || limit < 1)
      throw new SnHttpError(400, { message: `limit is ${q.sysparm_limit}`, detail: 'sysparm_limit must be a positive integer' });
    const parsed = this.parseQuery(tableName, q.sysparm_query ?? '');
    let rows = [...this.store.get(tableName)!.values()].filter((r) => this.matches(tableName, r, parsed));
    rows = this.sort(tableName, rows, parsed.order);
    const total = rows.length;
    const page = rows.slice(offset, offset + limit);
    const mode = displayMode(q.sysparm_display_value);
    const excludeLink = q.sysparm_exclude_reference_link === 'true';
    const fields = fieldList(q.sysparm_fields);
    const headers: Record<string, string> = { 'x-total-count': String(total) };
    if (q.sysparm_suppress_pagination_header !== 'true') {
      const link = this.linkHeader(ctx, limit, offset, total);
      if (link) headers.link = link;
    }
    return { status: 200, body: { result: page.map((r) => this.render(tableName, r, fields, mode, excludeLink)) }, headers };
  }

  private getRecord(ctx: RequestContext, tableName: string, sysId: string): ReturnType<Handler> {
    this.table(tableName);
    this.checkAcl(tableName, 'read');
    const row = this.store.get(tableName)!.get(sysId);
    if (!row) throw new SnHttpError(404, ERR_NO_RECORD);
    const q = ctx.query;
    return {
      status: 200,
      body: {
        result: this.render(tableName, row, fieldList(q.sysparm_fields), displayMode(q.sysparm_display_value), q.sysparm_exclude_reference_link === 'true'),
      },
    };
  }

  private createRecord(ctx: RequestContext, tableName: string, body: unknown, user: string): ReturnType<Handler> {
    this.table(tableName);
    this.checkAcl(tableName, 'create');
    const input = requireObject(body);
    const row = this.insert(tableName, this.inputFields(tableName, input), user);
    const q = ctx.query;
    return {
      status: 201,
      body: {
        result: this.render(tableName, row, fieldList(q.sysparm_fields), displayMode(q.sysparm_display_value), q.sysparm_exclude_reference_link === 'true'),
      },
      headers: { location: `${this.url}/api/now/table/${tableName}/${row.sys_id}` },
    };
  }

  private updateRecord(ctx: RequestContext, tableName: string, sysId: string, body: unknown, user: string): ReturnType<Handler> {
    this.table(tableName);
    this.checkAcl(tableName, 'write');
    const row = this.store.get(tableName)!.get(sysId);
    if (!row) throw new SnHttpError(404, ERR_NO_RECORD);
    const input = requireObject(body);
    const updated = this.modify(tableName, row, this.inputFields(tableName, input), user);
    const q = ctx.query;
    return {
      status: 200,
      body: {
        result: this.render(tableName, updated, fieldList(q.sysparm_fields), displayMode(q.sysparm_display_value), q.sysparm_exclude_reference_link === 'true'),
      },
    };
  }

  private deleteRecord(tableName: string, sysId: string): ReturnType<Handler> {
    this.table(tableName);
    this.checkAcl(tableName, 'write');
    if (!this.store.get(tableName)!.delete(sysId)) throw new SnHttpError(404, ERR_NO_RECORD);
    return { status: 204 };
  }

  // ---------------------------------------------------------------- Change Management API

  private changeApiCreate(ctx: RequestContext, type: 'normal' | 'emergency', body: unknown, user: string): ReturnType<Handler> {
    this.checkAcl('change_request', 'create');
    const input: Record<string, unknown> = { ...(body === undefined ? {} : requireObject(body)) };
    for (const [k, v] of Object.entries(ctx.query)) if (!k.startsWith('sysparm_')) input[k] = v;
    const ignored = Object.keys(input).filter((k) => !(k in TABLES.change_request!.fields) || k === 'number' || k === 'type');
    const fields = this.inputFields('change_request', input);
    delete fields.number;
    const row = this.insert(
      'change_request',
      { ...fields, type, state: '-5', approval: 'not requested', chg_model: type === 'emergency' ? 'Emergency' : 'Normal' },
      user,
    );
    return { status: 200, body: { result: { ...this.render('change_request', row, undefined, 'all', true), __meta: { ignoredFields: ignored } } } };
  }

  private changeApiGet(sysId: string): ReturnType<Handler> {
    this.checkAcl('change_request', 'read');
    const row = this.store.get('change_request')!.get(sysId);
    if (!row) throw new SnHttpError(404, ERR_NO_RECORD);
    return { status: 200, body: { result: this.render('change_request', row, undefined, 'all', true) } };
  }

  private changeApiUpdate(ctx: RequestContext, sysId: string, body: unknown, user: string): ReturnType<Handler> {
    this.checkAcl('change_request', 'write');
    const row = this.store.get('change_request')!.get(sysId);
    if (!row) throw new SnHttpError(404, ERR_NO_RECORD);
    const input: Record<string, unknown> = { ...(body === undefined ? {} : requireObject(body)) };
    for (const [k, v] of Object.entries(ctx.query)) if (!k.startsWith('sysparm_')) input[k] = v;
    const updated = this.modify('change_request', row, this.inputFields('change_request', input), user);
    return { status: 200, body: { result: this.render('change_request', updated, undefined, 'all', true) } };
  }

  // ---------------------------------------------------------------- UI pages

  private servePage(ctx: RequestContext): void {
    let uri = ctx.path === '/nav_to.do' ? (ctx.query.uri ?? '') : `${ctx.path.slice(1)}?${new URLSearchParams(ctx.query).toString()}`;
    uri = uri.replace(/^\//, '');
    const m = /^([a-z_]+)\.do\?(.*)$/.exec(uri);
    const tableName = m?.[1] ?? '';
    const sysId = m ? (new URLSearchParams(m[2]).get('sys_id') ?? '') : '';
    const row = TABLES[tableName] ? this.store.get(tableName)!.get(sysId) : undefined;
    if (!row) {
      sendText(ctx.res, 404, '<!doctype html><title>Record not found</title><h1>Record not found</h1>', 'text/html; charset=utf-8');
      return;
    }
    const def = TABLES[tableName]!;
    const rows = Object.entries(def.fields)
      .filter(([, f]) => f.type !== 'journal')
      .map(([name]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(this.displayValue(tableName, row, name))}</td></tr>`)
      .join('');
    const notes = this.journalEntries(tableName, sysId)
      .reverse()
      .map(
        (j) =>
          `<li><small>${escapeHtml(this.displayDate(j.sys_created_on ?? ''))} — ${escapeHtml(j.sys_created_by ?? '')} (${escapeHtml(j.element ?? '')})</small><pre>${escapeHtml(j.value ?? '')}</pre></li>`,
      )
      .join('');
    const title = escapeHtml(row[def.display] ?? sysId);
    sendText(
      ctx.res,
      200,
      `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${escapeHtml(tableName)} ${title}</h1><table>${rows}</table><h2>Activity</h2><ul>${notes}</ul></body></html>`,
      'text/html; charset=utf-8',
    );
  }

  // ---------------------------------------------------------------- storage

  private nextSysId(): string {
    this.seq += 1;
    return createHash('md5').update(`servicenow-emulator:${this.seq}:${this.now()}`).digest('hex');
  }

  private insert(tableName: string, input: Row, user: string): Row {
    const def = this.table(tableName);
    const now = snDateTime(this.now());
    const { work_notes: workNotes, comments, ...rest } = input;
    const row: Row = {
      sys_id: rest.sys_id || this.nextSysId(),
      sys_created_on: now,
      sys_created_by: user,
      sys_updated_on: now,
      sys_updated_by: user,
      sys_mod_count: '0',
      sys_class_name: rest.sys_class_name || tableName,
    };
    for (const name of Object.keys(def.fields)) if (def.fields[name]!.type !== 'journal') row[name] = '';
    Object.assign(row, rest);
    if (def.numberPrefix && !row.number) row.number = this.nextNumber(tableName, def);
    if ('active' in def.fields && !('active' in rest)) row.active = this.derivedActive(tableName, row.state ?? '');
    if ('on_hold' in def.fields && !row.on_hold) row.on_hold = 'false';
    this.store.get(tableName)!.set(row.sys_id!, row);
    if (workNotes) this.addJournal(tableName, row.sys_id!, 'work_notes', workNotes, user);
    if (comments) this.addJournal(tableName, row.sys_id!, 'comments', comments, user);
    this.record('record_created', { table: tableName, sysId: row.sys_id, number: row.number, row: { ...row } });
    this.emit('change');
    return row;
  }

  private modify(tableName: string, row: Row, input: Row, user: string): Row {
    const def = this.table(tableName);
    const { work_notes: workNotes, comments, ...rest } = input;
    delete rest.sys_id;
    const changed = Object.keys(rest).filter((k) => row[k] !== rest[k]);
    Object.assign(row, rest);
    if ('active' in def.fields && 'state' in rest && !('active' in rest)) row.active = this.derivedActive(tableName, row.state ?? '');
    row.sys_updated_on = snDateTime(this.now());
    row.sys_updated_by = user;
    row.sys_mod_count = String(Number(row.sys_mod_count ?? '0') + 1);
    if (workNotes) this.addJournal(tableName, row.sys_id!, 'work_notes', workNotes, user);
    if (comments) this.addJournal(tableName, row.sys_id!, 'comments', comments, user);
    this.record('record_updated', { table: tableName, sysId: row.sys_id, number: row.number, changed, row: { ...row } });
    this.emit('change');
    return row;
  }

  private derivedActive(tableName: string, state: string): string {
    if (tableName === 'incident') return ['7', '8'].includes(state) ? 'false' : 'true';
    if (tableName === 'change_request') return ['3', '4'].includes(state) ? 'false' : 'true';
    return 'true';
  }

  private addJournal(tableName: string, sysId: string, element: string, value: string, user: string): void {
    const entry = this.insert('sys_journal_field', { element, element_id: sysId, name: tableName, value }, user);
    const number = this.store.get(tableName)?.get(sysId)?.number;
    this.record(element === 'work_notes' ? 'work_note' : 'comment', { table: tableName, sysId, number, text: value, journalId: entry.sys_id });
  }

  private journalEntries(tableName: string, sysId: string, element?: string): Row[] {
    return [...this.store.get('sys_journal_field')!.values()].filter(
      (j) => j.name === tableName && j.element_id === sysId && (element === undefined || j.element === element),
    );
  }

  private nextNumber(tableName: string, def: TableDef): string {
    const taken = new Set([...this.store.get(tableName)!.values()].map((r) => r.number));
    let n = this.counters.get(tableName) ?? def.numberStart ?? 1;
    let number = `${def.numberPrefix}${String(n).padStart(7, '0')}`;
    while (taken.has(number)) {
      n += 1;
      number = `${def.numberPrefix}${String(n).padStart(7, '0')}`;
    }
    this.counters.set(tableName, n + 1);
    return number;
  }

  private byNumber(tableName: string, number: string): Row | undefined {
    for (const r of this.store.get(tableName)!.values()) if (r.number === number) return r;
    return undefined;
  }

  private ciSysId(nameOrSysId: string): string {
    const cis = this.store.get('cmdb_ci')!;
    if (cis.has(nameOrSysId)) return nameOrSysId;
    for (const r of cis.values()) if (r.name === nameOrSysId) return r.sys_id!;
    return this.addCi({ name: nameOrSysId }).sys_id!;
  }

  /** Seeding input → stored strings (dates as `YYYY-MM-DD HH:mm:ss` UTC). */
  private seedFields(input: Record<string, DateInput | boolean | undefined>): Row {
    const out: Row = {};
    for (const [k, v] of Object.entries(input)) {
      if (v === undefined) continue;
      if (v instanceof Date || (typeof v === 'number' && /(_date|_at|_on|work_start|work_end)$/.test(k))) out[k] = snDateTime(toMs(v));
      else out[k] = String(v);
    }
    return out;
  }

  /** Request body → stored strings: known fields only, references resolved by sys_id or display value. */
  private inputFields(tableName: string, input: Record<string, unknown>): Row {
    const def = this.table(tableName);
    const out: Row = {};
    for (const [k, raw] of Object.entries(input)) {
      const f = def.fields[k] ?? (k === 'sys_id' ? SYS_FIELDS.sys_id : undefined);
      if (!f) continue;
      const v = raw === null || raw === undefined ? '' : typeof raw === 'object' ? String((raw as { value?: unknown }).value ?? '') : String(raw);
      if (f.type === 'boolean') out[k] = v === 'true' || v === '1' ? 'true' : 'false';
      else if (f.type === 'reference' && v) out[k] = this.resolveReference(f.ref!, v);
      else out[k] = v;
    }
    return out;
  }

  private resolveReference(tableName: string, v: string): string {
    const rows = this.store.get(tableName);
    if (!rows) return v;
    if (rows.has(v)) return v;
    const display = TABLES[tableName]!.display;
    for (const r of rows.values()) if (r[display] === v) return r.sys_id!;
    return v;
  }

  // ---------------------------------------------------------------- rendering

  private render(tableName: string, row: Row, fields: string[] | undefined, mode: DisplayMode, excludeLink: boolean): Record<string, unknown> {
    const def = this.table(tableName);
    const names = fields ?? [...Object.keys(SYS_FIELDS), ...Object.keys(def.fields)];
    const out: Record<string, unknown> = {};
    for (const name of names) {
      const f = this.fieldDef(tableName, name);
      if (!f) continue;
      out[name] = this.renderField(tableName, row, name, f, mode, excludeLink);
    }
    return out;
  }

  private renderField(tableName: string, row: Row, name: string, f: FieldDef, mode: DisplayMode, excludeLink: boolean): unknown {
    const value = f.type === 'journal' ? '' : this.rawValue(tableName, row, name);
    const display = this.displayValue(tableName, row, name);
    const isRef = f.type === 'reference' && value !== '';
    const link = isRef ? `${this.url}/api/now/table/${f.ref}/${value}` : '';
    if (mode === 'false') return isRef && !excludeLink ? { link, value } : value;
    if (mode === 'true') return isRef && !excludeLink ? { display_value: display, link } : display;
    return isRef && !excludeLink ? { display_value: display, link, value } : { display_value: display, value };
  }

  private fieldDef(tableName: string, name: string): FieldDef | undefined {
    const def = TABLES[tableName]!;
    const dot = name.indexOf('.');
    if (dot < 0) return def.fields[name] ?? SYS_FIELDS[name];
    const head = def.fields[name.slice(0, dot)];
    if (head?.type !== 'reference' || !head.ref) return undefined;
    return this.fieldDef(head.ref, name.slice(dot + 1));
  }

  /** Stored value of a (possibly dot-walked) field. */
  private rawValue(tableName: string, row: Row, name: string): string {
    const dot = name.indexOf('.');
    if (dot < 0) return row[name] ?? '';
    const head = TABLES[tableName]!.fields[name.slice(0, dot)];
    if (head?.type !== 'reference' || !head.ref) return '';
    const target = this.store.get(head.ref)?.get(row[name.slice(0, dot)] ?? '');
    return target ? this.rawValue(head.ref, target, name.slice(dot + 1)) : '';
  }

  private displayValue(tableName: string, row: Row, name: string): string {
    const dot = name.indexOf('.');
    if (dot >= 0) {
      const head = TABLES[tableName]!.fields[name.slice(0, dot)];
      const target = head?.ref ? this.store.get(head.ref)?.get(row[name.slice(0, dot)] ?? '') : undefined;
      return target && head?.ref ? this.displayValue(head.ref, target, name.slice(dot + 1)) : '';
    }
    const f = this.fieldDef(tableName, name);
    const v = row[name] ?? '';
    if (!f) return v;
    switch (f.type) {
      case 'choice':
        return f.choices?.[v] ?? v;
      case 'reference': {
        const target = f.ref ? this.store.get(f.ref)?.get(v) : undefined;
        return target && f.ref ? (target[TABLES[f.ref]!.display] ?? '') : '';
      }
      case 'datetime':
        return this.displayDate(v);
      case 'journal':
        return this.journalEntries(tableName, row.sys_id ?? '', name)
          .reverse()
          .map(
            (j) =>
              `${this.displayDate(j.sys_created_on ?? '')} - ${j.sys_created_by} (${name === 'work_notes' ? 'Work notes' : 'Additional comments'})\n${j.value}\n\n`,
          )
          .join('');
      default:
        return v;
    }
  }

  private displayDate(v: string): string {
    if (!v || this.timeZone === 'UTC') return v;
    const ms = Date.parse(`${v.replace(' ', 'T')}Z`);
    return Number.isNaN(ms) ? v : zonedDateTime(ms, this.timeZone);
  }

  private linkHeader(ctx: RequestContext, limit: number, offset: number, total: number): string | undefined {
    if (total === 0 && offset === 0) return undefined;
    const at = (o: number): string => {
      const params = new URLSearchParams({ ...ctx.query, sysparm_limit: String(limit), sysparm_offset: String(o) });
      return `<${this.url}${ctx.path}?${params.toString()}>`;
    };
    const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
    const parts = [`${at(0)};rel="first"`];
    if (offset > 0) parts.push(`${at(Math.max(0, offset - limit))};rel="prev"`);
    if (offset + limit < total) parts.push(`${at(offset + limit)};rel="next"`);
    parts.push(`${at(last)};rel="last"`);
    return parts.join(',');
  }

  // ---------------------------------------------------------------- encoded queries

  private parseQuery(tableName: string, query: string): ParsedQuery {
    const groups: Condition[][][] = [[]];
    const order: ParsedQuery['order'] = [];
    for (let token of query.split('^')) {
      if (token === '' || token === 'EQ') continue;
      if (token.startsWith('ORDERBYDESC')) {
        order.push({ field: token.slice(11), desc: true });
        continue;
      }
      if (token.startsWith('ORDERBY')) {
        order.push({ field: token.slice(7), desc: false });
        continue;
      }
      let or = false;
      if (token.startsWith('NQ')) {
        groups.push([]);
        token = token.slice(2);
      } else if (token.startsWith('OR')) {
        or = true;
        token = token.slice(2);
      }
      const cond = { ...this.parseCondition(tableName, token), or };
      const group = groups[groups.length - 1]!;
      const lastChain = group[group.length - 1];
      if (or && lastChain) lastChain.push(cond);
      else group.push([cond]);
    }
    return { groups: groups.filter((g) => g.length > 0), order };
  }

  private parseCondition(tableName: string, token: string): Omit<Condition, 'or'> {
    for (let i = token.length; i > 0; i--) {
      const field = token.slice(0, i);
      if (!/^[a-z0-9_.]+$/i.test(field) || !this.fieldDef(tableName, field)) continue;
      const rest = token.slice(i);
      const op = OPERATORS.find((o) => rest.startsWith(o));
      if (op) return { field, op, value: rest.slice(op.length) };
    }
    return { field: token, op: 'INVALID', value: '' };
  }

  private matches(tableName: string, row: Row, q: ParsedQuery): boolean {
    if (q.groups.length === 0) return true;
    return q.groups.some((group) => group.every((chain) => chain.some((c) => this.test(tableName, row, c))));
  }

  private test(tableName: string, row: Row, c: Condition): boolean {
    if (c.op === 'INVALID') return false;
    const f = this.fieldDef(tableName, c.field)!;
    const actual = this.rawValue(tableName, row, c.field);
    const norm = (v: string): string => (f.type === 'boolean' ? (v === 'true' || v === '1' ? 'true' : 'false') : v.toLowerCase());
    const numeric = f.numeric || f.type === 'integer';
    const cmp = (a: string, b: string): number => {
      if (numeric && a !== '' && b !== '' && !Number.isNaN(Number(a)) && !Number.isNaN(Number(b))) return Number(a) - Number(b);
      return a < b ? -1 : a > b ? 1 : 0;
    };
    const list = (): string[] => c.value.split(',').map((v) => norm(v.trim()));
    switch (c.op) {
      case '=':
        return norm(actual) === norm(c.value);
      case '!=':
        return norm(actual) !== norm(c.value);
      case 'IN':
        return list().includes(norm(actual));
      case 'NOT IN':
        return !list().includes(norm(actual));
      case '<':
        return actual !== '' && cmp(actual, c.value) < 0;
      case '<=':
        return actual !== '' && cmp(actual, c.value) <= 0;
      case '>':
        return actual !== '' && cmp(actual, c.value) > 0;
      case '>=':
        return actual !== '' && cmp(actual, c.value) >= 0;
      case 'LIKE':
        return actual.toLowerCase().includes(c.value.toLowerCase());
      case 'NOT LIKE':
        return !actual.toLowerCase().includes(c.value.toLowerCase());
      case 'STARTSWITH':
        return actual.toLowerCase().startsWith(c.value.toLowerCase());
      case 'ENDSWITH':
        return actual.toLowerCase().endsWith(c.value.toLowerCase());
      case 'ISEMPTY':
        return actual === '';
      case 'ISNOTEMPTY':
        return actual !== '';
      default:
        return false;
    }
  }

  private sort(tableName: string, rows: Row[], order: ParsedQuery['order']): Row[] {
    if (order.length === 0) return rows;
    return [...rows].sort((a, b) => {
      for (const o of order) {
        const f = this.fieldDef(tableName, o.field);
        if (!f) continue;
        const x = this.rawValue(tableName, a, o.field);
        const y = this.rawValue(tableName, b, o.field);
        const numeric = (f.numeric || f.type === 'integer') && x !== '' && y !== '';
        const d = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
        if (d !== 0) return o.desc ? -d : d;
      }
      return 0;
    });
  }
}

// ------------------------------------------------------------------ helpers

function failure(error: { message: string; detail: string | null }): { error: { message: string; detail: string | null }; status: 'failure' } {
  return { error, status: 'failure' };
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw new SnHttpError(400, { message: 'Exception while reading request', detail: 'The payload is not valid JSON.' });
  return body;
}

function displayMode(v: string | undefined): DisplayMode {
  return v === 'true' || v === 'all' ? v : 'false';
}

function fieldList(v: string | undefined): string[] | undefined {
  if (!v) return undefined;
  const list = v
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}

function httpReason(status: number): string {
  return (
    (
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        429: 'Too Many Requests',
        500: 'Internal Server Error',
        502: 'Bad Gateway',
        503: 'Service Unavailable',
        504: 'Gateway Timeout',
      } as Record<number, string>
    )[status] ?? `HTTP ${status}`
  );
}

function toMs(v: DateInput): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v.replace(' ', 'T')}Z` : v);
  if (Number.isNaN(t)) throw new Error(`ServiceNowEmulator: not a date-time: ${v}`);
  return t;
}

/** `YYYY-MM-DD HH:mm:ss` in UTC. */
export function snDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function zonedParts(ms: number, timeZone: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}

function zonedDateTime(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `YYYYMMDDTHHMMSS` in `timeZone` (cmn_schedule_span date-times). */
export function scheduleDateTime(ms: number, timeZone: string): string {
  if (timeZone === 'UTC') return new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15);
  const p = zonedParts(ms, timeZone);
  return `${p.year}${p.month}${p.day}T${p.hour}${p.minute}${p.second}`;
}
