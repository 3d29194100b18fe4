/**
 * Records as the Table API answers them: `sysparm_fields`, `sysparm_display_value`
 * (`false` values, `true` display strings, `all` both), reference fields as `{link, value}`,
 * journal fields as their entries, date-times in the instance's zone, and the `Link`
 * pagination header.
 */
import type { RequestContext } from '../emulator-base';
import { fieldDef, SYS_FIELDS, TABLES, type FieldDef } from './schema';
import type { DisplayMode, Row } from './rest';
import type { ServiceNowState } from './state';
import { zonedDateTime } from './dates';

export class Renderer {
  constructor(
    private readonly state: ServiceNowState,
    private readonly timeZone: string,
    private readonly baseUrl: () => string,
  ) {}

  render(tableName: string, row: Row, fields: string[] | undefined, mode: DisplayMode, excludeLink: boolean): Record<string, unknown> {
    const def = this.state.table(tableName);
    const names = fields ?? [...Object.keys(SYS_FIELDS), ...Object.keys(def.fields)];
    const out: Record<string, unknown> = {};
    for (const name of names) {
      const f = fieldDef(tableName, name);
      if (!f) continue;
      out[name] = this.renderField(tableName, row, name, f, mode, excludeLink);
    }
    return out;
  }

  private renderField(tableName: string, row: Row, name: string, f: FieldDef, mode: DisplayMode, excludeLink: boolean): unknown {
    const value = f.type === 'journal' ? '' : this.state.rawValue(tableName, row, name);
    const display = this.displayValue(tableName, row, name);
    const isRef = f.type === 'reference' && value !== '';
    const link = isRef ? `${this.baseUrl()}/api/now/table/${f.ref}/${value}` : '';
    if (mode === 'false') return isRef && !excludeLink ? { link, value } : value;
    if (mode === 'true') return isRef && !excludeLink ? { display_value: display, link } : display;
    return isRef && !excludeLink ? { display_value: display, link, value } : { display_value: display, value };
  }

  displayValue(tableName: string, row: Row, name: string): string {
    const dot = name.indexOf('.');
    if (dot >= 0) {
      const head = TABLES[tableName]!.fields[name.slice(0, dot)];
      const target = head?.ref ? this.state.rowsOf(head.ref)?.get(row[name.slice(0, dot)] ?? '') : undefined;
      return target && head?.ref ? this.displayValue(head.ref, target, name.slice(dot + 1)) : '';
    }
    const f = fieldDef(tableName, name);
    const v = row[name] ?? '';
    if (!f) return v;
    switch (f.type) {
      case 'choice':
        return f.choices?.[v] ?? v;
      case 'reference': {
        const target = f.ref ? this.state.rowsOf(f.ref)?.get(v) : undefined;
        return target && f.ref ? (target[TABLES[f.ref]!.display] ?? '') : '';
      }
      case 'datetime':
        return this.displayDate(v);
      case 'journal':
        return this.state
          .journalEntries(tableName, row.sys_id ?? '', name)
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

  displayDate(v: string): string {
    if (!v || this.timeZone === 'UTC') return v;
    const ms = Date.parse(`${v.replace(' ', 'T')}Z`);
    return Number.isNaN(ms) ? v : zonedDateTime(ms, this.timeZone);
  }

  linkHeader(ctx: RequestContext, limit: number, offset: number, total: number): string | undefined {
    if (total === 0 && offset === 0) return undefined;
    const at = (o: number): string => {
      const params = new URLSearchParams({ ...ctx.query, sysparm_limit: String(limit), sysparm_offset: String(o) });
      return `<${this.baseUrl()}${ctx.path}?${params.toString()}>`;
    };
    const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
    const parts = [`${at(0)};rel="first"`];
    if (offset > 0) parts.push(`${at(Math.max(0, offset - limit))};rel="prev"`);
    if (offset + limit < total) parts.push(`${at(offset + limit)};rel="next"`);
    parts.push(`${at(last)};rel="last"`);
    return parts.join(',');
  }
}
