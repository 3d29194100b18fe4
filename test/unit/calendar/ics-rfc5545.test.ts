import path from 'node:path';
import { readFileSync } from 'node:fs';
import { FreezeCalendar } from '../../../src/domain/freeze-calendar';
import { freezeGate } from '../../../src/domain/gates/freeze-gate';
import { configWith, iso, REPO, triples } from './calendar-helpers';

/*
 * RFC 5545 cases for `ics:` rules, one small calendar each. Expected instants are worked
 * out by hand from the RFC and the zones' rules: London GMT (+0) / BST (+1) from
 * 29 Mar 2026 01:00Z to 25 Oct 2026 01:00Z; New York EST (−5) / EDT (−4) from
 * 8 Mar 2026 07:00Z to 1 Nov 2026 06:00Z.
 */

const CRLF = '\r\n';

/** A VCALENDAR around the given components (each an array of content lines). */
function vcal(...components: string[][]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//shipgate//rfc5545 cases//EN', ...components.flat(), 'END:VCALENDAR', ''].join(CRLF);
}

let uid = 0;
function vevent(...lines: string[]): string[] {
  const hasUid = lines.some((l) => l.startsWith('UID:'));
  return ['BEGIN:VEVENT', ...(hasUid ? [] : [`UID:case-${++uid}@shipgate.test`]), 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'];
}

function calendar(text: string, zone = 'Europe/London'): FreezeCalendar {
  return new FreezeCalendar(configWith([`{ name: corporate, environments: [prod], timezone: ${zone}, ics: ./c.ics }`]), { icsText: { corporate: text } });
}

function windows(text: string, zone = 'Europe/London', from = '2024-01-01T00:00:00Z', to = '2030-01-01T00:00:00Z'): Array<[string, string]> {
  const cal = calendar(text, zone);
  expect(cal.sourceProblems()).toEqual({});
  return triples(cal.list('prod', iso(from), iso(to))).map(([, s, e]) => [s, e]);
}

const T = (s: string) => `${s}.000Z`;

/** [case, rule zone, calendar, expected [start, end] windows (UTC)] */
const CASES: Array<[string, string, string, Array<[string, string]>]> = [
  // --- RDATE forms --------------------------------------------------------------------
  [
    'RDATE;VALUE=DATE adds whole local days (one of them in BST)',
    'Europe/London',
    vcal(vevent('DTSTART;VALUE=DATE:20260105', 'DTEND;VALUE=DATE:20260106', 'RDATE;VALUE=DATE:20260302,20260706')),
    [
      [T('2026-01-05T00:00:00'), T('2026-01-06T00:00:00')],
      [T('2026-03-02T00:00:00'), T('2026-03-03T00:00:00')],
      [T('2026-07-05T23:00:00'), T('2026-07-06T23:00:00')],
    ],
  ],
  [
    'RDATE with a TZID, across both New York DST changes',
    'Europe/London',
    vcal(
      vevent(
        'DTSTART;TZID=America/New_York:20260302T090000',
        'DTEND;TZID=America/New_York:20260302T170000',
        'RDATE;TZID=America/New_York:20260309T090000,20261102T090000',
      ),
    ),
    [
      [T('2026-03-02T14:00:00'), T('2026-03-02T22:00:00')],
      [T('2026-03-09T13:00:00'), T('2026-03-09T21:00:00')],
      [T('2026-11-02T14:00:00'), T('2026-11-02T22:00:00')],
    ],
  ],
  [
    'RDATE in UTC',
    'Europe/London',
    vcal(vevent('DTSTART:20260601T120000Z', 'DURATION:PT1H', 'RDATE:20260602T120000Z,20261025T003000Z')),
    [
      [T('2026-06-01T12:00:00'), T('2026-06-01T13:00:00')],
      [T('2026-06-02T12:00:00'), T('2026-06-02T13:00:00')],
      [T('2026-10-25T00:30:00'), T('2026-10-25T01:30:00')],
    ],
  ],
  [
    'RDATE;VALUE=PERIOD with an explicit end has its own length',
    'Europe/London',
    vcal(vevent('DTSTART:20260601T120000Z', 'DURATION:PT1H', 'RDATE;VALUE=PERIOD:20260610T080000Z/20260610T113000Z')),
    [
      [T('2026-06-01T12:00:00'), T('2026-06-01T13:00:00')],
      [T('2026-06-10T08:00:00'), T('2026-06-10T11:30:00')],
    ],
  ],
  [
    'RDATE;VALUE=PERIOD with a duration: P1D is one local day (23 h on the spring-forward day)',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=Europe/London:20260301T000000', 'DURATION:PT1H', 'RDATE;VALUE=PERIOD;TZID=Europe/London:20260329T000000/P1D')),
    [
      [T('2026-03-01T00:00:00'), T('2026-03-01T01:00:00')],
      [T('2026-03-29T00:00:00'), T('2026-03-29T23:00:00')],
    ],
  ],
  [
    'a floating RDATE is read in the rule zone (New York)',
    'America/New_York',
    vcal(vevent('DTSTART:20260715T090000', 'DTEND:20260715T100000', 'RDATE:20261215T090000')),
    [
      [T('2026-07-15T13:00:00'), T('2026-07-15T14:00:00')],
      [T('2026-12-15T14:00:00'), T('2026-12-15T15:00:00')],
    ],
  ],
  // --- RECURRENCE-ID and STATUS:CANCELLED ----------------------------------------------
  [
    'a RECURRENCE-ID override moves an RDATE instance',
    'Europe/London',
    vcal(
      vevent(
        'UID:rdate-move@shipgate.test',
        'DTSTART;TZID=Europe/London:20260105T090000',
        'DTEND;TZID=Europe/London:20260105T100000',
        'RDATE;TZID=Europe/London:20260112T090000,20260119T090000',
      ),
      vevent(
        'UID:rdate-move@shipgate.test',
        'RECURRENCE-ID;TZID=Europe/London:20260112T090000',
        'DTSTART;TZID=Europe/London:20260113T140000',
        'DTEND;TZID=Europe/London:20260113T153000',
      ),
    ),
    [
      [T('2026-01-05T09:00:00'), T('2026-01-05T10:00:00')],
      [T('2026-01-13T14:00:00'), T('2026-01-13T15:30:00')],
      [T('2026-01-19T09:00:00'), T('2026-01-19T10:00:00')],
    ],
  ],
  [
    'a UTC RECURRENCE-ID names a TZID RDATE instance by its instant (09:00 EDT = 13:00Z)',
    'Europe/London',
    vcal(
      vevent('UID:rdate-utc@shipgate.test', 'DTSTART;TZID=America/New_York:20260303T090000', 'DURATION:PT1H', 'RDATE;TZID=America/New_York:20260310T090000'),
      vevent('UID:rdate-utc@shipgate.test', 'RECURRENCE-ID:20260310T130000Z', 'DTSTART:20260311T130000Z', 'DURATION:PT2H'),
    ),
    [
      [T('2026-03-03T14:00:00'), T('2026-03-03T15:00:00')],
      [T('2026-03-11T13:00:00'), T('2026-03-11T15:00:00')],
    ],
  ],
  [
    'an override with STATUS:CANCELLED removes an RRULE instance',
    'Europe/London',
    vcal(
      vevent('UID:cancel-rrule@shipgate.test', 'DTSTART;TZID=Europe/London:20260202T100000', 'DURATION:PT2H', 'RRULE:FREQ=WEEKLY;COUNT=3'),
      vevent('UID:cancel-rrule@shipgate.test', 'RECURRENCE-ID;TZID=Europe/London:20260209T100000', 'DTSTART;TZID=Europe/London:20260209T100000', 'DURATION:PT2H', 'STATUS:CANCELLED'),
    ),
    [
      [T('2026-02-02T10:00:00'), T('2026-02-02T12:00:00')],
      [T('2026-02-16T10:00:00'), T('2026-02-16T12:00:00')],
    ],
  ],
  [
    'an override with STATUS:CANCELLED removes an RDATE instance (all-day)',
    'Europe/London',
    vcal(
      vevent('UID:cancel-rdate@shipgate.test', 'DTSTART;VALUE=DATE:20260601', 'RDATE;VALUE=DATE:20260608'),
      vevent('UID:cancel-rdate@shipgate.test', 'RECURRENCE-ID;VALUE=DATE:20260608', 'DTSTART;VALUE=DATE:20260608', 'STATUS:CANCELLED'),
    ),
    [[T('2026-05-31T23:00:00'), T('2026-06-01T23:00:00')]],
  ],
  [
    'RANGE=THISANDFUTURE with STATUS:CANCELLED ends the series there',
    'Europe/London',
    vcal(
      vevent('UID:cancel-future@shipgate.test', 'DTSTART;TZID=Europe/London:20260202T100000', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;COUNT=4'),
      vevent('UID:cancel-future@shipgate.test', 'RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/London:20260216T100000', 'STATUS:CANCELLED'),
    ),
    [
      [T('2026-02-02T10:00:00'), T('2026-02-02T11:00:00')],
      [T('2026-02-09T10:00:00'), T('2026-02-09T11:00:00')],
    ],
  ],
  [
    'RANGE=THISANDFUTURE moves that instance and every later one',
    'Europe/London',
    vcal(
      vevent('UID:move-future@shipgate.test', 'DTSTART;TZID=Europe/London:20260202T100000', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;COUNT=3'),
      vevent('UID:move-future@shipgate.test', 'RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/London:20260209T100000', 'DTSTART;TZID=Europe/London:20260209T140000', 'DURATION:PT2H'),
    ),
    [
      [T('2026-02-02T10:00:00'), T('2026-02-02T11:00:00')],
      [T('2026-02-09T14:00:00'), T('2026-02-09T16:00:00')],
      [T('2026-02-16T14:00:00'), T('2026-02-16T16:00:00')],
    ],
  ],
  // --- DURATION: days and weeks nominal, hours and minutes exact -------------------------
  [
    'DURATION:P1D is the same local time the next day: 23 h over the London spring-forward',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=Europe/London:20260328T120000', 'DURATION:P1D')),
    [[T('2026-03-28T12:00:00'), T('2026-03-29T11:00:00')]],
  ],
  [
    'DURATION:PT24H is exact: 24 h over the London spring-forward',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=Europe/London:20260328T120000', 'DURATION:PT24H')),
    [[T('2026-03-28T12:00:00'), T('2026-03-29T12:00:00')]],
  ],
  [
    'DURATION:P1D over the New York fall-back is 25 h',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=America/New_York:20261031T120000', 'DURATION:P1D')),
    [[T('2026-10-31T16:00:00'), T('2026-11-01T17:00:00')]],
  ],
  [
    'DURATION:P1W over the London fall-back ends at the same local time',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=Europe/London:20261020T090000', 'DURATION:P1W')),
    [[T('2026-10-20T08:00:00'), T('2026-10-27T09:00:00')]],
  ],
  [
    'DURATION:P1DT2H is one local day, then two exact hours',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=Europe/London:20260328T230000', 'DURATION:P1DT2H')),
    [[T('2026-03-28T23:00:00'), T('2026-03-30T00:00:00')]],
  ],
  [
    'DURATION:PT1H over the DST gap is one elapsed hour (00:30 GMT → 02:30 BST)',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=Europe/London:20260329T003000', 'DURATION:PT1H')),
    [[T('2026-03-29T00:30:00'), T('2026-03-29T01:30:00')]],
  ],
  [
    'a recurring DURATION:P1D gives every instance one local day (24 h, then 23 h)',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=Europe/London:20260321T120000', 'DURATION:P1D', 'RRULE:FREQ=WEEKLY;COUNT=2')),
    [
      [T('2026-03-21T12:00:00'), T('2026-03-22T12:00:00')],
      [T('2026-03-28T12:00:00'), T('2026-03-29T11:00:00')],
    ],
  ],
  [
    'all-day DURATION:P2D covers the 25-hour day',
    'Europe/London',
    vcal(vevent('DTSTART;VALUE=DATE:20261024', 'DURATION:P2D')),
    [[T('2026-10-23T23:00:00'), T('2026-10-26T00:00:00')]],
  ],
  [
    'DTEND − DTSTART is an exact length for every instance (§3.8.5.3): 62 h from Fri 18:00 GMT ends Mon 09:00 BST',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=Europe/London:20260320T180000', 'DTEND;TZID=Europe/London:20260323T080000', 'RRULE:FREQ=WEEKLY;COUNT=2')),
    [
      [T('2026-03-20T18:00:00'), T('2026-03-23T08:00:00')],
      [T('2026-03-27T18:00:00'), T('2026-03-30T08:00:00')],
    ],
  ],
  // --- DST: gaps, repeated hours, TZID / UTC / floating / all-day ------------------------
  [
    'an RRULE instance at a local time in the DST gap is not in the set and not counted (§3.3.10)',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=Europe/London:20260327T013000', 'DURATION:PT30M', 'RRULE:FREQ=DAILY;COUNT=3')),
    [
      [T('2026-03-27T01:30:00'), T('2026-03-27T02:00:00')],
      [T('2026-03-28T01:30:00'), T('2026-03-28T02:00:00')],
      [T('2026-03-30T00:30:00'), T('2026-03-30T01:00:00')],
    ],
  ],
  [
    'a DTSTART in the New York DST gap uses the offset before the gap (02:30 EST = 03:30 EDT, §3.3.5)',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=America/New_York:20260308T023000', 'DURATION:PT1H')),
    [[T('2026-03-08T07:30:00'), T('2026-03-08T08:30:00')]],
  ],
  [
    'a DTSTART in the repeated hour is its first occurrence (New York 01:30 EDT, London 01:30 BST)',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=America/New_York:20261101T013000', 'DURATION:PT30M'), vevent('DTSTART;TZID=Europe/London:20261025T013000', 'DURATION:PT30M')),
    [
      [T('2026-10-25T00:30:00'), T('2026-10-25T01:00:00')],
      [T('2026-11-01T05:30:00'), T('2026-11-01T06:00:00')],
    ],
  ],
  [
    'a weekly TZID event keeps its local time across the London spring-forward',
    'America/New_York',
    vcal(vevent('DTSTART;TZID=Europe/London:20260323T090000', 'DTEND;TZID=Europe/London:20260323T100000', 'RRULE:FREQ=WEEKLY;COUNT=2')),
    [
      [T('2026-03-23T09:00:00'), T('2026-03-23T10:00:00')],
      [T('2026-03-30T08:00:00'), T('2026-03-30T09:00:00')],
    ],
  ],
  [
    'floating times follow the rule zone (London, BST in July)',
    'Europe/London',
    vcal(vevent('DTSTART:20260715T090000', 'DTEND:20260715T100000')),
    [[T('2026-07-15T08:00:00'), T('2026-07-15T09:00:00')]],
  ],
  [
    'a date written without VALUE=DATE is read as a DATE',
    'Europe/London',
    vcal(vevent('DTSTART:20260706', 'DTEND:20260707')),
    [[T('2026-07-05T23:00:00'), T('2026-07-06T23:00:00')]],
  ],
  [
    'all-day in New York on the 25-hour fall-back day',
    'America/New_York',
    vcal(vevent('DTSTART;VALUE=DATE:20261101', 'DTEND;VALUE=DATE:20261102')),
    [[T('2026-11-01T04:00:00'), T('2026-11-02T05:00:00')]],
  ],
  [
    'a TZID defined only by the file\'s VTIMEZONE (Outlook "GMT Standard Time")',
    'America/New_York',
    vcal(
      [
        'BEGIN:VTIMEZONE',
        'TZID:GMT Standard Time',
        'BEGIN:STANDARD',
        'DTSTART:16010101T020000',
        'TZOFFSETFROM:+0100',
        'TZOFFSETTO:+0000',
        'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
        'END:STANDARD',
        'BEGIN:DAYLIGHT',
        'DTSTART:16010101T010000',
        'TZOFFSETFROM:+0000',
        'TZOFFSETTO:+0100',
        'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
        'END:DAYLIGHT',
        'END:VTIMEZONE',
      ],
      vevent('DTSTART;TZID=GMT Standard Time:20260706T090000', 'DTEND;TZID=GMT Standard Time:20260706T100000', 'RDATE;TZID=GMT Standard Time:20261207T090000'),
    ),
    [
      [T('2026-07-06T08:00:00'), T('2026-07-06T09:00:00')],
      [T('2026-12-07T09:00:00'), T('2026-12-07T10:00:00')],
    ],
  ],
  // --- EXDATE, UNTIL, invalid dates ----------------------------------------------------
  [
    'a UTC EXDATE removes the TZID instance at that instant (Mon 9 Mar 22:00 EDT = 10 Mar 02:00Z)',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=America/New_York:20260302T220000', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE:20260310T020000Z')),
    [
      [T('2026-03-03T03:00:00'), T('2026-03-03T04:00:00')],
      [T('2026-03-17T02:00:00'), T('2026-03-17T03:00:00')],
    ],
  ],
  [
    'EXDATE;VALUE=DATE removes an all-day instance',
    'Europe/London',
    vcal(vevent('DTSTART;VALUE=DATE:20260105', 'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE;VALUE=DATE:20260112')),
    [
      [T('2026-01-05T00:00:00'), T('2026-01-06T00:00:00')],
      [T('2026-01-19T00:00:00'), T('2026-01-20T00:00:00')],
    ],
  ],
  [
    'a UTC UNTIL bounds a TZID rule inclusively',
    'Europe/London',
    vcal(vevent('DTSTART;TZID=America/New_York:20260302T220000', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;UNTIL=20260310T020000Z')),
    [
      [T('2026-03-03T03:00:00'), T('2026-03-03T04:00:00')],
      [T('2026-03-10T02:00:00'), T('2026-03-10T03:00:00')],
    ],
  ],
  [
    'FREQ=YEARLY from 29 February falls in leap years only (invalid dates are skipped, not rolled over)',
    'UTC',
    vcal(vevent('DTSTART;VALUE=DATE:20240229', 'RRULE:FREQ=YEARLY;COUNT=2')),
    [
      [T('2024-02-29T00:00:00'), T('2024-03-01T00:00:00')],
      [T('2028-02-29T00:00:00'), T('2028-03-01T00:00:00')],
    ],
  ],
  [
    'FREQ=MONTHLY from 31 January skips the shorter months',
    'Europe/London',
    vcal(vevent('DTSTART;VALUE=DATE:20260131', 'RRULE:FREQ=MONTHLY;COUNT=3')),
    [
      [T('2026-01-31T00:00:00'), T('2026-02-01T00:00:00')],
      [T('2026-03-30T23:00:00'), T('2026-03-31T23:00:00')],
      [T('2026-05-30T23:00:00'), T('2026-05-31T23:00:00')],
    ],
  ],
];

describe('ics rules follow RFC 5545', () => {
  it.each(CASES)('%s', (_what, zone, text, expected) => {
    expect(windows(text, zone)).toEqual(expected);
  });

  it('does not depend on the host time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['Pacific/Auckland', 'America/Los_Angeles']) {
        process.env.TZ = tz;
        for (const [, zone, text, expected] of CASES) expect(windows(text, zone)).toEqual(expected);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('an empty but complete calendar is readable and freezes nothing', () => {
    const cal = calendar(vcal());
    expect(cal.missingSources('prod')).toEqual([]);
    expect(cal.check('prod', iso('2026-12-24T12:00:00Z')).frozen).toBe(false);
  });
});

const BROKEN = path.join(REPO, 'test', 'fixtures', 'calendars', 'broken');
const good = vevent('DTSTART:20261201T000000Z', 'DTEND:20261202T000000Z', 'SUMMARY:December freeze');

/** [case, calendar text, what the reason says] */
const UNREADABLE: Array<[string, string, RegExp]> = [
  ['truncated right after an event (no END:VCALENDAR)', readFileSync(path.join(BROKEN, 'truncated-after-event.ics'), 'utf8'), /does not end with END:VCALENDAR/],
  ['truncated in the middle of an event', readFileSync(path.join(BROKEN, 'truncated-mid-event.ics'), 'utf8'), /does not end with END:VCALENDAR/],
  ['a garbage DTSTART next to a good event', readFileSync(path.join(BROKEN, 'garbage-dtstart.ics'), 'utf8'), /event "b@shipgate\.test" \(Year-end\): DTSTART: "next tuesday" is not a valid DATE-TIME/],
  ['END:VCALENDAR but a component never ends', ['BEGIN:VCALENDAR', 'VERSION:2.0', ...good.slice(0, -1), 'END:VCALENDAR', ''].join(CRLF), /not a valid iCalendar file/],
  ['DTSTART with month 13', vcal(good, vevent('DTSTART:20261301T090000Z', 'DURATION:PT1H')), /"20261301T090000Z" is not a calendar date/],
  ['DTSTART;VALUE=DATE on 30 February', vcal(good, vevent('DTSTART;VALUE=DATE:20260230')), /"20260230" is not a calendar date/],
  ['DTSTART with a time of 25:00', vcal(good, vevent('DTSTART:20261201T250000Z', 'DURATION:PT1H')), /not a valid time of day/],
  ['an event without DTSTART', vcal(good, vevent('DURATION:PT1H', 'SUMMARY:no start')), /has no DTSTART/],
  ['a garbage DTEND', vcal(good, vevent('DTSTART:20261201T000000Z', 'DTEND:soon')), /DTEND: "soon" is not a valid DATE-TIME/],
  ['a garbage DURATION', vcal(good, vevent('DTSTART:20261201T000000Z', 'DURATION:1 day')), /DURATION/],
  ['a garbage RDATE', vcal(good, vevent('DTSTART:20261201T000000Z', 'DURATION:PT1H', 'RDATE:20261301T000000Z')), /not a calendar date/],
  ['a garbage EXDATE', vcal(good, vevent('DTSTART:20261201T000000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=2', 'EXDATE:tomorrow')), /EXDATE: "tomorrow"/],
  ['an RRULE with an unknown FREQ', vcal(good, vevent('DTSTART:20261201T000000Z', 'DURATION:PT1H', 'RRULE:FREQ=FORTNIGHTLY')), /frequency|FREQ/i],
  ['a TZID that is neither IANA nor in a VTIMEZONE', vcal(good, vevent('DTSTART;TZID=Mars/Olympus:20261201T000000', 'DURATION:PT1H')), /TZID "Mars\/Olympus" is neither an IANA time zone nor defined by a VTIMEZONE/],
  ['DTEND before DTSTART', vcal(good, vevent('DTSTART:20261201T000000Z', 'DTEND:20261130T000000Z')), /DTEND is before DTSTART/],
  ['an HTML error page', '<html><body>Service Unavailable</body></html>', /no BEGIN:VCALENDAR/],
];

describe('an ICS file that cannot be fully parsed is an unreadable source (it blocks, never an empty calendar)', () => {
  it.each(UNREADABLE)('%s', (_what, text, reason) => {
    const cal = calendar(text);
    expect(cal.missingSources('prod')).toEqual(['corporate']);
    expect(cal.sourceProblems().corporate).toMatch(reason);
    // The good event in the same file does not make it "readable": the gate blocks, naming the rule and why.
    const g = freezeGate(cal.check('prod', iso('2026-06-01T12:00:00Z')), { missingSources: cal.missingSources('prod'), unevaluated: cal.unevaluated('prod') });
    expect(g.status).toBe('block');
    expect(g.code).toBe('freeze_source_unavailable');
    expect(g.summary).toContain('*corporate*');
    expect(g.summary).toContain(cal.sourceProblems().corporate);
  });
});
