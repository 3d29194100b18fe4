import type { BlackoutSpan } from '../../domain/freeze-calendar';
import type { ChangeDraft, ChangeRecord, Incident } from '../../domain/servicenow/change-record';

/** Fields of a change shipgate opens (create mode). */
export type NewChange = ChangeDraft;

/**
 * What shipgate needs from change management (ServiceNow). Failures throw
 * ShipgateError('servicenow_error') with a message written for the person reading it.
 */
export interface ChangeManagement {
  /** Base URL of the instance (for links). */
  readonly instanceUrl: string;
  /** The change with this number, or undefined when there is none. */
  findChange(number: string): Promise<ChangeRecord | undefined>;
  /** The newest change whose correlation_id is `correlationId`, or undefined. */
  findChangeByCorrelation(correlationId: string): Promise<ChangeRecord | undefined>;
  /** Open incidents (active, not Resolved/Closed/Canceled) of these priorities on a CI given by name or sys_id. */
  activeIncidents(ci: string, priorities: readonly number[]): Promise<Incident[]>;
  /** Appends a work note (journal entry) to a change. */
  addWorkNote(changeSysId: string, text: string): Promise<void>;
  /** Does a work note of the change contain `marker`? (the look before writing a note again after a crash) */
  hasWorkNote(changeSysId: string, marker: string): Promise<boolean>;
  createChange(fields: NewChange): Promise<ChangeRecord>;
  /** Moves a change to Review (through Implement when needed) with a close code and notes. */
  moveToReview(changeSysId: string, closeCode: 'successful' | 'successful_issues' | 'unsuccessful', closeNotes: string): Promise<void>;
  /** Spans of the named blackout schedule (cmn_schedule type=blackout), as UTC instants. */
  blackoutSpans(scheduleName: string): Promise<BlackoutSpan[]>;
}
