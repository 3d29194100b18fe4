/**
 * The ServiceNow emulator's tables: each table's fields (type, reference target, choices),
 * display field and auto-numbering, for change_request, incident, cmdb_ci, sys_user_group,
 * cmn_schedule, cmn_schedule_span and sys_journal_field.
 */
type FieldType = 'string' | 'integer' | 'boolean' | 'datetime' | 'choice' | 'reference' | 'journal';

export interface FieldDef {
  type: FieldType;
  ref?: string;
  choices?: Record<string, string>;
  numeric?: boolean;
}

export interface TableDef {
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

export const SYS_FIELDS: Record<string, FieldDef> = {
  sys_id: s(),
  sys_created_on: dt(),
  sys_created_by: s(),
  sys_updated_on: dt(),
  sys_updated_by: s(),
  sys_mod_count: { type: 'integer' },
  sys_class_name: s(),
};

export const TABLES: Record<string, TableDef> = {
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

/** A field's definition, following one level of dot-walking through a reference (`cmdb_ci.name`). */
export function fieldDef(tableName: string, name: string): FieldDef | undefined {
  const def = TABLES[tableName]!;
  const dot = name.indexOf('.');
  if (dot < 0) return def.fields[name] ?? SYS_FIELDS[name];
  const head = def.fields[name.slice(0, dot)];
  if (head?.type !== 'reference' || !head.ref) return undefined;
  return fieldDef(head.ref, name.slice(dot + 1));
}
