import { ServiceNowClient } from '../../../src/adapters/servicenow/servicenow-client';
import { ServiceNowChangeManagement } from '../../../src/adapters/servicenow/servicenow-change-management';
import { changeManagementFromEnv } from '../../../src/adapters/servicenow/change-management-from-env';
import { parseScheduleDateTime, parseSnDateTime } from '../../../src/adapters/servicenow/servicenow-fields';
import { ServiceNowEmulator } from '../../../src/emulators/servicenow-emulator';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

describe('ServiceNowChangeManagement against the emulator', () => {
  let emu: ServiceNowEmulator;
  let sn: ServiceNowChangeManagement;
  let clock: { now: number };

  beforeEach(async () => {
    clock = { now: T0 };
    emu = new ServiceNowEmulator({ username: 'u', password: 'p', now: () => clock.now });
    await emu.start();
    const client = new ServiceNowClient({
      instanceUrl: emu.url,
      auth: { kind: 'basic', username: 'u', password: 'p' },
      maxRetries: 1,
      sleep: async () => undefined,
    });
    sn = new ServiceNowChangeManagement({ client, now: () => clock.now });
  });
  afterEach(() => emu.stop());

  it('finds a change by number and parses the documented shapes', async () => {
    const row = emu.addChange({
      number: 'CHG0030001',
      state: '-2',
      approval: 'approved',
      start_date: '2026-03-02 10:00:00',
      end_date: '2026-03-02 12:00:00',
      cmdb_ci: 'markets-pipeline',
      short_description: 'Promote',
    });
    const ci = emu.records('cmdb_ci')[0]!;
    expect(await sn.findChange('CHG0030001')).toEqual({
      number: 'CHG0030001',
      sysId: row.sys_id,
      state: '-2',
      stateLabel: 'Scheduled',
      type: 'normal',
      approval: 'approved',
      plannedStart: new Date('2026-03-02T10:00:00Z'),
      plannedEnd: new Date('2026-03-02T12:00:00Z'),
      ciSysId: ci.sys_id,
      ciName: 'markets-pipeline',
      shortDescription: 'Promote',
      onHold: false,
      url: `${emu.url}/nav_to.do?uri=change_request.do?sys_id=${row.sys_id}`,
    });
    expect(await sn.findChange('CHG0039999')).toBeUndefined();
    await expect(sn.findChange('CHG1^ORnumber!=x')).rejects.toThrow('cannot be used in a ServiceNow query');
  });

  it('finds the newest change by correlation id', async () => {
    emu.addChange({ number: 'CHG0030001', correlation_id: 'p-other' });
    clock.now += 1000;
    emu.addChange({ number: 'CHG0030002', correlation_id: 'p-1' });
    clock.now += 1000;
    emu.addChange({ number: 'CHG0030003', correlation_id: 'p-1' });
    expect((await sn.findChangeByCorrelation('p-1'))?.number).toBe('CHG0030003');
    expect(await sn.findChangeByCorrelation('p-none')).toBeUndefined();
  });

  it('lists open incidents of the given priorities on a CI (by name or sys_id, cmdb_ci or business_service)', async () => {
    const ci = emu.addCi({ name: 'markets-pipeline' });
    emu.addCi({ name: 'payments' });
    emu.addIncident({ number: 'INC0010001', priority: 1, state: 2, cmdb_ci: 'markets-pipeline', short_description: 'Feed down' });
    emu.addIncident({ number: 'INC0010002', priority: 2, state: 6, cmdb_ci: 'markets-pipeline' }); // resolved
    emu.addIncident({ number: 'INC0010003', priority: 3, cmdb_ci: 'markets-pipeline' }); // other priority
    emu.addIncident({ number: 'INC0010004', priority: 1, cmdb_ci: 'payments' }); // other CI
    emu.addIncident({ number: 'INC0010005', priority: 2, business_service: ci.sys_id }); // against the service
    emu.addIncident({ number: 'INC0010006', priority: 1, state: 2, active: 'false', cmdb_ci: 'markets-pipeline' }); // inactive
    const found = await sn.activeIncidents('markets-pipeline', [1, 2]);
    expect(found.map((i) => [i.number, i.priority, i.stateLabel])).toEqual([
      ['INC0010001', 1, 'In Progress'],
      ['INC0010005', 2, 'New'],
    ]);
    expect(found[0]).toMatchObject({
      shortDescription: 'Feed down',
      ciName: 'markets-pipeline',
      url: expect.stringContaining('/nav_to.do?uri=incident.do?sys_id='),
    });
    expect((await sn.activeIncidents(ci.sys_id!, [1])).map((i) => i.number)).toEqual(['INC0010001']);
    await expect(sn.activeIncidents('nope', [1])).rejects.toThrow(
      'ServiceNow has no configuration item named "nope" (cmdb_ci); check services[].servicenow.ci in shipgate.yml',
    );
  });

  it('adds work notes', async () => {
    const row = emu.addChange({ number: 'CHG0030001' });
    await sn.addWorkNote(row.sys_id!, 'hello\nworld');
    expect(emu.workNotes('CHG0030001')).toEqual(['hello\nworld']);
  });

  it('creates a Normal change through the Change Management API', async () => {
    emu.addCi({ name: 'markets-pipeline' });
    const group = emu.addGroup('Markets Platform');
    const created = await sn.createChange({
      type: 'normal',
      shortDescription: 'Promote markets-pipeline abc1234 to prod',
      description: 'desc',
      implementationPlan: 'impl',
      backoutPlan: 'backout',
      testPlan: 'test',
      assignmentGroup: 'Markets Platform',
      ci: 'markets-pipeline',
      risk: 'moderate',
      plannedStart: new Date(T0),
      plannedEnd: new Date(T0 + 4 * 3600_000),
      correlationId: 'p-1',
      correlationDisplay: 'shipgate',
    });
    expect(created).toMatchObject({
      number: 'CHG0030001',
      state: '-5',
      stateLabel: 'New',
      type: 'normal',
      approval: 'not requested',
      correlationId: 'p-1',
      ciName: 'markets-pipeline',
    });
    expect(created.plannedStart).toEqual(new Date(T0));
    const row = emu.change('CHG0030001')!;
    expect(row).toMatchObject({
      assignment_group: group.sys_id,
      risk: '3',
      backout_plan: 'backout',
      implementation_plan: 'impl',
      test_plan: 'test',
      end_date: '2026-03-02 13:00:00',
    });
    expect(emu.calls.some((c) => c.path === '/api/sn_chg_rest/v1/change/normal')).toBe(true);
  });

  it('falls back to the Table API when the Change Management API is not active', async () => {
    emu.failNext({
      status: 404,
      path: '/api/sn_chg_rest/v1/change/normal',
      body: { error: { message: 'Requested URI does not represent any resource', detail: null }, status: 'failure' },
    });
    const created = await sn.createChange({
      type: 'normal',
      shortDescription: 'x',
      plannedStart: new Date(T0),
      plannedEnd: new Date(T0 + 3600_000),
      correlationId: 'p-2',
    });
    expect(created).toMatchObject({ number: 'CHG0030001', type: 'normal', correlationId: 'p-2' });
    expect(emu.calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/api/sn_chg_rest/v1/change/normal', '/api/now/table/change_request']);
    emu.failNext({
      status: 400,
      path: '/api/sn_chg_rest/v1/change/normal',
      body: { error: { message: 'Requested URI does not represent any resource', detail: null }, status: 'failure' },
    });
    const again = await sn.createChange({
      type: 'normal',
      shortDescription: 'y',
      plannedStart: new Date(T0),
      plannedEnd: new Date(T0 + 3600_000),
      correlationId: 'p-3',
    });
    expect(again).toMatchObject({ number: 'CHG0030002', correlationId: 'p-3' });
  });

  it('names a missing assignment group', async () => {
    await expect(
      sn.createChange({
        type: 'normal',
        shortDescription: 'x',
        assignmentGroup: 'Nobody',
        plannedStart: new Date(T0),
        plannedEnd: new Date(T0 + 1),
        correlationId: 'p',
      }),
    ).rejects.toThrow('ServiceNow has no assignment group named "Nobody" (sys_user_group)');
  });

  it('moves a change to Review through Implement', async () => {
    const row = emu.addChange({ number: 'CHG0030001', state: '-2' });
    await sn.moveToReview(row.sys_id!, 'successful', 'done');
    expect(emu.change('CHG0030001')).toMatchObject({ state: '0', close_code: 'successful', close_notes: 'done' });
    const states = emu.events.filter((e) => e.type === 'record_updated').map((e) => (e.data as { row: { state: string } }).row.state);
    expect(states).toEqual(['-1', '0']);
    await sn.moveToReview(row.sys_id!, 'successful', 'again'); // already in Review: nothing to do
    expect(emu.change('CHG0030001')!.close_notes).toBe('done');
    const fresh = emu.addChange({ number: 'CHG0030002', state: '-5' });
    await expect(sn.moveToReview(fresh.sys_id!, 'successful', 'x')).rejects.toThrow(
      'CHG0030002 is New; only a Scheduled or Implement change can be moved to Review',
    );
  });

  describe('blackout schedules', () => {
    it('reads spans as UTC instants, in the schedule zone', async () => {
      emu.addBlackoutSchedule('Change Blackout', [
        { start: '2026-12-20T00:00:00Z', end: '2027-01-05T00:00:00Z', name: 'Year end' },
        { start: '2026-06-01T08:00:00Z', end: '2026-06-01T12:00:00Z' },
      ]);
      emu.addBlackoutSchedule('London', [{ start: '2026-07-01T09:00:00Z', end: '2026-07-01T10:00:00Z', name: 'Summer' }], { timeZone: 'Europe/London' });
      expect(await sn.blackoutSpans('Change Blackout')).toEqual([
        { start: new Date('2026-06-01T08:00:00Z'), end: new Date('2026-06-01T12:00:00Z'), label: 'Change Blackout' },
        { start: new Date('2026-12-20T00:00:00Z'), end: new Date('2027-01-05T00:00:00Z'), label: 'Year end' },
      ]);
      expect(await sn.blackoutSpans('London')).toEqual([{ start: new Date('2026-07-01T09:00:00Z'), end: new Date('2026-07-01T10:00:00Z'), label: 'Summer' }]);
    });

    it('refuses repeating spans, other schedule types and unknown names (fail closed)', async () => {
      emu.addBlackoutSchedule('Weekly', [{ start: '2026-06-01T08:00:00Z', end: '2026-06-01T12:00:00Z', name: 'Fridays', repeatType: 'weekly' }]);
      emu.addSchedule('Maint', 'maintenance');
      await expect(sn.blackoutSpans('Weekly')).rejects.toThrow('span "Fridays" repeats (weekly); shipgate reads only non-repeating spans');
      await expect(sn.blackoutSpans('Maint')).rejects.toThrow('ServiceNow schedule "Maint" is not a blackout schedule (type maintenance, needed blackout)');
      await expect(sn.blackoutSpans('Nope')).rejects.toThrow('ServiceNow has no schedule named "Nope" (cmn_schedule)');
    });

    it('caches spans and serves a recent copy while ServiceNow is down', async () => {
      emu.addBlackoutSchedule('B', [{ start: '2026-06-01T08:00:00Z', end: '2026-06-01T12:00:00Z' }]);
      const first = await sn.blackoutSpans('B');
      const calls = emu.calls.length;
      expect(await sn.blackoutSpans('B')).toBe(first);
      expect(emu.calls.length).toBe(calls);
      emu.setDown(true);
      clock.now += 10 * 60_000; // past the TTL, within the stale limit
      expect(await sn.blackoutSpans('B')).toEqual(first);
      clock.now += 60 * 60_000; // too old
      await expect(sn.blackoutSpans('B')).rejects.toThrow('ServiceNow could not be reached');
    });
  });
});

describe('ServiceNow field parsing', () => {
  it('parses Table API and schedule date-times', () => {
    expect(parseSnDateTime('2026-03-02 10:00:00')).toEqual(new Date('2026-03-02T10:00:00Z'));
    expect(parseSnDateTime('')).toBeUndefined();
    expect(parseSnDateTime('2026-02-30 10:00:00')).toBeUndefined();
    expect(parseScheduleDateTime('20261220T000000', 'UTC')).toEqual(new Date('2026-12-20T00:00:00Z'));
    expect(parseScheduleDateTime('20260701T100000', 'Europe/London')).toEqual(new Date('2026-07-01T09:00:00Z'));
    expect(parseScheduleDateTime('20260701T100000Z', 'Europe/London')).toEqual(new Date('2026-07-01T10:00:00Z'));
    expect(parseScheduleDateTime('20260701', 'UTC')).toEqual(new Date('2026-07-01T00:00:00Z'));
    expect(parseScheduleDateTime('junk', 'UTC')).toBeUndefined();
  });
});

describe('changeManagementFromEnv', () => {
  it('fails every call with the variables to set when ServiceNow is not configured', async () => {
    const cm = changeManagementFromEnv({});
    await expect(cm.findChange('CHG0030001')).rejects.toThrow(
      'ServiceNow is not configured: set SERVICENOW_INSTANCE_URL and SERVICENOW_USERNAME + SERVICENOW_PASSWORD (or SERVICENOW_TOKEN)',
    );
    expect(changeManagementFromEnv({ SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com', SERVICENOW_TOKEN: 't' }).instanceUrl).toBe(
      'https://acme.service-now.com',
    );
  });
});
