import { FreezeCalendar } from '../../../src/domain/freeze-calendar';
import { configWith, EXAMPLE_ICS, FIXTURE_ICS, iso, triples } from './calendar-helpers';

/*
 * test/fixtures/calendars/freeze-test.ics, expected windows worked out by hand:
 *  - weekly Mon 22:00–02:00 America/New_York (TZID), COUNT=5 from 2 Mar 2026, EXDATE 16 Mar,
 *    the 23 Mar instance moved to 23:00–03:00 (RECURRENCE-ID). New York is EST (−5) until
 *    8 Mar 2026 then EDT (−4): 2 Mar → 03:00Z–07:00Z; 9 Mar → 02:00Z–06:00Z (10 Mar);
 *    23 Mar moved → 03:00Z–07:00Z (24 Mar); 30 Mar → 02:00Z–06:00Z (31 Mar).
 *  - 31 Oct 2026 23:00 EDT → 1 Nov 03:00 EST (TZID, across the fall-back): 03:00Z–08:00Z.
 *  - all-day 25 Oct 2026 (London's 25-hour day): 24 Oct 23:00Z → 26 Oct 00:00Z.
 *  - all-day 28–29 Mar, yearly, COUNT=3, EXDATE 2027: 2026 → 28 Mar 00:00Z – 29 Mar 23:00Z
 *    (clocks go forward on the 29th); 2027 excluded; 2028 (BST since 26 Mar) → 27 Mar 23:00Z – 29 Mar 23:00Z.
 *  - UTC 1 Jun 2026 12:00Z–13:00Z; floating 15 Jul 2026 09:00–10:00 in the rule's zone (BST → 08:00Z);
 *  - a cancelled event that freezes nothing.
 */
const LONDON_EXPECTED: Array<[string, string, string]> = [
  ['corporate', '2026-03-03T03:00:00.000Z', '2026-03-03T07:00:00.000Z'],
  ['corporate', '2026-03-10T02:00:00.000Z', '2026-03-10T06:00:00.000Z'],
  ['corporate', '2026-03-24T03:00:00.000Z', '2026-03-24T07:00:00.000Z'],
  ['corporate', '2026-03-28T00:00:00.000Z', '2026-03-29T23:00:00.000Z'],
  ['corporate', '2026-03-31T02:00:00.000Z', '2026-03-31T06:00:00.000Z'],
  ['corporate', '2026-06-01T12:00:00.000Z', '2026-06-01T13:00:00.000Z'],
  ['corporate', '2026-07-15T08:00:00.000Z', '2026-07-15T09:00:00.000Z'],
  ['corporate', '2026-10-24T23:00:00.000Z', '2026-10-26T00:00:00.000Z'],
  ['corporate', '2026-11-01T03:00:00.000Z', '2026-11-01T08:00:00.000Z'],
  ['corporate', '2028-03-27T23:00:00.000Z', '2028-03-29T23:00:00.000Z'],
];

function icsCalendar(zone?: string, text = FIXTURE_ICS): FreezeCalendar {
  const rule = zone
    ? `{ name: corporate, environments: [prod], timezone: ${zone}, ics: ./freeze-test.ics }`
    : '{ name: corporate, environments: [prod], ics: ./freeze-test.ics }';
  return new FreezeCalendar(configWith([rule]), { icsText: { corporate: text } });
}

