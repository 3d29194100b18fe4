import type { FreezeCalendar } from '../../domain/freeze-calendar';

/** The current freeze calendar (rules + ICS + blackout sources), refreshed by the adapter. */
export interface FreezeCalendars {
  current(): Promise<FreezeCalendar>;
}
