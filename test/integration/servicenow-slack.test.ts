import { BASE_CONFIG, CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { TestClock } from '../helpers/test-clock';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';

const CONFIG = BASE_CONFIG.replace(
  '    requiredApprovals: 1\n',
  '    requiredApprovals: 1\n    changeRecord: required\n    blockOnIncidents: [1, 2]\n',
).replace(
  '    repo: acme/markets\n',
  '    repo: acme/markets\n    servicenow: { ci: markets-pipeline, changeTemplate: { assignmentGroup: Markets Platform, shortDescription: "Promote {{service}} {{sha}} to {{env}}", backoutPlan: "/rollback" } }\n',
);
const CREATE_CONFIG = CONFIG.replace('changeRecord: required', 'changeRecord: create');

const NOW = '2026-03-02T11:00:00Z';
const blocksOf = (h: Harness, ts: string) => JSON.stringify(h.slack.message(CHANNEL, ts)?.blocks ?? []);
const dispatches = (h: Harness) => h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/dispatches'));

function goodChange(h: Harness, number = 'CHG0030001', patch: Record<string, string> = {}) {
  return h.servicenow.addChange({ number, state: '-2', type: 'normal', approval: 'approved', start_date: '2026-03-02 09:00:00', end_date: '2026-03-02 17:00:00', cmdb_ci: 'markets-pipeline', ...patch });
}

describe('ServiceNow through Slack', () => {
  let h: Harness;
  const clock = new TestClock(NOW);
  afterEach(async () => {
    await h.close();
  });

  async function start(config = CONFIG, extra: { changeRecheckMs?: number; clock?: TestClock } = {}) {
    clock.set(NOW);
    h = await startHarness('sn-slack', { config, clock: extra.clock ?? clock, servicenow: true, ...(extra.changeRecheckMs ? { changeRecheckMs: extra.changeRecheckMs } : {}) });
    h.servicenow.addCi({ name: 'markets-pipeline' });
  }

  it.each([
    ['no cr= given', undefined, {}, 'cr_missing', 'A ServiceNow change record is required'],
    ['an unknown number', 'CHG0099999', {}, 'cr_not_found', 'Change `CHG0099999` was not found in ServiceNow'],
    ['a change not approved', 'CHG0030001', { approval: 'requested' }, 'cr_not_approved', '`approval` is `requested`, needed `approved`'],
    ['a change in the wrong state', 'CHG0030001', { state: '-4' }, 'cr_wrong_state', '`state` is'],
    ['a window in the future', 'CHG0030001', { start_date: '2026-03-03 09:00:00', end_date: '2026-03-03 17:00:00' }, 'cr_window_future', 'start_date'],
    ['a window that has ended', 'CHG0030001', { start_date: '2026-03-01 09:00:00', end_date: '2026-03-01 17:00:00' }, 'cr_window_ended', 'end_date'],
    ['the wrong CI', 'CHG0030001', { cmdb_ci: 'payments' }, 'cr_wrong_ci', 'cmdb_ci'],
  ])('blocks /promote with %s', async (_name, cr, patch, code, text) => {
    await start();
    h.servicenow.addCi({ name: 'payments' });
    goodChange(h, 'CHG0030001', patch as Record<string, string>);
    const p = await h.request(`markets-pipeline prod${cr ? ` cr=${cr}` : ''}`, USERS.rm1, 'blocked');
    const g = p.gates.find((x) => x.gate === 'changeRecord')!;
    expect(g.status).toBe('block');
    expect(g.code).toBe(code);
    expect(g.summary).toContain(text);
    expect(blocksOf(h, p.messageTs!)).toContain(code === 'cr_missing' ? 'change record is required' : cr!);
  });

  it('passes with a good change, writes work notes at start and end with the run links', async () => {
    await start();
    goodChange(h);
    const p = await h.request('markets-pipeline prod cr=CHG0030001', USERS.rm1);
    expect(p.gates.find((x) => x.gate === 'changeRecord')).toMatchObject({ status: 'pass', code: 'cr_ok' });
    expect(p.gates.find((x) => x.gate === 'incidents')).toMatchObject({ status: 'pass' });
    await h.click(p, ACTIONS.approve, USERS.rm2);
    const done = await h.waitState(p.id, 'succeeded');
    const notes = await waitUntil('two work notes', () => {
      const n = h.servicenow.workNotes('CHG0030001');
      return n.length >= 2 ? n : undefined;
    });
    expect(notes.join('\n')).toContain(h.mainSha);
    expect(notes.join('\n')).toContain(done.evidence.runs[0]!.url);
  });

  it('does not execute when the change window closes between approval and execution', async () => {
    const c = new TestClock(NOW);
    clock.set(NOW);
    h = await startHarness('sn-window', { config: CONFIG, clock: c, servicenow: true, role: 'web' });
    h.servicenow.addCi({ name: 'markets-pipeline' });
    goodChange(h);
    const worker = await h.startAnother('worker', c);
    const p = await h.request('markets-pipeline prod cr=CHG0030001', USERS.rm1);
    await worker.close();
    await h.click(p, ACTIONS.approve, USERS.rm2);
    await h.waitState(p.id, 'approved');
    c.set('2026-03-02T17:00:01Z'); // one second after the planned end
    await h.startAnother('worker', c);
    const done = await h.waitState(p.id, ['failed', 'succeeded']);
    expect(done.state).toBe('failed');
    expect(done.stateReason).toContain('end_date');
    expect(dispatches(h)).toHaveLength(0);
  });

  it('blocks while a P1 is open on the service, and allows once it is resolved', async () => {
    await start();
    goodChange(h);
    h.servicenow.addIncident({ number: 'INC0010001', priority: '1', state: '2', cmdb_ci: 'markets-pipeline', short_description: 'Prices stale', active: true });
    const p = await h.request('markets-pipeline prod cr=CHG0030001', USERS.rm1, 'blocked');
    const g = p.gates.find((x) => x.gate === 'incidents')!;
    expect(g).toMatchObject({ status: 'block', code: 'incidents_open' });
    expect(g.summary).toContain('INC0010001');
    h.servicenow.setIncident('INC0010001', { state: '6', active: false });
    const q = await h.request('markets-pipeline prod cr=CHG0030001', USERS.rm1);
    expect(q.gates.find((x) => x.gate === 'incidents')).toMatchObject({ status: 'pass' });
  });

  it('fails closed when ServiceNow is down, and the bot keeps working', async () => {
    await start();
    goodChange(h);
    h.servicenow.setDown(true);
    const p = await h.request('markets-pipeline prod cr=CHG0030001', USERS.rm1, 'blocked');
    const g = p.gates.find((x) => x.gate === 'changeRecord')!;
    expect(g.status).toBe('block');
    expect(g.summary).toContain('could not be checked');
    // the bot still answers
    await h.promote('help', USERS.engineer);
    await waitUntil('help still works', () => h.slack.ephemerals(USERS.engineer).length > 0);
    h.servicenow.setDown(false);
    const q = await h.request('markets-pipeline prod cr=CHG0030001', USERS.rm1);
    expect(q.state).toBe('awaiting_approval');
  });

  it('create mode opens one change, waits for its approval with a delayed re-check, then runs', async () => {
    await start(CREATE_CONFIG, { changeRecheckMs: 300 });
    // without the assignment group the change cannot be opened: blocked, saying why
    const refused = await h.request('markets-pipeline prod', USERS.rm1, 'blocked');
    expect(refused.gates.find((x) => x.gate === 'changeRecord')).toMatchObject({ status: 'block', code: 'cr_create_failed' });
    expect(refused.gates.find((x) => x.gate === 'changeRecord')?.summary).toContain('no assignment group named "Markets Platform"');
    h.servicenow.addGroup('Markets Platform');
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    expect(p.cr).toMatch(/^CHG\d{7}$/);
    expect(p.gates.find((x) => x.gate === 'changeRecord')).toMatchObject({ status: 'pending', code: 'cr_awaiting_approval' });
    expect(h.servicenow.records('change_request')).toHaveLength(1);
    const change = h.servicenow.change(p.cr!)!;
    expect(change.correlation_id).toBe(p.id);
    // a retried evaluation job finds the same change instead of opening another
    await h.app.queue.enqueueEvaluation(p.id);
    await h.click(p, ACTIONS.approve, USERS.rm2);
    await waitUntil('waiting message', () => h.slack.thread(CHANNEL, p.messageTs!).some((m) => m.text.includes('Waiting:')));
    expect((await h.app.repo.get(p.id))?.state).toBe('approved');
    expect(dispatches(h)).toHaveLength(0);
    // CAB approves and schedules it
    h.servicenow.setChange(p.cr!, { approval: 'approved', state: '-2', start_date: '2026-03-02 10:00:00', end_date: '2026-03-02 18:00:00' });
    const done = await h.waitState(p.id, ['succeeded', 'failed'], 15_000);
    expect(done.state).toBe('succeeded');
    expect(h.servicenow.records('change_request')).toHaveLength(1);
    expect(dispatches(h)).toHaveLength(1);
  });
});
