import { changeRecordGate, changeRecordUnavailable, type ChangeGateContext } from '../../../src/domain/servicenow/change-record-gate';
import type { ChangeRecord } from '../../../src/domain/servicenow/change-record';

const URL = 'https://acme.service-now.com/nav_to.do?uri=change_request.do?sys_id=abc';
const START = new Date('2026-03-02T10:00:00Z');
const END = new Date('2026-03-02T12:00:00Z');
const INSIDE = new Date('2026-03-02T11:00:00Z');
const LINK = `<${URL}|CHG0030001>`;

function change(patch: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    number: 'CHG0030001',
    sysId: 'abc',
    state: '-1',
    stateLabel: 'Implement',
    type: 'normal',
    approval: 'approved',
    plannedStart: START,
    plannedEnd: END,
    ciSysId: 'ci-sys-id',
    ciName: 'markets-pipeline',
    shortDescription: 'Promote',
    onHold: false,
    url: URL,
    ...patch,
  };
}

function ctx(patch: Partial<ChangeGateContext> = {}): ChangeGateContext {
  return { requirement: 'required', crGiven: 'CHG0030001', now: INSIDE, serviceCi: 'markets-pipeline', env: 'prod', promotionId: 'p-1', ...patch };
}

const sec = (d: Date, s: number): Date => new Date(d.getTime() + s * 1000);

