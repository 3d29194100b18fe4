import { ServiceNowClient } from '../../../src/adapters/servicenow/servicenow-client';
import { ServiceNowChangeManagement } from '../../../src/adapters/servicenow/servicenow-change-management';
import { changeRecordCheck, incidentsCheck } from '../../../src/app/servicenow-gates';
import { findService } from '../../../src/domain/resolve-request';
import type { Promotion } from '../../../src/domain/promotion';
import { ShipgateError } from '../../../src/shared/shipgate-error';
import { promotion, snConfig } from './servicenow-fixtures';

const INSTANCE = 'https://acme.service-now.com';
const NOW = new Date('2026-03-02T11:00:00Z');
const config = snConfig();

const field = (value: string, display = value) => ({ display_value: display, value });

/** A change_request as the Table API sends it with sysparm_display_value=all, approved and in its window. */
const CHANGE = {
  sys_id: field('a1b2c3d4e5f60718293a4b5c6d7e8f90'),
  number: field('CHG0030001'),
  state: field('-1', 'Implement'),
  type: field('normal', 'Normal'),
  approval: field('approved', 'Approved'),
  start_date: field('2026-03-02 10:00:00'),
  end_date: field('2026-03-02 12:00:00'),
  cmdb_ci: field('ci1', 'markets-pipeline'),
  on_hold: field('false'),
  short_description: field('Promote'),
  correlation_id: field(''),
};

/** ServiceNow answering every table read with `records` (what a misbehaving instance or proxy might send). */
function changesAnswering(records: Record<string, unknown[]>): ServiceNowChangeManagement {
  const client = new ServiceNowClient({
    instanceUrl: INSTANCE,
    auth: { kind: 'bearer', token: 't' },
    maxRetries: 0,
    sleep: async () => undefined,
    fetch: async (input) => {
      const table = /\/api\/now\/table\/([^/?]+)/.exec(String(input))?.[1] ?? '';
      return new Response(JSON.stringify({ result: records[table] ?? [] }), { status: 200, headers: { 'content-type': 'application/json' } });
    },
  });
  return new ServiceNowChangeManagement({ client, now: () => NOW.getTime() });
}

function ctxFor(p: Promotion) {
  return { promotion: p, service: findService(config, p.service), env: config.environments.find((e) => e.name === p.env)!, phase: 'request' as const, now: NOW };
}

describe('ServiceNow answers that do not match the schema', () => {
  it('the well-formed answer passes the change-record gate (the control case)', async () => {
    const sn = changesAnswering({ change_request: [CHANGE] });
    const g = await changeRecordCheck({ changes: sn })(ctxFor(promotion({ cr: 'CHG0030001' })));
    expect(g).toMatchObject({ gate: 'changeRecord', status: 'pass', code: 'cr_ok' });
  });

  it('a change_request without "state" is a servicenow_error naming the field, and the change-record gate blocks', async () => {
    const withoutState: Record<string, unknown> = { ...CHANGE };
    delete withoutState.state;
    const sn = changesAnswering({ change_request: [withoutState] });
    const err = await sn.findChange('CHG0030001').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShipgateError);
    expect(err).toMatchObject({ code: 'servicenow_error', message: `ServiceNow answered a change_request without "state" (CHG0030001, ${INSTANCE})` });

    const g = await changeRecordCheck({ changes: sn })(ctxFor(promotion({ cr: 'CHG0030001' })));
    expect(g).toMatchObject({ gate: 'changeRecord', status: 'block', code: 'cr_unavailable' });
    expect(g?.summary).toContain('ServiceNow answered a change_request without "state"');
  });

  it('a change_request whose "on_hold" is missing blocks instead of reading as not on hold', async () => {
    const withoutOnHold: Record<string, unknown> = { ...CHANGE };
    delete withoutOnHold.on_hold;
    const g = await changeRecordCheck({ changes: changesAnswering({ change_request: [withoutOnHold] }) })(ctxFor(promotion({ cr: 'CHG0030001' })));
    expect(g).toMatchObject({ status: 'block', code: 'cr_unavailable' });
    expect(g?.summary).toContain('without "on_hold"');
  });

  it('an unreadable field or an empty sys_id is named too', async () => {
    await expect(changesAnswering({ change_request: [{ ...CHANGE, approval: { display_value: 'Approved' } }] }).findChange('CHG0030001')).rejects.toMatchObject({
      code: 'servicenow_error',
      message: `ServiceNow answered a change_request with an unreadable "approval" (an object without "value") (CHG0030001, ${INSTANCE})`,
    });
    await expect(changesAnswering({ change_request: [{ ...CHANGE, sys_id: field('') }] }).findChange('CHG0030001')).rejects.toMatchObject({
      message: `ServiceNow answered a change_request with an empty "sys_id" (CHG0030001, ${INSTANCE})`,
    });
  });

  it('a list whose entries are not records is refused rather than filtered', async () => {
    await expect(changesAnswering({ change_request: ['CHG0030001'] }).findChange('CHG0030001')).rejects.toMatchObject({
      code: 'servicenow_error',
      message: `ServiceNow answered a change_request request without a list of records in "result" (${INSTANCE})`,
    });
  });

  it('an incident without "priority" blocks the incidents gate, naming the field', async () => {
    const incident = { sys_id: field('b'.repeat(32)), number: field('INC0010001'), state: field('2', 'In Progress'), short_description: field('Feed down') };
    const sn = changesAnswering({ cmdb_ci: [{ sys_id: 'c'.repeat(32), name: 'markets-pipeline' }], incident: [incident] });
    const g = await incidentsCheck({ changes: sn })(ctxFor(promotion()));
    expect(g).toMatchObject({ gate: 'incidents', status: 'block', code: 'incidents_unavailable' });
    expect(g?.summary).toContain(`ServiceNow answered an incident without "priority" (INC0010001, ${INSTANCE})`);
  });
});
