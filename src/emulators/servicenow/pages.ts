/**
 * The UI pages behind record links (`/nav_to.do?uri=change_request.do?sys_id=…`, or
 * `/change_request.do?sys_id=…`): the record's fields and its activity (journal entries).
 */
import { escapeHtml, sendText, type RequestContext } from '../emulator-base';
import type { Renderer } from './render';
import { TABLES } from './schema';
import type { ServiceNowState } from './state';

export class Pages {
  constructor(
    private readonly state: ServiceNowState,
    private readonly renderer: Renderer,
  ) {}

  servePage(ctx: RequestContext): void {
    let uri = ctx.path === '/nav_to.do' ? (ctx.query.uri ?? '') : `${ctx.path.slice(1)}?${new URLSearchParams(ctx.query).toString()}`;
    uri = uri.replace(/^\//, '');
    const m = /^([a-z_]+)\.do\?(.*)$/.exec(uri);
    const tableName = m?.[1] ?? '';
    const sysId = m ? (new URLSearchParams(m[2]).get('sys_id') ?? '') : '';
    const row = TABLES[tableName] ? this.state.rows(tableName).get(sysId) : undefined;
    if (!row) {
      sendText(ctx.res, 404, '<!doctype html><title>Record not found</title><h1>Record not found</h1>', 'text/html; charset=utf-8');
      return;
    }
    const def = TABLES[tableName]!;
    const rows = Object.entries(def.fields)
      .filter(([, f]) => f.type !== 'journal')
      .map(([name]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(this.renderer.displayValue(tableName, row, name))}</td></tr>`)
      .join('');
    const notes = this.state
      .journalEntries(tableName, sysId)
      .reverse()
      .map(
        (j) =>
          `<li><small>${escapeHtml(this.renderer.displayDate(j.sys_created_on ?? ''))} — ${escapeHtml(j.sys_created_by ?? '')} (${escapeHtml(j.element ?? '')})</small><pre>${escapeHtml(j.value ?? '')}</pre></li>`,
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
}
