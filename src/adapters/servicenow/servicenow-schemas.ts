import { z } from 'zod';
import { ShipgateError } from '../../shared/shipgate-error';

/**
 * zod schemas for what ServiceNow answers, checked at the adapter edge: a record that lacks
 * a field shipgate decides on (or carries one it cannot read) is a `servicenow_error` naming
 * the table and the field, so the gate asking blocks (fails closed) instead of reading ''.
 *
 * Field shapes (Table API): a string (display_value=false/true); with
 * `sysparm_display_value=all` an object `{display_value, value, link?}`; references
 * `{link, value}`; some APIs send numbers or booleans.
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const display = z.union([scalar, z.null()]).optional();

/** A field that carries a stored value (it may be empty). */
const valued = z.union([scalar, z.looseObject({ value: scalar, display_value: display, link: z.string().optional() })]);

/** A field shipgate reads when it is there: absent, null or a label without a value read as ''. */
const optional = z.union([valued, z.looseObject({ display_value: display, link: z.string().optional() }), z.null()]).optional();

function stored(v: z.infer<typeof valued>): string {
  return String(typeof v === 'object' ? v.value : v);
}

/** A sys_id: a value that is not empty. */
const id = valued.refine((v) => stored(v) !== '', { message: 'empty' });

/** change_request as the change-record gate reads it (every field it decides on must be there). */
export const changeRequestRecord = z.looseObject({
  sys_id: id,
  number: valued,
  state: valued,
  type: valued,
  approval: valued,
  start_date: valued,
  end_date: valued,
  cmdb_ci: valued,
  on_hold: valued,
  short_description: optional,
  correlation_id: optional,
});

export const incidentRecord = z.looseObject({
  sys_id: id,
  number: valued,
  priority: valued,
  state: valued,
  short_description: optional,
  cmdb_ci: optional,
  opened_at: optional,
});

export const scheduleRecord = z.looseObject({ sys_id: id, type: valued, name: optional, time_zone: optional });

export const scheduleSpanRecord = z.looseObject({
  sys_id: id,
  start_date_time: valued,
  end_date_time: valued,
  name: optional,
  repeat_type: optional,
  all_day: optional,
});

/** Any record shipgate only needs the sys_id of (cmdb_ci, sys_user_group, sys_journal_field, a created change). */
export const sysIdRecord = z.looseObject({ sys_id: id });

/** The Table API envelope of a list: `{ "result": [ {…}, … ] }`. */
export const tableList = z.object({ result: z.array(z.record(z.string(), z.unknown())) });

/** The Table API envelope of one record: `{ "result": {…} }`. */
export const tableRecord = z.object({ result: z.record(z.string(), z.unknown()) });

/** The Change Management API's answer to a create: `{ "result": { "sys_id": {…}, … } }`. */
export const changeApiCreated = z.object({ result: z.looseObject({ sys_id: id }) });

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object without "value"';
  return `a ${typeof v}`;
}

/** What is wrong with `input` as `what`, naming the field (`without "state"`, `with an empty "sys_id"`, …). */
export function describeMismatch(error: z.ZodError, input: unknown): string {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  if (path.length === 0) return `that is ${kindOf(input)}, not a record`;
  let at: unknown = input;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
  const field = path.map(String).join('.');
  if (at === undefined) return `without "${field}"`;
  if (issue?.code === 'custom') return `with an empty "${field}"`;
  return `with an unreadable "${field}" (${kindOf(at)})`;
}

/**
 * `rec` read as a `table` record by `schema`; a ShipgateError('servicenow_error') naming the
 * field when it does not match, e.g. `ServiceNow answered a change_request without "state"`.
 */
export function parseRecord<S extends z.ZodType>(schema: S, table: string, rec: unknown, instanceUrl: string): z.infer<S> {
  const r = schema.safeParse(rec);
  if (r.success) return r.data;
  const number = typeof rec === 'object' && rec !== null ? (rec as { number?: unknown }).number : undefined;
  const label = typeof number === 'string' ? number : typeof number === 'object' && number !== null ? (number as { value?: unknown }).value : undefined;
  const mismatch = describeMismatch(r.error, rec);
  throw new ShipgateError(
    'servicenow_error',
    `ServiceNow answered ${/^[aeiou]/i.test(table) ? 'an' : 'a'} ${table} ${mismatch} (${[typeof label === 'string' ? label : '', instanceUrl].filter(Boolean).join(', ')})`,
    { table, mismatch, ...(r.error.issues[0] ? { field: r.error.issues[0].path.map(String).join('.') } : {}) },
  );
}

export function parseRecords<S extends z.ZodType>(schema: S, table: string, recs: readonly unknown[], instanceUrl: string): Array<z.infer<S>> {
  return recs.map((rec) => parseRecord(schema, table, rec, instanceUrl));
}
