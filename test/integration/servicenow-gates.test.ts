/**
 * The ServiceNow gates over real HTTP: GateEvaluator → servicenow-gates → the
 * ServiceNow adapter and client → the ServiceNow emulator. Exact messages for each
 * change-record defect, the re-check before execution, incidents, an outage (fail
 * closed, then recovery) and blackout schedules feeding the freeze calendar.
 */
import { GateEvaluator } from '../../src/app/gate-evaluator';
import { registerServiceNowGates } from '../../src/app/servicenow-gates';
import { ServiceNowClient } from '../../src/adapters/servicenow/servicenow-client';
import { ServiceNowChangeManagement } from '../../src/adapters/servicenow/servicenow-change-management';
import { loadCalendarSources } from '../../src/adapters/calendar/load-calendar-sources';
import { FreezeCalendar } from '../../src/domain/freeze-calendar';
import { parseConfig } from '../../src/config/load-config';
import type { GateResult } from '../../src/domain/gates/gate-result';
import type { Promotion } from '../../src/domain/promotion';
import { ServiceNowEmulator } from '../../src/emulators/servicenow-emulator';
import { promotion, snConfig } from '../unit/servicenow/servicenow-fixtures';

const NOW = Date.UTC(2026, 2, 2, 11, 0, 0); // 2026-03-02 11:00:00 UTC

