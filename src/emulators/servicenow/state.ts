/**
 * The ServiceNow emulator's store: a map of rows per table, numbering, sys_ids, journal
 * entries (work notes and comments), ACL denials, and the conversions of seeded values and
 * request bodies into stored strings. Every room reads and writes here.
 */
import { createHash } from 'node:crypto';
import { snDateTime, toMs, type DateInput } from './dates';
import { SYS_FIELDS, TABLES, type TableDef } from './schema';
import { SnHttpError, type AclOperation, type Row } from './rest';

/** What the emulator lends its store: its clock and event log. */
export interface ServiceNowHost {
  now(): number;
  record(type: string, data: unknown): void;
  /** A record was created or updated (the emulator emits `'change'`). */
  changed(): void;
}

export class ServiceNowState {
  private readonly store = new Map<string, Map<string, Row>>();
  private readonly counters = new Map<string, number>();
  private readonly acl = new Map<string, Set<AclOperation>>();
  private seq = 0;

  constructor(private readonly host: ServiceNowHost) {
    for (const t of Object.keys(TABLES)) this.store.set(t, new Map());
  }

  /** The rows of a known table (live). */
  rows(tableName: string): Map<string, Row> {
    return this.store.get(tableName)!;
  }

  /** The rows of a table, or undefined for a name that is not one. */
  rowsOf(tableName: string): Map<string, Row> | undefined {
    return this.store.get(tableName);
  }

  /** Rows of any table name (empty for an unknown one), in insertion order. */
  records(tableName: string): Row[] {
    return [...(this.store.get(tableName)?.values() ?? [])];
  }

  /** A configuration item (cmdb_ci). */
  addCi(input: { name: string; sys_id?: string; sys_class_name?: string; operational_status?: string }): Row {
    return this.insert('cmdb_ci', { operational_status: '1', sys_class_name: 'cmdb_ci_service', ...input }, 'system');
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

  checkAcl(table: string, op: AclOperation): void {
    if (!this.acl.get(table)?.has(op)) return;
    if (op === 'read') throw new SnHttpError(403, { message: 'User Not Authorized', detail: 'Failed API level ACL Validation' });
    throw new SnHttpError(403, {
      message: 'Operation Failed',
      detail: `ACL Exception ${op === 'create' ? 'Insert' : 'Update'} Failed due to security constraints`,
    });
  }

  table(name: string): TableDef {
    const def = TABLES[name];
    if (!def) throw new SnHttpError(400, { message: `Invalid table ${name}`, detail: null });
    return def;
  }

  private nextSysId(): string {
    this.seq += 1;
    return createHash('md5').update(`servicenow-emulator:${this.seq}:${this.host.now()}`).digest('hex');
  }

  insert(tableName: string, input: Row, user: string): Row {
    const def = this.table(tableName);
    const now = snDateTime(this.host.now());
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
    this.host.record('record_created', { table: tableName, sysId: row.sys_id, number: row.number, row: { ...row } });
    this.host.changed();
    return row;
  }

  modify(tableName: string, row: Row, input: Row, user: string): Row {
    const def = this.table(tableName);
    const { work_notes: workNotes, comments, ...rest } = input;
    delete rest.sys_id;
    const changed = Object.keys(rest).filter((k) => row[k] !== rest[k]);
    Object.assign(row, rest);
    if ('active' in def.fields && 'state' in rest && !('active' in rest)) row.active = this.derivedActive(tableName, row.state ?? '');
    row.sys_updated_on = snDateTime(this.host.now());
    row.sys_updated_by = user;
    row.sys_mod_count = String(Number(row.sys_mod_count ?? '0') + 1);
    if (workNotes) this.addJournal(tableName, row.sys_id!, 'work_notes', workNotes, user);
    if (comments) this.addJournal(tableName, row.sys_id!, 'comments', comments, user);
    this.host.record('record_updated', { table: tableName, sysId: row.sys_id, number: row.number, changed, row: { ...row } });
    this.host.changed();
    return row;
  }

  private derivedActive(tableName: string, state: string): string {
    if (tableName === 'incident') return ['7', '8'].includes(state) ? 'false' : 'true';
    if (tableName === 'change_request') return ['3', '4'].includes(state) ? 'false' : 'true';
    return 'true';
  }

  addJournal(tableName: string, sysId: string, element: string, value: string, user: string): void {
    const entry = this.insert('sys_journal_field', { element, element_id: sysId, name: tableName, value }, user);
    const number = this.store.get(tableName)?.get(sysId)?.number;
    this.host.record(element === 'work_notes' ? 'work_note' : 'comment', { table: tableName, sysId, number, text: value, journalId: entry.sys_id });
  }

  journalEntries(tableName: string, sysId: string, element?: string): Row[] {
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

  byNumber(tableName: string, number: string): Row | undefined {
    for (const r of this.store.get(tableName)!.values()) if (r.number === number) return r;
    return undefined;
  }

  ciSysId(nameOrSysId: string): string {
    const cis = this.store.get('cmdb_ci')!;
    if (cis.has(nameOrSysId)) return nameOrSysId;
    for (const r of cis.values()) if (r.name === nameOrSysId) return r.sys_id!;
    return this.addCi({ name: nameOrSysId }).sys_id!;
  }

  /** Seeding input → stored strings (dates as `YYYY-MM-DD HH:mm:ss` UTC). */
  seedFields(input: Record<string, DateInput | boolean | undefined>): Row {
    const out: Row = {};
    for (const [k, v] of Object.entries(input)) {
      if (v === undefined) continue;
      if (v instanceof Date || (typeof v === 'number' && /(_date|_at|_on|work_start|work_end)$/.test(k))) out[k] = snDateTime(toMs(v));
      else out[k] = String(v);
    }
    return out;
  }

  /** Request body → stored strings: known fields only, references resolved by sys_id or display value. */
  inputFields(tableName: string, input: Record<string, unknown>): Row {
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

  /** Stored value of a (possibly dot-walked) field. */
  rawValue(tableName: string, row: Row, name: string): string {
    const dot = name.indexOf('.');
    if (dot < 0) return row[name] ?? '';
    const head = TABLES[tableName]!.fields[name.slice(0, dot)];
    if (head?.type !== 'reference' || !head.ref) return '';
    const target = this.store.get(head.ref)?.get(row[name.slice(0, dot)] ?? '');
    return target ? this.rawValue(head.ref, target, name.slice(dot + 1)) : '';
  }
}
