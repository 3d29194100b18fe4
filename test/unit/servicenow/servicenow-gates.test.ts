import { GateEvaluator } from '../../../src/app/gate-evaluator';
import type { ChangeManagement } from '../../../src/app/ports/change-management';
import { changeRecordCheck, incidentsCheck, registerServiceNowGates } from '../../../src/app/servicenow-gates';
import type { ChangeRecord, Incident } from '../../../src/domain/servicenow/change-record';
import { ShipgateError } from '../../../src/shared/shipgate-error';
import { findService } from '../../../src/domain/resolve-request';
import type { Promotion } from '../../../src/domain/promotion';
import { promotion, snConfig } from './servicenow-fixtures';

const NOW = new Date('2026-03-02T11:00:00Z');
const config = snConfig();

function fakeChanges(o: { changes?: ChangeRecord[]; incidents?: Incident[]; fail?: string } = {}): ChangeManagement & { calls: string[] } {
  const calls: string[] = [];
  const fail = (): Promise<never> => Promise.reject(new ShipgateError('servicenow_error', o.fail!));
  return {
    calls,
    instanceUrl: 'https://acme.service-now.com',
    findChange: async (n) => (calls.push(`findChange ${n}`), o.fail ? fail() : o.changes?.find((c) => c.number === n)),
    findChangeByCorrelation: async (id) => (calls.push(`findChangeByCorrelation ${id}`), o.fail ? fail() : o.changes?.find((c) => c.correlationId === id)),
    activeIncidents: async (ci, p) => (calls.push(`activeIncidents ${ci} ${p.join(',')}`), o.fail ? fail() : (o.incidents ?? [])),
    addWorkNote: async () => undefined,
    hasWorkNote: async () => false,
    createChange: async () => {
      throw new Error('not used');
    },
    moveToReview: async () => undefined,
    blackoutSpans: async () => [],
  };
}

const good: ChangeRecord = {
  number: 'CHG0030001',
  sysId: 'abc',
  state: '-1',
  stateLabel: 'Implement',
  type: 'normal',
  approval: 'approved',
  plannedStart: new Date('2026-03-02T10:00:00Z'),
  plannedEnd: new Date('2026-03-02T12:00:00Z'),
  ciName: 'markets-pipeline',
  ciSysId: 'ci1',
  shortDescription: 'x',
  onHold: false,
  url: 'https://acme.service-now.com/nav_to.do?uri=change_request.do?sys_id=abc',
};

function ctxFor(p: Promotion) {
  return {
    promotion: p,
    service: findService(config, p.service),
    env: config.environments.find((e) => e.name === p.env)!,
    phase: 'request' as const,
    now: NOW,
  };
}

