/**
 * The Table API (`/api/now/table/{table}[/{sys_id}]`): list with encoded queries,
 * pagination (`X-Total-Count`, `Link`) and display modes; get, create, update (PATCH/PUT,
 * work notes becoming journal entries) and delete, each behind the table's ACL.
 */
import type { RequestContext } from '../emulator-base';
import type { QueryEngine } from './query';
import type { Renderer } from './render';
import { displayMode, ERR_NO_RECORD, fieldList, requireObject, SnHttpError, type SnResult, type SnRoutes } from './rest';
import type { ServiceNowState } from './state';

export class TableApi {
  constructor(
    private readonly state: ServiceNowState,
    private readonly renderer: Renderer,
    private readonly query: QueryEngine,
    private readonly baseUrl: () => string,
  ) {}

  register(routes: SnRoutes): void {
    routes
      .add('GET', '/api/now/table/:table', (q) => this.list(q.ctx, q.params.table!))
      .add('POST', '/api/now/table/:table', (q) => this.create(q.ctx, q.params.table!, q.body, q.user))
      .add('GET', '/api/now/table/:table/:sys_id', (q) => this.get(q.ctx, q.params.table!, q.params.sys_id!))
      .add('PATCH', '/api/now/table/:table/:sys_id', (q) => this.update(q.ctx, q.params.table!, q.params.sys_id!, q.body, q.user))
      .add('PUT', '/api/now/table/:table/:sys_id', (q) => this.update(q.ctx, q.params.table!, q.params.sys_id!, q.body, q.user))
      .add('DELETE', '/api/now/table/:table/:sys_id', (q) => this.delete(q.params.table!, q.params.sys_id!));
  }

  private list(ctx: RequestContext, tableName: string): SnResult {
    this.state.table(tableName);
    this.state.checkAcl(tableName, 'read');
    const q = ctx.query;
    const limit = q.sysparm_limit !== undefined && q.sysparm_limit !== '' ? Number(q.sysparm_limit) : 10000;
    const offset = q.sysparm_offset !== undefined && q.sysparm_offset !== '' ? Number(q.sysparm_offset) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      throw new SnHttpError(400, { message: `offset is ${q.sysparm_offset}`, detail: 'Negative offset is not supported' });
    if (!Number.isInteger(limit) || limit < 1)
      throw new SnHttpError(400, { message: `limit is ${q.sysparm_limit}`, detail: 'sysparm_limit must be a positive integer' });
    const parsed = this.query.parseQuery(tableName, q.sysparm_query ?? '');
    let rows = [...this.state.rows(tableName).values()].filter((r) => this.query.matches(tableName, r, parsed));
    rows = this.query.sort(tableName, rows, parsed.order);
    const total = rows.length;
    const page = rows.slice(offset, offset + limit);
    const mode = displayMode(q.sysparm_display_value);
    const excludeLink = q.sysparm_exclude_reference_link === 'true';
    const fields = fieldList(q.sysparm_fields);
    const headers: Record<string, string> = { 'x-total-count': String(total) };
    if (q.sysparm_suppress_pagination_header !== 'true') {
      const link = this.renderer.linkHeader(ctx, limit, offset, total);
      if (link) headers.link = link;
    }
    return { status: 200, body: { result: page.map((r) => this.renderer.render(tableName, r, fields, mode, excludeLink)) }, headers };
  }

  private get(ctx: RequestContext, tableName: string, sysId: string): SnResult {
    this.state.table(tableName);
    this.state.checkAcl(tableName, 'read');
    const row = this.state.rows(tableName).get(sysId);
    if (!row) throw new SnHttpError(404, ERR_NO_RECORD);
    const q = ctx.query;
    return {
      status: 200,
      body: {
        result: this.renderer.render(
          tableName,
          row,
          fieldList(q.sysparm_fields),
          displayMode(q.sysparm_display_value),
          q.sysparm_exclude_reference_link === 'true',
        ),
      },
    };
  }

  private create(ctx: RequestContext, tableName: string, body: unknown, user: string): SnResult {
    this.state.table(tableName);
    this.state.checkAcl(tableName, 'create');
    const input = requireObject(body);
    const row = this.state.insert(tableName, this.state.inputFields(tableName, input), user);
    const q = ctx.query;
    return {
      status: 201,
      body: {
        result: this.renderer.render(
          tableName,
          row,
          fieldList(q.sysparm_fields),
          displayMode(q.sysparm_display_value),
          q.sysparm_exclude_reference_link === 'true',
        ),
      },
      headers: { location: `${this.baseUrl()}/api/now/table/${tableName}/${row.sys_id}` },
    };
  }

  private update(ctx: RequestContext, tableName: string, sysId: string, body: unknown, user: string): SnResult {
    this.state.table(tableName);
    this.state.checkAcl(tableName, 'write');
    const row = this.state.rows(tableName).get(sysId);
    if (!row) throw new SnHttpError(404, ERR_NO_RECORD);
    const input = requireObject(body);
    const updated = this.state.modify(tableName, row, this.state.inputFields(tableName, input), user);
    const q = ctx.query;
    return {
      status: 200,
      body: {
        result: this.renderer.render(
          tableName,
          updated,
          fieldList(q.sysparm_fields),
          displayMode(q.sysparm_display_value),
          q.sysparm_exclude_reference_link === 'true',
        ),
      },
    };
  }

  private delete(tableName: string, sysId: string): SnResult {
    this.state.table(tableName);
    this.state.checkAcl(tableName, 'write');
    if (!this.state.rows(tableName).delete(sysId)) throw new SnHttpError(404, ERR_NO_RECORD);
    return { status: 204 };
  }
}
