import { FreezeCalendar } from '../../../src/domain/freeze-calendar';
import { ShipgateError } from '../../../src/shared/shipgate-error';
import { RecurringSource } from '../../../src/calendar/rule-sources';
import { configWith, iso, minus1m, triples } from './calendar-helpers';

/*
 * Every expected instant below is a literal UTC ISO string worked out by hand from the
 * calendar (weekdays, bank holidays of England, the US federal calendar) and the zone
 * rules: Europe/London is GMT (+0) until 29 Mar 2026 01:00 UTC, BST (+1) until 25 Oct
 * 2026 01:00 UTC, and in 2027 BST starts 28 Mar; America/New_York is EST (−5) until
 * 8 Mar 2026, EDT (−4) until 1 Nov 2026; Asia/Tokyo is +9 all year.
 */

const calendars = {
  /** month-end close with England's bank holidays as non-business days */
  monthEnd: new FreezeCalendar(
    configWith(['{ name: month-end close, environments: [prod], monthEndBusinessDays: 3 }'], { extra: 'businessCalendar: { country: GB, region: ENG }' }),
  ),
  /** the same rule without a business calendar: only weekends are skipped */
  monthEndNoHolidays: new FreezeCalendar(configWith(['{ name: month-end close, environments: [prod], monthEndBusinessDays: 3 }'])),
  yearEnd: new FreezeCalendar(
    configWith([
      '{ name: year-end close, environments: [prod], annual: { from: "12-20", to: "01-05" } }',
      '{ name: year-end Tokyo, environments: [ops], timezone: Asia/Tokyo, annual: { from: "12-20", to: "01-05" } }',
      '{ name: year-end New York, environments: [dev], timezone: America/New_York, annual: { from: "12-20", to: "01-05" } }',
      '{ name: summer filing, environments: [int], annual: { from: "07-01", to: "07-02" } }',
    ]),
  ),
  holidays: new FreezeCalendar(
    configWith([
      '{ name: bank holidays, environments: [prod], holidays: { country: GB, region: ENG } }',
      '{ name: US market holidays, environments: [ops], timezone: America/New_York, holidays: { country: US } }',
    ]),
  ),
  dates: new FreezeCalendar(
    configWith([
      '{ name: regulatory filing, environments: [prod], dates: ["2026-12-15", { from: "2027-03-30", to: "2027-03-31" }] }',
      '{ name: quarter close, environments: [ops], dates: ["2026-06-01", { from: "2026-06-02", to: "2026-06-03" }] }',
    ]),
  ),
  weekend: new FreezeCalendar(configWith(['{ name: weekend, environments: ["*"], recurring: { cron: "0 18 * * 5", duration: 62h } }'])),
  night: new FreezeCalendar(
    configWith([
      '{ name: night batch, environments: [ops], recurring: { cron: "30 22 * * 6", duration: 4h } }',
      '{ name: NY batch, environments: [dev], timezone: America/New_York, recurring: { cron: "0 23 * * 6", duration: 5h } }',
    ]),
  ),
};
type CalName = keyof typeof calendars;

/**
 * [calendar, env, rule, window start, window end]: every boundary is checked one minute
 * before the start (open), at the start (frozen), one minute before the end (frozen) and
 * at the end (open, start inclusive / end exclusive). Windows are isolated in their
 * calendar, so the expected window list is exact.
 */
