/**
 * ServiceNow records as shipgate's domain sees them: typed, parsed from the Table API's
 * all-string shapes by the adapter. State codes and labels follow the base system
 * (change_request.state -5..4, incident.state 1..8, incident.priority 1..5).
 */

import { link, type Mrkdwn } from '../../shared/mrkdwn';

export const CHANGE_STATES = {
  '-5': 'New',
  '-4': 'Assess',
  '-3': 'Authorize',
  '-2': 'Scheduled',
  '-1': 'Implement',
  '0': 'Review',
  '3': 'Closed',
  '4': 'Canceled',
} as const;

export type ChangeState = keyof typeof CHANGE_STATES;
export type ChangeType = 'normal' | 'standard' | 'emergency';
export type ChangeApproval = 'requested' | 'approved' | 'rejected' | 'not requested';

/** States in which a change may be implemented. */
export const IMPLEMENTABLE_STATES: readonly string[] = ['-2', '-1'];

export const INCIDENT_STATES = {
  '1': 'New',
  '2': 'In Progress',
  '3': 'On Hold',
  '6': 'Resolved',
  '7': 'Closed',
  '8': 'Canceled',
} as const;

/** Incident states that no longer count as open, whatever `active` says. */
export const INCIDENT_DONE_STATES: readonly string[] = ['6', '7', '8'];

export const INCIDENT_PRIORITIES = {
  1: '1 - Critical',
  2: '2 - High',
  3: '3 - Moderate',
  4: '4 - Low',
  5: '5 - Planning',
} as const;

export interface ChangeRecord {
  number: string;
  sysId: string;
  /** Raw state value, e.g. "-2". */
  state: string;
  /** Label, e.g. "Scheduled" (ServiceNow's display value, or the base-system label). */
  stateLabel: string;
  type: string;
  approval: string;
  plannedStart?: Date;
  plannedEnd?: Date;
  ciSysId?: string;
  ciName?: string;
  shortDescription: string;
  onHold: boolean;
  /** `correlation_id`: shipgate sets it to the promotion id on changes it opens. */
  correlationId?: string;
  /** Link to the record in the ServiceNow UI. */
  url: string;
}

export interface Incident {
  number: string;
  sysId: string;
  priority: number;
  state: string;
  stateLabel: string;
  shortDescription: string;
  ciSysId?: string;
  ciName?: string;
  openedAt?: Date;
  url: string;
}

export function changeStateLabel(state: string): string {
  return (CHANGE_STATES as Record<string, string>)[state] ?? `state ${state}`;
}

export function incidentStateLabel(state: string): string {
  return (INCIDENT_STATES as Record<string, string>)[state] ?? `state ${state}`;
}

/** UI link to a record: `${instance}/nav_to.do?uri=<table>.do?sys_id=<sys_id>`. */
export function recordUrl(instanceUrl: string, table: string, sysId: string): string {
  return `${instanceUrl.replace(/\/+$/, '')}/nav_to.do?uri=${table}.do?sys_id=${sysId}`;
}

/** `YYYY-MM-DD HH:mm:ss` in UTC, the form the Table API uses for date-time values. */
export function formatSnDateTime(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 19);
}

/** Slack mrkdwn link to a record: `<url|CHG0030001>`. */
export function mrkdwnLink(url: string, label: string): Mrkdwn {
  return link(url, label);
}

/** Fields of a change shipgate opens (create mode). */
export interface ChangeDraft {
  type: 'normal' | 'emergency';
  shortDescription: string;
  description?: string;
  implementationPlan?: string;
  backoutPlan?: string;
  testPlan?: string;
  /** sys_user_group name or sys_id. */
  assignmentGroup?: string;
  /** cmdb_ci name or sys_id. */
  ci?: string;
  category?: string;
  risk?: 'high' | 'moderate' | 'low';
  plannedStart: Date;
  plannedEnd: Date;
  /** Stored in `correlation_id`: the promotion id, so a retried job finds the change it opened. */
  correlationId: string;
  correlationDisplay?: string;
}