describe('changeRecordGate', () => {
  it.each<[string, ChangeRecord | undefined, Partial<ChangeGateContext>, string, string, string]>([
    [
      'required, no cr=',
      undefined,
      { crGiven: undefined },
      'block',
      'cr_missing',
      'A ServiceNow change record is required for *prod*: add `cr=CHG…` (an approved change, state Scheduled or Implement)',
    ],
    ['optional, no cr=', undefined, { requirement: 'optional', crGiven: undefined }, 'pass', 'cr_not_required', 'No change record given (optional for *prod*)'],
    ['none, no cr=', undefined, { requirement: 'none', crGiven: undefined }, 'pass', 'cr_not_required', 'No change record needed for *prod*'],
    [
      'create, not yet opened',
      undefined,
      { requirement: 'create', crGiven: undefined },
      'pending',
      'cr_to_create',
      'A Normal change will be opened in ServiceNow for this promotion and must be approved before it runs',
    ],
    [
      'unknown number',
      undefined,
      {},
      'block',
      'cr_not_found',
      'Change `CHG0030001` was not found in ServiceNow (no change_request with number CHG0030001); check the number',
    ],
    ['good (Implement)', change(), {}, 'pass', 'cr_ok', `Change ${LINK} is approved and Implement, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`],
    [
      'good (Scheduled)',
      change({ state: '-2', stateLabel: 'Scheduled' }),
      {},
      'pass',
      'cr_ok',
      `Change ${LINK} is approved and Scheduled, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`,
    ],
    [
      'not approved',
      change({ approval: 'requested' }),
      {},
      'block',
      'cr_not_approved',
      `Change ${LINK} is not approved: \`approval\` is \`requested\`, needed \`approved\``,
    ],
    [
      'rejected',
      change({ approval: 'rejected' }),
      {},
      'block',
      'cr_not_approved',
      `Change ${LINK} is not approved: \`approval\` is \`rejected\`, needed \`approved\``,
    ],
    [
      'wrong state',
      change({ state: '-4', stateLabel: 'Assess' }),
      {},
      'block',
      'cr_wrong_state',
      `Change ${LINK} is in the wrong state: \`state\` is \`Assess\` (-4), needed \`Scheduled\` (-2) or \`Implement\` (-1)`,
    ],
    [
      'closed',
      change({ state: '3', stateLabel: 'Closed' }),
      {},
      'block',
      'cr_wrong_state',
      `Change ${LINK} is in the wrong state: \`state\` is \`Closed\` (3), needed \`Scheduled\` (-2) or \`Implement\` (-1)`,
    ],
    [
      'window one second before start',
      change(),
      { now: sec(START, -1) },
      'block',
      'cr_window_future',
      `Change ${LINK} window has not started: \`start_date\` is \`2026-03-02 10:00:00\` UTC, needed a start at or before now (\`2026-03-02 09:59:59\` UTC)`,
    ],
    [
      'window at start',
      change(),
      { now: START },
      'pass',
      'cr_ok',
      `Change ${LINK} is approved and Implement, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`,
    ],
    [
      'window one second after start',
      change(),
      { now: sec(START, 1) },
      'pass',
      'cr_ok',
      `Change ${LINK} is approved and Implement, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`,
    ],
    [
      'window one second before end',
      change(),
      { now: sec(END, -1) },
      'pass',
      'cr_ok',
      `Change ${LINK} is approved and Implement, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`,
    ],
    [
      'window at end',
      change(),
      { now: END },
      'block',
      'cr_window_ended',
      `Change ${LINK} window has ended: \`end_date\` is \`2026-03-02 12:00:00\` UTC, needed an end after now (\`2026-03-02 12:00:00\` UTC)`,
    ],
    [
      'window one second after end',
      change(),
      { now: sec(END, 1) },
      'block',
      'cr_window_ended',
      `Change ${LINK} window has ended: \`end_date\` is \`2026-03-02 12:00:00\` UTC, needed an end after now (\`2026-03-02 12:00:01\` UTC)`,
    ],
    [
      'no window',
      change({ plannedStart: undefined, plannedEnd: undefined }),
      {},
      'block',
      'cr_window_missing',
      `Change ${LINK} has no planned window: \`start_date\` is (empty), needed a planned start and end date`,
    ],
    [
      'wrong CI',
      change({ ciName: 'payments', ciSysId: 'other' }),
      {},
      'block',
      'cr_wrong_ci',
      `Change ${LINK} is for another configuration item: \`cmdb_ci\` is \`payments\`, needed \`markets-pipeline\``,
    ],
    [
      'no CI',
      change({ ciName: undefined, ciSysId: undefined }),
      {},
      'block',
      'cr_wrong_ci',
      `Change ${LINK} is for another configuration item: \`cmdb_ci\` is (empty), needed \`markets-pipeline\``,
    ],
    [
      'CI by sys_id',
      change({ ciName: 'x' }),
      { serviceCi: 'ci-sys-id' },
      'pass',
      'cr_ok',
      `Change ${LINK} is approved and Implement, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`,
    ],
    [
      'CI name case-insensitive',
      change({ ciName: 'Markets-Pipeline' }),
      {},
      'pass',
      'cr_ok',
      `Change ${LINK} is approved and Implement, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`,
    ],
    [
      'no CI configured',
      change({ ciName: 'anything' }),
      { serviceCi: undefined },
      'pass',
      'cr_ok',
      `Change ${LINK} is approved and Implement, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`,
    ],
    [
      'emergency without override',
      change({ type: 'emergency' }),
      {},
      'block',
      'cr_wrong_type',
      `Change ${LINK} is an Emergency change: \`type\` is \`emergency\`, needed \`normal\` or \`standard\` (an Emergency change is accepted only with an approved emergency override)`,
    ],
    [
      'emergency with override',
      change({ type: 'emergency' }),
      { emergencyOverride: true },
      'pass',
      'cr_ok',
      `Change ${LINK} is approved and Implement, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`,
    ],
    [
      'normal with override',
      change(),
      { emergencyOverride: true },
      'pass',
      'cr_ok',
      `Change ${LINK} is approved and Implement, window 2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC`,
    ],
    ['on hold', change({ onHold: true }), {}, 'block', 'cr_on_hold', `Change ${LINK} is on hold: \`on_hold\` is \`true\`, needed \`false\``],
    [
      'cr= given where none is required is still checked',
      change({ approval: 'requested' }),
      { requirement: 'none' },
      'block',
      'cr_not_approved',
      `Change ${LINK} is not approved: \`approval\` is \`requested\`, needed \`approved\``,
    ],
  ])('%s', (_name, c, patch, status, code, summary) => {
    const r = changeRecordGate(c, ctx(patch));
    expect(r.gate).toBe('changeRecord');
    expect({ status: r.status, code: r.code, summary: r.summary }).toEqual({ status, code, summary });
  });

  it('lists every failure with field, found and needed; the code is the first', () => {
    const r = changeRecordGate(
      change({ approval: 'requested', state: '-3', stateLabel: 'Authorize', ciName: 'payments', ciSysId: 'x' }),
      ctx({ now: sec(END, 60) }),
    );
    expect(r.status).toBe('block');
    expect(r.code).toBe('cr_not_approved');
    expect(r.summary).toBe(
      `Change ${LINK} is not approved: \`approval\` is \`requested\`, needed \`approved\`; is in the wrong state: \`state\` is \`Authorize\` (-3), needed \`Scheduled\` (-2) or \`Implement\` (-1); window has ended: \`end_date\` is \`2026-03-02 12:00:00\` UTC, needed an end after now (\`2026-03-02 12:01:00\` UTC); is for another configuration item: \`cmdb_ci\` is \`payments\`, needed \`markets-pipeline\``,
    );
    expect(r.details).toMatchObject({
      change: 'CHG0030001',
      url: URL,
      failures: [
        { code: 'cr_not_approved', field: 'approval', found: '`requested`', needed: '`approved`' },
        { code: 'cr_wrong_state', field: 'state' },
        { code: 'cr_window_ended', field: 'end_date' },
        { code: 'cr_wrong_ci', field: 'cmdb_ci' },
      ],
    });
  });

  describe('create mode', () => {
    const own = (patch: Partial<ChangeRecord>): ChangeRecord => change({ correlationId: 'p-1', ...patch });
    const create = ctx({ requirement: 'create', crGiven: undefined });

    it('a change shipgate opened that awaits approval is pending', () => {
      const r = changeRecordGate(own({ state: '-3', stateLabel: 'Authorize', approval: 'requested' }), create);
      expect(r.status).toBe('pending');
      expect(r.code).toBe('cr_awaiting_approval');
      expect(r.summary).toMatch(/\(waiting for approval in ServiceNow\)$/);
    });

    it('passes once approved and scheduled', () => {
      expect(changeRecordGate(own({ state: '-2', stateLabel: 'Scheduled' }), create).code).toBe('cr_ok');
    });

    it('a rejected or canceled change blocks, as does any other defect', () => {
      expect(changeRecordGate(own({ approval: 'rejected' }), create)).toMatchObject({ status: 'block', code: 'cr_not_approved' });
      expect(changeRecordGate(own({ state: '4', stateLabel: 'Canceled' }), create)).toMatchObject({ status: 'block', code: 'cr_wrong_state' });
      expect(changeRecordGate(own({ approval: 'requested', ciName: 'payments', ciSysId: 'x' }), create)).toMatchObject({
        status: 'block',
        code: 'cr_wrong_ci',
      });
    });

    it("someone else's change (cr= given) is judged like a required one", () => {
      expect(changeRecordGate(change({ approval: 'requested', correlationId: 'other' }), ctx({ requirement: 'create' }))).toMatchObject({
        status: 'block',
        code: 'cr_not_approved',
      });
    });
  });

  it('cr_unavailable blocks and says it could not be checked', () => {
    expect(changeRecordUnavailable('CHG0030001', 'ServiceNow could not be reached (https://acme.service-now.com): connection refused')).toEqual({
      gate: 'changeRecord',
      status: 'block',
      code: 'cr_unavailable',
      summary: 'Change `CHG0030001` could not be checked: ServiceNow could not be reached (https://acme.service-now.com): connection refused',
      details: { change: 'CHG0030001', error: 'ServiceNow could not be reached (https://acme.service-now.com): connection refused' },
    });
  });
});