const windowsUnderTest: Array<[CalName, string, string, string, string, string]> = [
  // month-end: March 2027 — Good Friday 26 Mar and Easter Monday 29 Mar are not business days → Thu 25, Tue 30, Wed 31
  ['monthEnd', 'prod', 'month-end close', '2027-03-25T00:00:00.000Z', '2027-03-31T23:00:00.000Z', 'Mar 2027 with Easter bank holidays'],
  // May 2027 — Mon 31 May is the spring bank holiday → Wed 26, Thu 27, Fri 28 (BST)
  ['monthEnd', 'prod', 'month-end close', '2027-05-25T23:00:00.000Z', '2027-05-28T23:00:00.000Z', 'May 2027 with the spring bank holiday on the 31st'],
  // Oct 2026 ends on a Saturday → Wed 28, Thu 29, Fri 30 (GMT again after 25 Oct)
  ['monthEnd', 'prod', 'month-end close', '2026-10-28T00:00:00.000Z', '2026-10-31T00:00:00.000Z', 'Oct 2026 ending on a Saturday'],
  // Nov 2026 → Thu 26, Fri 27, Mon 30: the weekend between is inside the window
  ['monthEnd', 'prod', 'month-end close', '2026-11-26T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 'Nov 2026 spanning a weekend'],
  // Dec 2026 — Mon 28 Dec is the Boxing Day substitute → Tue 29, Wed 30, Thu 31
  ['monthEnd', 'prod', 'month-end close', '2026-12-29T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 'Dec 2026 with the Boxing Day substitute'],
  // Jun 2031 (lazy expansion far ahead) → Thu 26, Fri 27, Mon 30 (BST)
  ['monthEnd', 'prod', 'month-end close', '2031-06-25T23:00:00.000Z', '2031-06-30T23:00:00.000Z', 'Jun 2031'],
  // without a business calendar May 2027 is Thu 27, Fri 28, Mon 31
  ['monthEndNoHolidays', 'prod', 'month-end close', '2027-05-26T23:00:00.000Z', '2027-05-31T23:00:00.000Z', 'May 2027 ignoring holidays'],
  ['monthEndNoHolidays', 'prod', 'month-end close', '2027-03-28T23:00:00.000Z', '2027-03-31T23:00:00.000Z', 'Mar 2027 ignoring holidays'],
  // year-end close across the new year, in London, Tokyo and New York
  ['yearEnd', 'prod', 'year-end close', '2026-12-20T00:00:00.000Z', '2027-01-06T00:00:00.000Z', 'year-end London'],
  ['yearEnd', 'prod', 'year-end close', '2030-12-20T00:00:00.000Z', '2031-01-06T00:00:00.000Z', 'year-end London 2030/31'],
  ['yearEnd', 'ops', 'year-end Tokyo', '2026-12-19T15:00:00.000Z', '2027-01-05T15:00:00.000Z', 'year-end in Asia/Tokyo'],
  ['yearEnd', 'dev', 'year-end New York', '2026-12-20T05:00:00.000Z', '2027-01-06T05:00:00.000Z', 'year-end in America/New_York'],
  ['yearEnd', 'int', 'summer filing', '2026-06-30T23:00:00.000Z', '2026-07-02T23:00:00.000Z', 'annual window in BST'],
  // bank holidays (England)
  ['holidays', 'prod', 'bank holidays', '2027-03-26T00:00:00.000Z', '2027-03-27T00:00:00.000Z', 'Good Friday 2027 (GMT)'],
  ['holidays', 'prod', 'bank holidays', '2027-03-28T23:00:00.000Z', '2027-03-29T23:00:00.000Z', 'Easter Monday 2027 (BST)'],
  ['holidays', 'prod', 'bank holidays', '2027-05-30T23:00:00.000Z', '2027-05-31T23:00:00.000Z', 'spring bank holiday 2027'],
  ['holidays', 'prod', 'bank holidays', '2026-12-25T00:00:00.000Z', '2026-12-27T00:00:00.000Z', 'Christmas + Boxing Day 2026 form one window'],
  ['holidays', 'prod', 'bank holidays', '2026-12-28T00:00:00.000Z', '2026-12-29T00:00:00.000Z', 'Boxing Day substitute 2026'],
  // US holidays in America/New_York
  ['holidays', 'ops', 'US market holidays', '2026-11-26T05:00:00.000Z', '2026-11-27T05:00:00.000Z', 'Thanksgiving 2026 in New York'],
  ['holidays', 'ops', 'US market holidays', '2026-07-03T04:00:00.000Z', '2026-07-05T04:00:00.000Z', 'Independence Day observed + actual'],
  // dates
  ['dates', 'prod', 'regulatory filing', '2026-12-15T00:00:00.000Z', '2026-12-16T00:00:00.000Z', 'single date'],
  ['dates', 'prod', 'regulatory filing', '2027-03-29T23:00:00.000Z', '2027-03-31T23:00:00.000Z', 'date range in BST'],
  ['dates', 'ops', 'quarter close', '2026-05-31T23:00:00.000Z', '2026-06-03T23:00:00.000Z', 'adjacent date entries merge'],
  // recurring: the weekend window across both London DST changes (duration is elapsed time)
  ['weekend', 'prod', 'weekend', '2026-03-27T18:00:00.000Z', '2026-03-30T08:00:00.000Z', 'weekend over the spring-forward'],
  ['weekend', 'prod', 'weekend', '2026-10-23T17:00:00.000Z', '2026-10-26T07:00:00.000Z', 'weekend over the fall-back'],
  ['weekend', 'dev', 'weekend', '2031-01-03T18:00:00.000Z', '2031-01-06T08:00:00.000Z', 'weekend in 2031'],
  // recurring windows crossing midnight and a DST change
  ['night', 'ops', 'night batch', '2026-03-28T22:30:00.000Z', '2026-03-29T02:30:00.000Z', 'Sat 22:30 GMT + 4h into BST'],
  ['night', 'ops', 'night batch', '2026-10-24T21:30:00.000Z', '2026-10-25T01:30:00.000Z', 'Sat 22:30 BST + 4h into GMT'],
  ['night', 'dev', 'NY batch', '2026-03-08T04:00:00.000Z', '2026-03-08T09:00:00.000Z', 'Sat 23:00 EST + 5h into EDT'],
  ['night', 'dev', 'NY batch', '2026-11-01T03:00:00.000Z', '2026-11-01T08:00:00.000Z', 'Sat 23:00 EDT + 5h into EST'],
];

describe('FreezeCalendar.check — one minute either side of every boundary', () => {
  const cases: Array<[string, CalName, string, string, Array<[string, string, string]>, string]> = [];
  for (const [cal, env, rule, start, end, what] of windowsUnderTest) {
    const w: [string, string, string] = [rule, start, end];
    cases.push([`${what}: 1 min before start`, cal, env, minus1m(start), [], minus1m(start)]);
    cases.push([`${what}: at start`, cal, env, start, [w], end]);
    cases.push([`${what}: 1 min before end`, cal, env, minus1m(end), [w], end]);
    cases.push([`${what}: at end`, cal, env, end, [], end]);
  }

  it.each(cases)('%s', (_what, cal, env, at, windows, nextOpen) => {
    const result = calendars[cal].check(env, iso(at));
    expect(triples(result.windows)).toEqual(windows);
    expect(result.frozen).toBe(windows.length > 0);
    expect(result.nextOpen.toISOString()).toBe(nextOpen);
    expect(result.at.toISOString()).toBe(at);
    expect(result.env).toBe(env);
  });
});

describe('FreezeCalendar.check — more cases', () => {
  it.each<[string, CalName, string, string, Array<[string, string, string]>]>([
    [
      'Good Friday is inside the March 2027 month-end window',
      'monthEnd',
      'prod',
      '2027-03-26T12:00:00.000Z',
      [['month-end close', '2027-03-25T00:00:00.000Z', '2027-03-31T23:00:00.000Z']],
    ],
    ['Mon 31 May 2027 (bank holiday) is after the May month-end window', 'monthEnd', 'prod', '2027-05-31T12:00:00.000Z', []],
    ['Sat 31 Oct 2026 is after the October month-end window', 'monthEnd', 'prod', '2026-10-31T12:00:00.000Z', []],
    ['rules for prod do not apply to dev', 'monthEnd', 'dev', '2027-03-26T12:00:00.000Z', []],
    [
      'mid-window of a year-end that started the year before',
      'yearEnd',
      'prod',
      '2027-01-01T12:00:00.000Z',
      [['year-end close', '2026-12-20T00:00:00.000Z', '2027-01-06T00:00:00.000Z']],
    ],
    ['Thanksgiving has started in London but not in New York', 'holidays', 'ops', '2026-11-26T03:00:00.000Z', []],
    [
      '"*" applies to any environment name',
      'weekend',
      'anything',
      '2026-03-28T12:00:00.000Z',
      [['weekend', '2026-03-27T18:00:00.000Z', '2026-03-30T08:00:00.000Z']],
    ],
    ['weekday afternoon is open', 'weekend', 'prod', '2026-03-25T15:00:00.000Z', []],
  ])('%s', (_what, cal, env, at, windows) => {
    const result = calendars[cal].check(env, iso(at));
    expect(triples(result.windows)).toEqual(windows);
    expect(result.frozen).toBe(windows.length > 0);
  });

  it('rejects an invalid instant', () => {
    expect(() => calendars.weekend.check('prod', new Date('nope'))).toThrow(ShipgateError);
  });
});

describe('a window chain that never opens is answered at once, with the clear message', () => {
  const NEVER_OPENS = /^environment "prod" is frozen for more than 2 years from 2026-06-01T12:00:30\.000Z: check the freeze rules \(a window chain never opens\)$/;

  it.each<[string, string, string]>([
    ['every minute, 2 minutes long (UTC)', '* * * * *', '2m'],
    ['every minute, 2 minutes long (London, across both DST changes)', '* * * * *', '2m'],
    ['every 20 minutes, 20 minutes long: each ends where the next starts', '*/20 * * * *', '20m'],
    ['hourly, one hour long (New York)', '0 * * * *', '1h'],
    ['twice an hour at uneven minutes, as long as the longer gap', '5,40 * * * *', '35m'],
  ])('%s', (what, cron, duration) => {
    const zone = what.includes('UTC') ? 'UTC' : what.includes('New York') ? 'America/New_York' : 'Europe/London';
    const cal = new FreezeCalendar(configWith([`{ name: always, environments: [prod], recurring: { cron: "${cron}", duration: ${duration} } }`], { timezone: zone }));
    const at = iso('2026-06-01T12:00:30Z');
    let err: unknown;
    try {
      cal.check('prod', at);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShipgateError);
    expect((err as ShipgateError).code).toBe('invalid_state');
    expect((err as Error).message).toMatch(NEVER_OPENS);
    expect(() => cal.nextOpen('prod', at)).toThrow(NEVER_OPENS);
    // The chained windows are one freeze: one window covers a whole day (not one per match).
    const day = cal.list('prod', iso('2026-10-25T00:00:00Z'), iso('2026-10-26T00:00:00Z'));
    expect(day).toHaveLength(1);
    expect(day[0]!.start.getTime()).toBeLessThanOrEqual(Date.parse('2026-10-25T00:00:00Z'));
    expect(day[0]!.end.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-10-26T00:00:00Z'));
    expect(day[0]!.label).toContain('chain without a gap');
  });

  it.each<[string, string, string, number, boolean]>([
    ['hourly, 1 h long', 'Europe/London', '0 * * * *', 3_600_000, true],
    ['hourly, 59 min long: opens at :59', 'Europe/London', '0 * * * *', 59 * 60_000, false],
    ['twice an hour at :05 and :40, 34 min long: the 35-minute gap opens', 'Europe/London', '5,40 * * * *', 34 * 60_000, false],
    ['every minute on weekdays only: not every day', 'Europe/London', '* * * * 1-5', 3 * 86_400_000, false],
    ['every minute from 9 to 17: not every hour', 'Europe/London', '* 9-17 * * *', 86_400_000, false],
    ['hourly where DST shifts by 30 minutes (Lord Howe): the gap changes', 'Australia/Lord_Howe', '0 * * * *', 3_600_000, false],
  ])('chains forever? %s', (_what, zone, cron, ms, continuous) => {
    expect(new RecurringSource(zone, cron, ms).continuous).toBe(continuous);
  });
});

describe('recurring start times around DST (as README documents)', () => {
  const sunday = new FreezeCalendar(configWith(['{ name: sunday batch, environments: [prod], recurring: { cron: "30 1 * * 0", duration: 1h } }']));

  it.each<[string, string, string, Array<[string, string, string]>]>([
    [
      'a start time in the gap (01:30 on the spring-forward Sunday) moves forward by the gap: 02:30 BST',
      '2026-03-28T00:00:00Z',
      '2026-03-30T00:00:00Z',
      [['sunday batch', '2026-03-29T01:30:00.000Z', '2026-03-29T02:30:00.000Z']],
    ],
    [
      'a start time in the repeated hour (01:30 on the fall-back Sunday) is its first occurrence, once: 01:30 BST',
      '2026-10-24T00:00:00Z',
      '2026-10-26T00:00:00Z',
      [['sunday batch', '2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']],
    ],
  ])('%s', (_what, from, to, expected) => {
    expect(triples(sunday.list('prod', iso(from), iso(to)))).toEqual(expected);
  });
});

describe('nextOpen — chained and overlapping windows merge, across rules and years', () => {
  const chain = new FreezeCalendar(
    configWith([
      '{ name: day A, environments: [prod], dates: ["2026-06-01"] }', // [05-31T23:00Z, 06-01T23:00Z)
      '{ name: chain B, environments: [prod], recurring: { cron: "0 0 2 6 *", duration: 12h } }', // [06-01T23:00Z, 06-02T11:00Z)
      '{ name: a-first, environments: [prod], recurring: { cron: "0 0 2 6 *", duration: 1h } }', // [06-01T23:00Z, 06-02T00:00Z)
      '{ name: overlap C, environments: [prod], recurring: { cron: "0 10 2 6 *", duration: 6h } }', // [06-02T09:00Z, 06-02T15:00Z)
      '{ name: day D, environments: [prod], dates: ["2026-07-01"] }', // [06-30T23:00Z, 07-01T23:00Z)
      '{ name: gap E, environments: [prod], recurring: { cron: "1 0 2 7 *", duration: 1h } }', // [07-01T23:01Z, 07-02T00:01Z)
      '{ name: december F, environments: [prod], annual: { from: "12-20", to: "12-31" } }', // [12-20T00:00Z, 01-01T00:00Z)
      '{ name: january G, environments: [prod], dates: [{ from: "2027-01-01", to: "2027-01-02" }] }', // [2027-01-01T00:00Z, 2027-01-03T00:00Z)
    ]),
  );

  it.each<[string, string, Array<[string, string, string]>, string]>([
    [
      'chained into B, which overlaps C',
      '2026-06-01T10:00:00.000Z',
      [['day A', '2026-05-31T23:00:00.000Z', '2026-06-01T23:00:00.000Z']],
      '2026-06-02T15:00:00.000Z',
    ],
    [
      'where A ends exactly, B and a-first start (same start: sorted by rule)',
      '2026-06-01T23:00:00.000Z',
      [
        ['a-first', '2026-06-01T23:00:00.000Z', '2026-06-02T00:00:00.000Z'],
        ['chain B', '2026-06-01T23:00:00.000Z', '2026-06-02T11:00:00.000Z'],
      ],
      '2026-06-02T15:00:00.000Z',
    ],
    [
      'inside the overlap of B and C',
      '2026-06-02T09:30:00.000Z',
      [
        ['chain B', '2026-06-01T23:00:00.000Z', '2026-06-02T11:00:00.000Z'],
        ['overlap C', '2026-06-02T09:00:00.000Z', '2026-06-02T15:00:00.000Z'],
      ],
      '2026-06-02T15:00:00.000Z',
    ],
    ['when C ends', '2026-06-02T15:00:00.000Z', [], '2026-06-02T15:00:00.000Z'],
    [
      'a one-minute gap is an opening',
      '2026-07-01T12:00:00.000Z',
      [['day D', '2026-06-30T23:00:00.000Z', '2026-07-01T23:00:00.000Z']],
      '2026-07-01T23:00:00.000Z',
    ],
    [
      'chained across the new year',
      '2026-12-31T12:00:00.000Z',
      [['december F', '2026-12-20T00:00:00.000Z', '2027-01-01T00:00:00.000Z']],
      '2027-01-03T00:00:00.000Z',
    ],
  ])('%s', (_what, at, windows, nextOpen) => {
    const r = chain.check('prod', iso(at));
    expect(triples(r.windows)).toEqual(windows);
    expect(r.nextOpen.toISOString()).toBe(nextOpen);
    expect(chain.nextOpen('prod', iso(at)).toISOString()).toBe(nextOpen);
  });

  it('nextOpen of an open instant is the instant itself', () => {
    expect(chain.nextOpen('prod', iso('2026-07-01T23:00:30.000Z')).toISOString()).toBe('2026-07-01T23:00:30.000Z');
    expect(chain.nextOpen('dev', iso('2026-06-01T10:00:00.000Z')).toISOString()).toBe('2026-06-01T10:00:00.000Z');
  });

  it('list gives every window touching [from, to), sorted by start then rule', () => {
    expect(triples(chain.list('prod', iso('2026-06-01T00:00:00.000Z'), iso('2026-06-02T09:00:00.000Z')))).toEqual([
      ['day A', '2026-05-31T23:00:00.000Z', '2026-06-01T23:00:00.000Z'],
      ['a-first', '2026-06-01T23:00:00.000Z', '2026-06-02T00:00:00.000Z'],
      ['chain B', '2026-06-01T23:00:00.000Z', '2026-06-02T11:00:00.000Z'],
    ]);
  });

  it('list excludes a window ending at `from` and one starting at `to`', () => {
    expect(triples(chain.list('prod', iso('2026-07-01T23:00:00.000Z'), iso('2026-07-01T23:01:00.000Z')))).toEqual([]);
    expect(triples(chain.list('prod', iso('2026-07-01T22:59:00.000Z'), iso('2026-07-01T23:02:00.000Z')))).toEqual([
      ['day D', '2026-06-30T23:00:00.000Z', '2026-07-01T23:00:00.000Z'],
      ['gap E', '2026-07-01T23:01:00.000Z', '2026-07-02T00:01:00.000Z'],
    ]);
  });

  it('a window across the new year is listed once', () => {
    expect(triples(calendars.yearEnd.list('prod', iso('2026-12-01T00:00:00.000Z'), iso('2027-02-01T00:00:00.000Z')))).toEqual([
      ['year-end close', '2026-12-20T00:00:00.000Z', '2027-01-06T00:00:00.000Z'],
    ]);
  });

  it('upcoming(days) lists the windows of the next N days including the current one', () => {
    expect(triples(chain.upcoming('prod', iso('2026-06-02T10:00:00.000Z'), 30))).toEqual([
      ['chain B', '2026-06-01T23:00:00.000Z', '2026-06-02T11:00:00.000Z'],
      ['overlap C', '2026-06-02T09:00:00.000Z', '2026-06-02T15:00:00.000Z'],
      ['day D', '2026-06-30T23:00:00.000Z', '2026-07-01T23:00:00.000Z'],
      ['gap E', '2026-07-01T23:01:00.000Z', '2026-07-02T00:01:00.000Z'],
    ]);
  });

  it('a freeze that never opens fails with a clear error instead of looping', () => {
    const forever = new FreezeCalendar(configWith(['{ name: always, environments: [prod], annual: { from: "01-01", to: "12-31" } }']));
    expect(() => forever.nextOpen('prod', iso('2026-05-01T00:00:00.000Z'))).toThrow(/frozen for more than 2 years/);
  });
});

describe('list over a year', () => {
  it('month-end windows of 2027 (England)', () => {
    const list = calendars.monthEnd.list('prod', iso('2027-01-01T00:00:00.000Z'), iso('2028-01-01T00:00:00.000Z'));
    expect(list).toHaveLength(12);
    // Spot checks worked out by hand: Feb 2027 ends Sun 28 → Wed 24, Thu 25, Fri 26 (GMT)
    expect(triples(list)[1]).toEqual(['month-end close', '2027-02-24T00:00:00.000Z', '2027-02-27T00:00:00.000Z']);
    // Aug 2027: Mon 30 is the summer bank holiday, Tue 31 the last day → Thu 26, Fri 27, Tue 31 (BST)
    expect(triples(list)[7]).toEqual(['month-end close', '2027-08-25T23:00:00.000Z', '2027-08-31T23:00:00.000Z']);
  });

  it('weekend windows: 52 or 53 per year, each 62 h of elapsed time', () => {
    const list = calendars.weekend.list('prod', iso('2026-01-01T00:00:00.000Z'), iso('2027-01-01T00:00:00.000Z'));
    expect(list.length).toBeGreaterThanOrEqual(52);
    for (const w of list) expect(w.end.getTime() - w.start.getTime()).toBe(62 * 3_600_000);
  });
});

describe('sources', () => {
  const cfg = configWith([
    '{ name: corporate calendar, environments: [prod], ics: ./calendars/freeze.ics }',
    '{ name: servicenow blackouts, environments: [prod], servicenowBlackout: Change Blackout }',
    '{ name: dev blackouts, environments: [dev], servicenowBlackout: Dev Blackout }',
  ]);

  it('reports rules whose source is missing, per environment (callers fail closed)', () => {
    const cal = new FreezeCalendar(cfg);
    expect(cal.missingSources('prod')).toEqual(['corporate calendar', 'servicenow blackouts']);
    expect(cal.missingSources('dev')).toEqual(['dev blackouts']);
    expect(cal.missingSources('int')).toEqual([]);
    expect(cal.check('prod', iso('2026-06-01T00:00:00.000Z')).frozen).toBe(false);
  });

  it('reports an unparseable ICS as missing with the reason', () => {
    const cal = new FreezeCalendar(cfg, { icsText: { 'corporate calendar': '<html>not a calendar</html>' }, blackoutSpans: { 'servicenow blackouts': [] } });
    expect(cal.missingSources('prod')).toEqual(['corporate calendar']);
    expect(cal.sourceProblems()['corporate calendar']).toMatch(/could not be parsed/);
  });

  it('blackout spans freeze exactly their span', () => {
    const cal = new FreezeCalendar(cfg, {
      icsText: { 'corporate calendar': 'BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n' },
      blackoutSpans: {
        'servicenow blackouts': [{ start: iso('2026-08-01T20:00:00.000Z'), end: iso('2026-08-02T04:00:00.000Z') }],
        'dev blackouts': [],
      },
    });
    expect(cal.missingSources('prod')).toEqual([]);
    expect(cal.check('prod', iso('2026-08-01T19:59:00.000Z')).frozen).toBe(false);
    expect(triples(cal.check('prod', iso('2026-08-01T20:00:00.000Z')).windows)).toEqual([
      ['servicenow blackouts', '2026-08-01T20:00:00.000Z', '2026-08-02T04:00:00.000Z'],
    ]);
    expect(cal.check('prod', iso('2026-08-02T04:00:00.000Z')).frozen).toBe(false);
  });

  it('rejects an unknown holiday region with the YAML path', () => {
    // config validation reports it at the region's own path…
    expect(() => configWith(['{ name: bank holidays, environments: [prod], holidays: { country: GB, region: XYZ } }'])).toThrow(
      expect.objectContaining({ details: { problems: [expect.stringMatching(/^freezes\[0\]\.holidays\.region: unknown subdivision "XYZ" of GB \(known: .*ENG/)] } }),
    );
    // …and the calendar still refuses a config that did not go through it
    const bad = configWith(['{ name: bank holidays, environments: [prod], holidays: { country: GB, region: ENG } }']);
    bad.freezes[0]!.holidays!.region = 'XYZ';
    let err: unknown;
    try {
      new FreezeCalendar(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShipgateError);
    expect((err as ShipgateError).code).toBe('config_invalid');
    expect((err as ShipgateError).details.problems).toEqual([expect.stringMatching(/^freezes\[0\]\.holidays: unknown subdivision "XYZ" of GB \(known: .*ENG/)]);
  });
});
