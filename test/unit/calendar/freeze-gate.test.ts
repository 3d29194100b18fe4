import { loadConfig } from '../../../src/config/load-config';
import { FreezeCalendar, type FreezeCheck } from '../../../src/domain/freeze-calendar';
import { describeFreeze, freezeGate } from '../../../src/domain/gates/freeze-gate';
import { EXAMPLE_CONFIG, EXAMPLE_ICS, iso } from './calendar-helpers';

const { config } = loadConfig(EXAMPLE_CONFIG);
const calendar = new FreezeCalendar(config, {
  icsText: { 'corporate calendar': EXAMPLE_ICS },
  blackoutSpans: { 'servicenow blackouts': [] },
});

function monthEndOnly(): FreezeCheck {
  // Wed 30 Nov 2026 is inside month-end close only (Thu 26 – Mon 30 Nov + the weekend)
  return calendar.check('prod', iso('2026-11-30T12:00:00Z'));
}

describe('freezeGate', () => {
  it('blocks with the rule, the window and the next open instant in the requester zone and UTC', () => {
    const check = monthEndOnly();
    const r = freezeGate(check, { requesterTimeZone: 'America/New_York', calendarTimeZone: 'Europe/London' });
    expect(r.status).toBe('block');
    expect(r.gate).toBe('freeze');
    expect(r.code).toBe('frozen');
    expect(r.summary).toBe(
      'Frozen by *month-end close* (Thu 26 Nov 00:00 – Tue 1 Dec 00:00 Europe/London). ' +
        'Opens Tue 1 Dec 2026 00:00 GMT (Mon 30 Nov 19:00 America/New_York) = 2026-12-01T00:00:00Z',
    );
    expect(r.details).toMatchObject({
      windows: [{ rule: 'month-end close', start: '2026-11-26T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' }],
      nextOpen: '2026-12-01T00:00:00.000Z',
    });
  });

  it('names every rule when several windows apply, and uses BST in summer', () => {
    const check = calendar.check('prod', iso('2026-11-27T10:00:00Z'));
    const r = freezeGate(check, { calendarTimeZone: 'Europe/London' });
    expect(r.summary).toContain(
      '*month-end close* (Thu 26 Nov 00:00 – Tue 1 Dec 00:00 Europe/London) and *corporate calendar* (Fri 27 Nov 00:00 – Sat 28 Nov 00:00 Europe/London)',
    );
    // Early May bank holiday 2027 (the weekend window ended at 07:00Z)
    const summer = freezeGate(calendar.check('prod', iso('2027-05-03T12:00:00Z')), { calendarTimeZone: 'Europe/London' });
    expect(summer.summary).toBe(
      'Frozen by *bank holidays* (Mon 3 May 00:00 – Tue 4 May 00:00 Europe/London). Opens Tue 4 May 2027 00:00 BST = 2027-05-03T23:00:00Z',
    );
  });

  it('passes when not frozen', () => {
    const r = freezeGate(calendar.check('prod', iso('2026-11-25T12:00:00Z')), {});
    expect(r).toMatchObject({ gate: 'freeze', status: 'pass', code: 'not_frozen' });
    expect(r.details).toMatchObject({ windows: [], nextOpen: '2026-11-25T12:00:00.000Z' });
  });

  it('fails closed when a calendar could not be read', () => {
    const r = freezeGate(calendar.check('prod', iso('2026-11-25T12:00:00Z')), { missingSources: ['servicenow blackouts'] });
    expect(r).toMatchObject({ status: 'block', code: 'freeze_source_unavailable' });
    expect(r.summary).toContain('*servicenow blackouts*');
    expect(r.details).toMatchObject({ missingSources: ['servicenow blackouts'] });
  });

  it('fails closed (and still explains the freeze) when frozen and a calendar is missing', () => {
    const r = freezeGate(monthEndOnly(), { missingSources: ['corporate calendar'], calendarTimeZone: 'Europe/London' });
    expect(r.code).toBe('freeze_source_unavailable');
    expect(r.summary).toContain('Frozen by *month-end close*');
  });
});

describe('describeFreeze', () => {
  it('frozen now: by what, until when, and the other windows of the next 30 days', () => {
    const at = iso('2026-11-30T12:00:00Z');
    const text = describeFreeze(calendar.check('prod', at), calendar.upcoming('prod', at, 30), 'Europe/London');
    const lines = text.split('\n');
    expect(lines[0]).toBe(':no_entry: *prod* is frozen now.');
    expect(lines[1]).toBe('• *month-end close* (Thu 26 Nov 00:00 – Tue 1 Dec 00:00 Europe/London) — last 3 business days of November 2026');
    expect(lines[2]).toBe('Opens Tue 1 Dec 2026 00:00 GMT = 2026-12-01T00:00:00Z');
    expect(lines[3]).toBe('Other freeze windows in the next 30 days:');
    expect(text).toContain('• *regulatory filing* (Tue 15 Dec 00:00 – Wed 16 Dec 00:00 Europe/London)');
    expect(text).toContain('• *year-end close* (Sun 20 Dec 2026 00:00 – Wed 6 Jan 2027 00:00 Europe/London)');
    expect(text.split('last 3 business days of November 2026')).toHaveLength(2); // the current window is not repeated
    expect(text).toContain('• *month-end close* (Tue 29 Dec 2026 00:00 – Fri 1 Jan 2027 00:00 Europe/London)');
  });

  it('not frozen, no windows', () => {
    const quiet = new FreezeCalendar({ timezone: 'Europe/London', freezes: [] });
    const at = iso('2026-06-10T09:00:00Z');
    expect(describeFreeze(quiet.check('prod', at), quiet.upcoming('prod', at, 30), 'Europe/London')).toBe(
      ':white_check_mark: *prod* is not frozen now (Wed 10 Jun 2026 10:00 BST).\nNo freeze windows in the next 30 days.',
    );
  });
});