describe('ics rules (RRULE, EXDATE, RECURRENCE-ID, TZID, all-day)', () => {
  const london = icsCalendar();

  it('expands the fixture exactly (Europe/London)', () => {
    expect(london.missingSources('prod')).toEqual([]);
    expect(triples(london.list('prod', iso('2026-01-01T00:00:00Z'), iso('2029-01-01T00:00:00Z')))).toEqual(LONDON_EXPECTED);
  });

  it('all-day and floating events follow the rule time zone (America/New_York)', () => {
    const ny = icsCalendar('America/New_York');
    const list = triples(ny.list('prod', iso('2026-01-01T00:00:00Z'), iso('2029-01-01T00:00:00Z')));
    expect(list).toContainEqual(['corporate', '2026-03-28T04:00:00.000Z', '2026-03-30T04:00:00.000Z']); // EDT since 8 Mar
    expect(list).toContainEqual(['corporate', '2026-10-25T04:00:00.000Z', '2026-10-26T04:00:00.000Z']); // still EDT
    expect(list).toContainEqual(['corporate', '2026-07-15T13:00:00.000Z', '2026-07-15T14:00:00.000Z']); // floating 09:00 EDT
    // TZID events are exact instants whatever the rule zone
    expect(list).toContainEqual(['corporate', '2026-03-10T02:00:00.000Z', '2026-03-10T06:00:00.000Z']);
  });

  it.each<[string, string, boolean, string]>([
    ['EXDATE removes the 16 Mar instance', '2026-03-17T03:30:00.000Z', false, '2026-03-17T03:30:00.000Z'],
    ['the moved 23 Mar instance does not start at its old time', '2026-03-24T02:30:00.000Z', false, '2026-03-24T02:30:00.000Z'],
    ['the moved 23 Mar instance starts at 23:00 EDT', '2026-03-24T03:00:00.000Z', true, '2026-03-24T07:00:00.000Z'],
    ['TZID instance after the US DST change, one minute before start', '2026-03-10T01:59:00.000Z', false, '2026-03-10T01:59:00.000Z'],
    ['TZID instance after the US DST change, at start', '2026-03-10T02:00:00.000Z', true, '2026-03-10T06:00:00.000Z'],
    ['all-day on the 25-hour day: one minute before', '2026-10-24T22:59:00.000Z', false, '2026-10-24T22:59:00.000Z'],
    ['all-day on the 25-hour day: start (00:00 BST)', '2026-10-24T23:00:00.000Z', true, '2026-10-26T00:00:00.000Z'],
    ['all-day on the 25-hour day: last minute (23:59 GMT)', '2026-10-25T23:59:00.000Z', true, '2026-10-26T00:00:00.000Z'],
    ['all-day on the 25-hour day: end', '2026-10-26T00:00:00.000Z', false, '2026-10-26T00:00:00.000Z'],
    ['yearly all-day EXDATE 2027', '2027-03-28T12:00:00.000Z', false, '2027-03-28T12:00:00.000Z'],
    ['cancelled events freeze nothing', '2026-07-01T12:00:00.000Z', false, '2026-07-01T12:00:00.000Z'],
  ])('%s', (_what, at, frozen, nextOpen) => {
    const r = london.check('prod', iso(at));
    expect(r.frozen).toBe(frozen);
    expect(r.nextOpen.toISOString()).toBe(nextOpen);
  });

  it('does not depend on the host time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['Pacific/Auckland', 'America/Los_Angeles']) {
        process.env.TZ = tz;
        const cal = icsCalendar();
        expect(triples(cal.list('prod', iso('2026-01-01T00:00:00Z'), iso('2029-01-01T00:00:00Z')))).toEqual(LONDON_EXPECTED);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('the example corporate calendar: quarterly first-Monday freeze with the April 2026 EXDATE, and the offsite', () => {
    const cal = icsCalendar(undefined, EXAMPLE_ICS);
    expect(triples(cal.list('prod', iso('2026-01-01T00:00:00Z'), iso('2027-01-01T00:00:00Z')))).toEqual([
      ['corporate', '2026-01-05T09:00:00.000Z', '2026-01-05T17:00:00.000Z'],
      ['corporate', '2026-07-06T08:00:00.000Z', '2026-07-06T16:00:00.000Z'],
      ['corporate', '2026-10-05T08:00:00.000Z', '2026-10-05T16:00:00.000Z'],
      ['corporate', '2026-11-27T00:00:00.000Z', '2026-11-28T00:00:00.000Z'],
    ]);
    expect(cal.check('prod', iso('2026-04-06T10:00:00Z')).frozen).toBe(false);
  });
});