describe('changeRecordCheck', () => {
  it.each<[string, Partial<Promotion>, ChangeRecord[], string | undefined, string | undefined]>([
    ['none: not applicable', { env: 'int' }, [], undefined, undefined],
    ['none with cr=: checked', { env: 'int', cr: 'CHG0030001' }, [good], 'cr_ok', 'findChange CHG0030001'],
    ['optional without cr=', { env: 'uat' }, [], 'cr_not_required', undefined],
    ['optional with cr=', { env: 'uat', cr: 'CHG0030001' }, [{ ...good, approval: 'requested' }], 'cr_not_approved', 'findChange CHG0030001'],
    ['required without cr=', { env: 'prod' }, [], 'cr_missing', undefined],
    ['required with a good cr=', { env: 'prod', cr: 'CHG0030001' }, [good], 'cr_ok', 'findChange CHG0030001'],
    ['required, unknown number', { env: 'prod', cr: 'CHG0039999' }, [good], 'cr_not_found', 'findChange CHG0039999'],
    ['create, not opened yet', { env: 'preprod' }, [], 'cr_to_create', 'findChangeByCorrelation p-20260302-abc123'],
    [
      'create, opened and awaiting approval',
      { env: 'preprod' },
      [{ ...good, approval: 'requested', state: '-3', stateLabel: 'Authorize', correlationId: 'p-20260302-abc123' }],
      'cr_awaiting_approval',
      'findChangeByCorrelation p-20260302-abc123',
    ],
    ['rollback without cr=: not applicable', { env: 'prod', kind: 'rollback' }, [], undefined, undefined],
    ['rollback with cr=', { env: 'prod', kind: 'rollback', cr: 'CHG0030001' }, [good], 'cr_ok', 'findChange CHG0030001'],
  ])('%s', async (_n, patch, changes, code, call) => {
    const fake = fakeChanges({ changes });
    const r = await changeRecordCheck({ changes: fake })(ctxFor(promotion(patch)));
    expect(r?.code).toBe(code);
    expect(fake.calls).toEqual(call ? [call] : []);
  });

  it('fails closed with "could not be checked" when ServiceNow is unreachable', async () => {
    const fake = fakeChanges({ fail: 'ServiceNow could not be reached (https://acme.service-now.com): connection refused' });
    const r = await changeRecordCheck({ changes: fake })(ctxFor(promotion({ cr: 'CHG0030001' })));
    expect(r).toMatchObject({
      status: 'block',
      code: 'cr_unavailable',
      summary: 'Change `CHG0030001` could not be checked: ServiceNow could not be reached (https://acme.service-now.com): connection refused',
    });
  });

  it('accepts an emergency change only with an emergency override', async () => {
    const fake = fakeChanges({ changes: [{ ...good, type: 'emergency' }] });
    const p = promotion({ cr: 'CHG0030001' });
    expect((await changeRecordCheck({ changes: fake })(ctxFor(p)))?.code).toBe('cr_wrong_type');
    expect((await changeRecordCheck({ changes: fake, hasEmergencyOverride: () => true })(ctxFor(p)))?.code).toBe('cr_ok');
  });
});

describe('incidentsCheck', () => {
  const p1: Incident = {
    number: 'INC0010001',
    sysId: 'i1',
    priority: 1,
    state: '2',
    stateLabel: 'In Progress',
    shortDescription: 'Feed down',
    url: 'https://x/inc1',
  };

  it('asks for the configured priorities on the service CI', async () => {
    const fake = fakeChanges({ incidents: [p1] });
    const r = await incidentsCheck({ changes: fake })(ctxFor(promotion()));
    expect(r).toMatchObject({ status: 'block', code: 'incidents_open' });
    expect(fake.calls).toEqual(['activeIncidents markets-pipeline 1,2']);
    expect(await incidentsCheck({ changes: fakeChanges() })(ctxFor(promotion()))).toMatchObject({ status: 'pass', code: 'incidents_none' });
  });

  it('does not apply without blockOnIncidents, nor to rollbacks', async () => {
    expect(await incidentsCheck({ changes: fakeChanges({ incidents: [p1] }) })(ctxFor(promotion({ env: 'uat' })))).toBeUndefined();
    expect(await incidentsCheck({ changes: fakeChanges({ incidents: [p1] }) })(ctxFor(promotion({ kind: 'rollback' })))).toMatchObject({
      status: 'pass',
      code: 'incidents_not_for_rollback',
    });
  });

  it('blocks when the service has no CI or ServiceNow is down', async () => {
    expect(await incidentsCheck({ changes: fakeChanges() })(ctxFor(promotion({ service: 'no-ci', repo: 'acme/other', from: 'int' })))).toMatchObject({
      status: 'block',
      code: 'incidents_no_ci',
    });
    expect(
      await incidentsCheck({ changes: fakeChanges({ fail: 'ServiceNow could not be reached (x): connection refused' }) })(ctxFor(promotion())),
    ).toMatchObject({
      status: 'block',
      code: 'incidents_unavailable',
      summary: 'Open P1/P2 incidents could not be checked: ServiceNow could not be reached (x): connection refused',
    });
  });
});

describe('registerServiceNowGates', () => {
  it('plugs both gates into the GateEvaluator', async () => {
    const evaluator = registerServiceNowGates(new GateEvaluator({ config, clock: { now: () => NOW } }), { changes: fakeChanges({ changes: [good] }) });
    const results = await evaluator.evaluate(promotion({ cr: 'CHG0030001' }), 'execute');
    expect(results.filter((r) => r.gate === 'changeRecord' || r.gate === 'incidents').map((r) => [r.gate, r.code])).toEqual([
      ['changeRecord', 'cr_ok'],
      ['incidents', 'incidents_none'],
    ]);
  });
});