describe('ServiceNow gates over HTTP', () => {
  let emu: ServiceNowEmulator;
  let clock: { now: number };
  let evaluator: GateEvaluator;
  let sn: ServiceNowChangeManagement;

  beforeEach(async () => {
    clock = { now: NOW };
    emu = new ServiceNowEmulator({ username: 'shipgate', password: 'pw', now: () => clock.now });
    await emu.start();
    emu.addCi({ name: 'markets-pipeline' });
    emu.addCi({ name: 'payments' });
    const client = new ServiceNowClient({
      instanceUrl: emu.url,
      auth: { kind: 'basic', username: 'shipgate', password: 'pw' },
      maxRetries: 2,
      sleep: async () => undefined,
    });
    sn = new ServiceNowChangeManagement({ client, now: () => clock.now });
    evaluator = registerServiceNowGates(new GateEvaluator({ config: snConfig(), clock: { now: () => new Date(clock.now) } }), { changes: sn });
  });
  afterEach(() => emu.stop());

  const sn_gates = async (p: Promotion, phase: 'request' | 'execute' = 'request'): Promise<Record<string, GateResult>> => {
    const results = await evaluator.evaluate(p, phase);
    return Object.fromEntries(results.filter((r) => r.gate === 'changeRecord' || r.gate === 'incidents').map((r) => [r.gate, r]));
  };
  const good = {
    state: '-2',
    approval: 'approved',
    start_date: '2026-03-02 10:00:00',
    end_date: '2026-03-02 12:00:00',
    cmdb_ci: 'markets-pipeline',
    short_description: 'Promote markets-pipeline',
  };
  const link = (n: string): string => `<${emu.url}/nav_to.do?uri=change_request.do?sys_id=${emu.change(n)!.sys_id}|${n}>`;

  it('passes with a good change and no incidents', async () => {
    emu.addChange({ number: 'CHG0030001', ...good });
    const g = await sn_gates(promotion({ cr: 'CHG0030001' }));
    expect(g.changeRecord).toMatchObject({
      status: 'pass',
      code: 'cr_ok',
      summary: `Change ${link('CHG0030001')} is approved and Scheduled, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`,
    });
    expect(g.incidents).toMatchObject({ status: 'pass', code: 'incidents_none', summary: 'No open P1/P2 incident on `markets-pipeline`' });
  });

  it.each<[string, Record<string, string>, string, (l: string) => string]>([
    ['not approved', { approval: 'requested' }, 'cr_not_approved', (l) => `Change ${l} is not approved: \`approval\` is \`requested\`, needed \`approved\``],
    [
      'wrong state',
      { state: '-4' },
      'cr_wrong_state',
      (l) => `Change ${l} is in the wrong state: \`state\` is \`Assess\` (-4), needed \`Scheduled\` (-2) or \`Implement\` (-1)`,
    ],
    [
      'window in the future',
      { start_date: '2026-03-02 11:00:01', end_date: '2026-03-02 13:00:00' },
      'cr_window_future',
      (l) => `Change ${l} window has not started: \`start_date\` is \`2026-03-02 11:00:01\` UTC, needed a start at or before now (\`2026-03-02 11:00:00\` UTC)`,
    ],
    [
      'window ended',
      { start_date: '2026-03-02 08:00:00', end_date: '2026-03-02 11:00:00' },
      'cr_window_ended',
      (l) => `Change ${l} window has ended: \`end_date\` is \`2026-03-02 11:00:00\` UTC, needed an end after now (\`2026-03-02 11:00:00\` UTC)`,
    ],
    [
      'wrong CI',
      { cmdb_ci: 'payments' },
      'cr_wrong_ci',
      (l) => `Change ${l} is for another configuration item: \`cmdb_ci\` is \`payments\`, needed \`markets-pipeline\``,
    ],
  ])('blocks a change that is %s, with the exact message', async (_n, patch, code, summary) => {
    emu.addChange({ number: 'CHG0030001', ...good, ...patch });
    const g = await sn_gates(promotion({ cr: 'CHG0030001' }));
    expect(g.changeRecord).toMatchObject({ status: 'block', code, summary: summary(link('CHG0030001')) });
  });

  it('blocks an unknown change number', async () => {
    const g = await sn_gates(promotion({ cr: 'CHG0039999' }));
    expect(g.changeRecord).toMatchObject({
      status: 'block',
      code: 'cr_not_found',
      summary: 'Change `CHG0039999` was not found in ServiceNow (no change_request with number CHG0039999); check the number',
    });
  });

  it('re-checks before execution: a window that closed since approval blocks', async () => {
    emu.addChange({ number: 'CHG0030001', ...good });
    const p = promotion({ cr: 'CHG0030001' });
    expect((await sn_gates(p, 'request')).changeRecord!.code).toBe('cr_ok');
    clock.now = Date.UTC(2026, 2, 2, 12, 0, 0);
    expect((await sn_gates(p, 'execute')).changeRecord).toMatchObject({ status: 'block', code: 'cr_window_ended' });
  });

  it('a P1 on the service blocks, listing it; once resolved the promotion is allowed', async () => {
    emu.addChange({ number: 'CHG0030001', ...good });
    const inc = emu.addIncident({ number: 'INC0010001', priority: 1, state: 2, cmdb_ci: 'markets-pipeline', short_description: 'Trading feed down' });
    emu.addIncident({ number: 'INC0010002', priority: 3, state: 2, cmdb_ci: 'markets-pipeline' });
    emu.addIncident({ number: 'INC0010003', priority: 1, state: 2, cmdb_ci: 'payments' });
    const p = promotion({ cr: 'CHG0030001' });
    expect((await sn_gates(p)).incidents).toMatchObject({
      status: 'block',
      code: 'incidents_open',
      summary: `Blocked by an open P1/P2 incident on \`markets-pipeline\`: <${emu.url}/nav_to.do?uri=incident.do?sys_id=${inc.sys_id}|INC0010001> P1 (In Progress): Trading feed down`,
    });
    emu.setIncident('INC0010001', { state: 6 });
    expect((await sn_gates(p)).incidents).toMatchObject({ status: 'pass', code: 'incidents_none' });
  });

  it('ServiceNow down: both gates say "could not be checked" and block; they recover when it is back', async () => {
    emu.addChange({ number: 'CHG0030001', ...good });
    const p = promotion({ cr: 'CHG0030001' });
    emu.setDown(true);
    const down = await sn_gates(p);
    expect(down.changeRecord).toMatchObject({ status: 'block', code: 'cr_unavailable' });
    expect(down.changeRecord!.summary).toMatch(
      new RegExp(`^Change \`CHG0030001\` could not be checked: ServiceNow could not be reached \\(${emu.url.replace(/\./g, '\\.')}\\)`),
    );
    expect(down.incidents).toMatchObject({ status: 'block', code: 'incidents_unavailable' });
    expect(down.incidents!.summary).toMatch(/^Open P1\/P2 incidents could not be checked: ServiceNow could not be reached/);
    emu.setDown(false);
    const up = await sn_gates(p);
    expect([up.changeRecord!.code, up.incidents!.code]).toEqual(['cr_ok', 'incidents_none']);
  });

  it('a missing ACL is named in the block', async () => {
    emu.addChange({ number: 'CHG0030001', ...good });
    emu.denyAcl('incident', ['read']);
    const g = await sn_gates(promotion({ cr: 'CHG0030001' }));
    expect(g.incidents!.summary).toBe(
      'Open P1/P2 incidents could not be checked: ServiceNow refused to let shipgate read table incident (HTTP 403 User Not Authorized: Failed API level ACL Validation): give the ServiceNow integration user a role whose ACL allows read on incident',
    );
  });

  it('blackout schedules feed the freeze calendar (servicenowBlackout rule)', async () => {
    emu.addBlackoutSchedule('Change Blackout', [{ start: '2026-03-05T18:00:00Z', end: '2026-03-06T06:00:00Z', name: 'Quarter close' }]);
    const config = parseConfig(`
timezone: Europe/London
environments: [{ name: int }, { name: prod }]
services: [{ name: s, repo: a/b, pipeline: [int, prod], strategy: { type: workflow, workflow: d.yml } }]
freezes:
  - name: servicenow blackouts
    environments: [prod]
    servicenowBlackout: "Change Blackout"
`);
    const loaded = await loadCalendarSources(config, '.', { blackoutSource: (name) => sn.blackoutSpans(name) });
    expect(loaded.errors).toEqual([]);
    const calendar = new FreezeCalendar(config, loaded.sources);
    const during = calendar.check('prod', new Date('2026-03-05T20:00:00Z'));
    expect(during).toMatchObject({ frozen: true, nextOpen: new Date('2026-03-06T06:00:00Z') });
    expect(during.windows[0]).toMatchObject({ rule: 'servicenow blackouts', label: 'Quarter close' });
    expect(calendar.check('prod', new Date('2026-03-06T06:00:00Z')).frozen).toBe(false);

    emu.setDown(true);
    const fresh = new ServiceNowChangeManagement({
      client: new ServiceNowClient({ instanceUrl: emu.url, auth: { kind: 'basic', username: 'shipgate', password: 'pw' }, maxRetries: 0 }),
    });
    const failed = await loadCalendarSources(config, '.', { blackoutSource: (name) => fresh.blackoutSpans(name) });
    expect(failed.errors[0]?.message).toMatch(/^cannot read ServiceNow blackout schedule "Change Blackout": ServiceNow could not be reached/);
  });
});
