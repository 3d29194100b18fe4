import { BASE_CONFIG, CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { TestClock } from '../helpers/test-clock';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { OVERRIDE_CALLBACK } from '../../src/adapters/slack/blocks/override-modal';

const CONFIG = `${BASE_CONFIG}
freezes:
  - name: regulatory filing
    environments: [prod]
    dates: ["2026-12-15"]
emergency:
  approvers: [S0VPS]
  requireRollbackPlan: true
  requireOnCall: true
`;

function dispatches(h: Harness) {
  return h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/dispatches'));
}
const blocksOf = (h: Harness, ts: string) => JSON.stringify(h.slack.message(CHANNEL, ts)?.blocks ?? []);

describe('freeze gate in Slack', () => {
  let h: Harness;
  const clock = new TestClock('2026-12-15T10:00:00Z');
  afterEach(async () => {
    await h.close();
  });

  it('blocks /promote inside a freeze, names the rule, the window and when it opens (requester zone and UTC)', async () => {
    h = await startHarness('freeze-block', { config: CONFIG, clock });
    const p = await h.request('markets-pipeline prod', USERS.rm1, 'blocked');
    const freeze = p.gates.find((g) => g.gate === 'freeze')!;
    expect(freeze).toMatchObject({ status: 'block', code: 'frozen' });
    expect(freeze.details).toMatchObject({ nextOpen: '2026-12-16T00:00:00.000Z' });
    const blocks = blocksOf(h, p.messageTs!);
    expect(blocks).toContain('*regulatory filing*');
    expect(blocks).toContain('2026-12-16T00:00:00Z');
    expect(blocks).toContain('America/New_York'); // rm1's Slack time zone
    expect(blocks).toContain(ACTIONS.override);
    expect(blocks).toContain(ACTIONS.queue);
    expect(blocks).not.toContain(ACTIONS.approve);

    // /promote freeze prod explains it too
    await h.promote('freeze prod', USERS.engineer);
    const text = await waitUntil('freeze reply', () => h.ephemeralsFor(USERS.engineer).find((t) => t.includes('frozen now')));
    expect(text).toContain('*prod* is frozen now');
    expect(text).toContain('regulatory filing');
    await h.promote('freeze int', USERS.engineer);
    await waitUntil('int is open', () => h.ephemeralsFor(USERS.engineer).find((t) => t.includes('*int* is not frozen now')));
    await h.promote('freeze qa', USERS.engineer);
    await waitUntil('unknown env', () => h.ephemeralsFor(USERS.engineer).find((t) => t.includes('Unknown environment `qa`')));
  });

  it('an ICS calendar that cannot be fully parsed blocks /promote, naming the rule and why (fail closed)', async () => {
    const config = `${BASE_CONFIG}
freezes:
  - name: corporate calendar
    environments: [prod]
    ics: ./test/fixtures/calendars/broken/garbage-dtstart.ics
`;
    h = await startHarness('freeze-unreadable', { config, clock: new TestClock('2026-06-02T10:00:00Z') });
    const p = await h.request('markets-pipeline prod', USERS.rm1, 'blocked');
    const freeze = p.gates.find((g) => g.gate === 'freeze')!;
    expect(freeze).toMatchObject({ status: 'block', code: 'freeze_source_unavailable' });
    expect(freeze.details).toMatchObject({
      missingSources: ['corporate calendar'],
      unevaluated: [{ rule: 'corporate calendar', reason: expect.stringContaining('DTSTART: "next tuesday" is not a valid DATE-TIME') }],
    });
    const blocks = blocksOf(h, p.messageTs!);
    expect(blocks).toContain('*corporate calendar*');
    expect(blocks).toContain('next tuesday');
    expect(blocks).not.toContain(ACTIONS.approve);
    expect(dispatches(h)).toHaveLength(0);
    // /promote freeze prod says why too
    await h.promote('freeze prod', USERS.engineer);
    const text = await waitUntil('freeze reply', () => h.ephemeralsFor(USERS.engineer).find((t) => t.includes('Could not read')));
    expect(text).toContain('*corporate calendar*');
    expect(text).toContain('next tuesday');
  });

  it('runs an emergency override once a VP approves it besides the normal approval', async () => {
    h = await startHarness('freeze-override', { config: CONFIG, clock });
    const p = await h.request('markets-pipeline prod', USERS.rm1, 'blocked');
    await h.click(p, ACTIONS.override, USERS.rm1);
    const opened = await h.slack.waitFor<{ action: string; view: { id: string; callback_id: string } }>('view', (v) => v.action === 'open' && v.view.callback_id === OVERRIDE_CALLBACK);

    // missing rollback plan and on-call engineer: the modal says so, nothing changes
    const bad = await h.slack.sendViewSubmission({
      userId: USERS.rm1,
      viewId: opened.view.id,
      values: { justification: { value: { type: 'plain_text_input', value: 'Card payments failing for EU customers' } } },
    });
    expect(JSON.stringify(bad.body)).toContain('A rollback plan is required.');
    expect(JSON.stringify(bad.body)).toContain('Name the on-call engineer.');
    expect((await h.app.repo.get(p.id))?.state).toBe('blocked');

    await h.slack.sendViewSubmission({
      userId: USERS.rm1,
      viewId: opened.view.id,
      values: {
        justification: { value: { type: 'plain_text_input', value: 'Card payments failing for EU customers' } },
        rollback_plan: { value: { type: 'plain_text_input', value: '/rollback markets-pipeline prod' } },
        on_call: { value: { type: 'users_select', selected_user: USERS.engineer } },
      },
    });
    const waiting = await h.waitState(p.id, 'awaiting_approval');
    expect(waiting.override).toMatchObject({ requestedBy: USERS.rm1, onCall: USERS.engineer, rollbackPlan: '/rollback markets-pipeline prod' });
    expect(waiting.override?.windows[0]).toMatchObject({ rule: 'regulatory filing', end: '2026-12-16T00:00:00.000Z' });

    // the normal approval alone is not enough
    await h.click(waiting, ACTIONS.approve, USERS.rm2);
    await waitUntil('rm2 approval stored', async () => (await h.app.repo.get(p.id))?.approvals.length === 1);
    expect((await h.app.repo.get(p.id))?.state).toBe('awaiting_approval');
    expect(dispatches(h)).toHaveLength(0);
    // the VP's approval completes it
    await h.click(waiting, ACTIONS.approve, USERS.vp);
    const done = await h.waitState(p.id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    expect(done.override?.approvedBy?.userId).toBe(USERS.vp);
    expect(done.gates.find((g) => g.gate === 'freeze')).toMatchObject({ status: 'warn', code: 'frozen_overridden' });
    expect(dispatches(h)).toHaveLength(1);
    const audit = (await h.app.audit.forPromotion(p.id)).map((e) => e.type);
    expect(audit).toEqual(expect.arrayContaining(['gates_blocked', 'override_requested', 'approved', 'override_approved', 'started', 'succeeded']));
    const thread = h.slack.thread(CHANNEL, p.messageTs!).map((m) => m.text).join('\n');
    expect(thread).toContain('Card payments failing for EU customers');
    expect(thread).toContain(`On-call engineer: <@${USERS.engineer}>`);
    expect(thread).toContain(`Emergency override approved by <@${USERS.vp}>`);
  });

  it('refuses an override approval from the person who requested it', async () => {
    const cfg = CONFIG.replace('approvers: [S0VPS]', `approvers: [S0VPS, ${USERS.rm1}]`);
    h = await startHarness('freeze-override-self', { config: cfg, clock });
    const p = await h.request('markets-pipeline prod', USERS.rm1, 'blocked');
    await h.click(p, ACTIONS.override, USERS.rm1);
    const opened = await h.slack.waitFor<{ action: string; view: { id: string } }>('view', (v) => v.action === 'open');
    await h.slack.sendViewSubmission({
      userId: USERS.rm1,
      viewId: opened.view.id,
      values: {
        justification: { value: { type: 'plain_text_input', value: 'urgent regulatory fix' } },
        rollback_plan: { value: { type: 'plain_text_input', value: 'redeploy previous' } },
        on_call: { value: { type: 'users_select', selected_user: USERS.engineer } },
      },
    });
    const waiting = await h.waitState(p.id, 'awaiting_approval');
    await h.click(waiting, ACTIONS.approve, USERS.rm1);
    await waitUntil('self-approval refused', () => h.ephemeralsFor(USERS.rm1).find((t) => t.includes('separation of duties')));
    expect((await h.app.repo.get(p.id))?.override?.approvedBy).toBeUndefined();
  });

  it('queues for the next window and runs at the open instant, with approvals still required', async () => {
    const nearEnd = new TestClock('2026-12-15T23:59:57Z'); // three seconds before the window ends (GMT)
    h = await startHarness('freeze-queue', { config: CONFIG, clock: nearEnd });
    const p = await h.request('markets-pipeline prod', USERS.rm1, 'blocked');
    await h.click(p, ACTIONS.queue, USERS.rm1);
    const queued = await h.waitState(p.id, 'awaiting_approval');
    expect(queued.scheduledFor).toBe('2026-12-16T00:00:00.000Z');
    expect(queued.gates.find((g) => g.gate === 'freeze')).toMatchObject({ status: 'pending', code: 'queued_for_window' });
    await waitUntil('message says when it will go', () => blocksOf(h, p.messageTs!).includes('queued for 2026-12-16 00:00 UTC'));

    await h.click(queued, ACTIONS.approve, USERS.rm2);
    const approved = await h.waitState(p.id, 'approved');
    expect(approved.state).toBe('approved');
    expect(dispatches(h)).toHaveLength(0); // not inside the freeze
    const done = await h.waitState(p.id, ['succeeded', 'failed'], 15_000);
    expect(done.state).toBe('succeeded');
    const started = (await h.app.audit.forPromotion(p.id)).find((e) => e.type === 'started')!;
    expect(Date.parse(started.at)).toBeGreaterThanOrEqual(Date.parse('2026-12-16T00:00:00Z'));
    expect(dispatches(h)).toHaveLength(1);
  });

  it('does not run inside a freeze that started between approval and execution', async () => {
    const c = new TestClock('2026-12-14T23:00:00Z');
    h = await startHarness('freeze-recheck', { config: CONFIG, clock: c, role: 'web' });
    const worker = await h.startAnother('worker', c);
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await worker.close(); // the worker is down while the approval comes in
    await h.click(p, ACTIONS.approve, USERS.rm2);
    await h.waitState(p.id, 'approved');
    c.set('2026-12-15T09:00:00Z'); // the freeze has started
    await h.startAnother('worker', c);
    const done = await h.waitState(p.id, ['failed', 'succeeded']);
    expect(done.state).toBe('failed');
    expect(done.stateReason).toContain('regulatory filing');
    expect(dispatches(h)).toHaveLength(0);
    await waitUntil('thread says why', () => h.slack.thread(CHANNEL, p.messageTs!).some((m) => m.text.includes('Not executed')));
  });
});
