import type * as CronParser from 'cron-parser';
import type Holidays from 'date-holidays';
import type ICAL from 'ical.js';

/**
 * The calendar libraries, loaded on first use (synchronous `require`, then cached by Node).
 *
 * date-holidays (with moment-timezone, astronomia and every country's data), ical.js and
 * cron-parser (with luxon) cost tens of milliseconds and megabytes each to load. Most
 * configs use only some freeze rule kinds, and `shipgate freeze check` runs as a CI step
 * on every pipeline, so a library is loaded only when a rule of its kind is built or
 * validated: `holidays` / `businessCalendar` → date-holidays, `ics` → ical.js,
 * `recurring` → cron-parser. The libraries are pure (no I/O at load or use).
 *
 * This file is the only place in src/ allowed to `require` (eslint.config.mjs names it
 * and these three modules); everything else imports the getters.
 */

/** CommonJS module.exports, or its `default` when the module was compiled from ESM. */
function interop<T>(m: unknown): T {
  return ((m as { default?: T }).default ?? m) as T;
}

let cron: typeof CronParser | undefined;
let holidays: typeof Holidays | undefined;
let ical: typeof ICAL | undefined;

export function cronParser(): typeof CronParser {
  return (cron ??= require('cron-parser') as typeof CronParser);
}

export function dateHolidays(): typeof Holidays {
  return (holidays ??= interop<typeof Holidays>(require('date-holidays')));
}

export function icalJs(): typeof ICAL {
  return (ical ??= interop<typeof ICAL>(require('ical.js')));
}
