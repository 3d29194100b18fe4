import { BASE_CONFIG, CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { TestClock } from '../helpers/test-clock';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { OVERRIDE_CALLBACK } from '../../src/adapters/slack/blocks/override-modal';
import { REJECT_CALLBACK } from '../../src/adapters/slack/blocks/reject-modal';
import type { Promotion } from '../../src/domain/promotion';

const FREEZE_CONFIG = `${BASE_CONFIG}
freezes:
  - name: regulatory filing
    environments: [prod]
    dates: ["2026-12-15"]
emergency:
  approvers: [S0VPS]
`;

type Block = { block_id?: string; text?: { text: string }; elements?: Array<{ action_id?: string; confirm?: { text: { text: string } } }> };
const blocksOf = (h: Harness, ts: string) => (h.slack.message(CHANNEL, ts)?.blocks ?? []) as Block[];
const cardOf = (h: Harness, ts: string) => JSON.stringify(blocksOf(h, ts));
const threadOf = (h: Harness, ts: string) => h.slack.thread(CHANNEL, ts).map((m) => m.text);

async function reply(h: Harness, text: string, userId: string = USERS.engineer): Promise<string> {
  const before = h.slack.ephemerals(userId).length;
  await h.promote(text, userId);
  return (await waitUntil(`reply to /promote ${text}`, () => h.slack.ephemerals(userId).slice(before)[0])).text;
}

async function requestOverride(h: Harness, p: Promotion): Promise<Promotion> {
  await h.click(p, ACTIONS.override, USERS.rm1);
  const opened = await h.slack.waitFor<{ action: string; view: { id: string; callback_id: string } }>(
    'view',
    (v) => v.action === 'open' && v.view.callback_id === OVERRIDE_CALLBACK,
  );
  await h.slack.sendViewSubmission({
    userId: USERS.rm1,
    viewId: opened.view.id,
    values: {
      justification: { value: { type: 'plain_text_input', value: 'Card payments failing for EU customers' } },
      rollback_plan: { value: { type: 'plain_text_input', value: '/rollback markets-pipeline prod' } },
      on_call: { value: { type: 'users_select', selected_user: USERS.oncall } },
    },
  });
  return h.waitState(p.id, 'awaiting_approval');
}

describe('the approval card tells the truth', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('emergency override: the confirm dialog names the override and the freeze; once the VP approved, nothing says it awaits one', async () => {
    // web only: the promotion stays approved (no worker re-renders it) so the card is what the clicks made it
    h = await startHarness('card-override', { config: FREEZE_CONFIG, clock: new TestClock('2026-12-15T10:00:00Z'), role: 'web' });
    const worker = await h.startAnother('worker', new TestClock('2026-12-15T10:00:00Z'));
    const p = await h.request('markets-pipeline prod', USERS.rm1, 'blocked');
    const waiting = await requestOverride(h, p);
    // execution stops here (its queue's worker is paused); Slack delivery goes on, as in production
    await worker.workers[0]!.pause();
    await waitUntil('card shows the override', () => cardOf(h, p.messageTs!).includes('emergency override'));

    const approve = blocksOf(h, p.messageTs!)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ACTIONS.approve);
    expect(approve?.confirm?.text.text).toMatch(/emergency override/i);
    expect(approve?.confirm?.text.text).toContain('*regulatory filing*');

    await h.click(waiting, ACTIONS.approve, USERS.vp);
    await waitUntil('override approved', async () => (await h.app.repo.get(p.id))?.override?.approvedBy?.userId === USERS.vp);
    await waitUntil('card shows the VP', () => cardOf(h, p.messageTs!).includes(`emergency override approved by <@${USERS.vp}>`));
    expect(cardOf(h, p.messageTs!)).not.toContain('awaiting an emergency approver');
    expect(cardOf(h, p.messageTs!)).toContain(`(approved by <@${USERS.vp}>)`);

    await h.click(waiting, ACTIONS.approve, USERS.rm2);
    await h.waitState(p.id, 'approved');
    await waitUntil('card shows approved', () => cardOf(h, p.messageTs!).includes('*Approved*'));
    expect(cardOf(h, p.messageTs!)).not.toContain('awaiting an emergency approver');
    expect(cardOf(h, p.messageTs!)).not.toContain('needs an emergency approver');
  });

  it('an environment without required approvals never shows 0/1 or 1/0', async () => {
    h = await startHarness('card-noapproval', { config: BASE_CONFIG.replace('pipeline: [int, prod]', 'pipeline: [dev, int, prod]') });
    const p = await h.request('markets-pipeline int', USERS.engineer);
    expect(p.requiredApprovals).toBe(0);
    const card = cardOf(h, p.messageTs!);
    expect(card).not.toContain('(0/1)');
    expect(card).not.toContain('(0/0)');
    expect(card).toContain('*Awaiting confirmation*');
    await h.click(p, ACTIONS.approve, USERS.engineer);
    const post = await waitUntil('the confirmation in the thread', () => threadOf(h, p.messageTs!).find((t) => t.includes(`<@${USERS.engineer}>`)));
    expect(post).not.toContain('(1/0)');
    expect(post).toContain(`<@${USERS.engineer}> confirmed`);
    await h.waitState(p.id, 'succeeded');
  });

  it('rejected and cancelled cards drop "Needs 1 more approval"', async () => {
    h = await startHarness('card-decided');
    const r = await h.request('markets-pipeline prod', USERS.rm1);
    expect(cardOf(h, r.messageTs!)).toContain('Needs 1 more approval');
    await h.click(r, ACTIONS.reject, USERS.rm2);
    const opened = await h.slack.waitFor<{ action: string; view: { id: string; callback_id: string } }>(
      'view',
      (v) => v.action === 'open' && v.view.callback_id === REJECT_CALLBACK,
    );
    await h.slack.sendViewSubmission({
      userId: USERS.rm2,
      viewId: opened.view.id,
      values: { reason: { value: { type: 'plain_text_input', value: 'CAB said no' } } },
    });
    await h.waitState(r.id, 'rejected');
    await waitUntil('card shows rejected', () => cardOf(h, r.messageTs!).includes('CAB said no'));
    expect(cardOf(h, r.messageTs!)).not.toContain('more approval');

    const c = await h.request('markets-pipeline prod', USERS.rm1);
    await h.click(c, ACTIONS.cancel, USERS.rm1);
    await h.waitState(c.id, 'cancelled');
    await waitUntil('card shows cancelled', () => cardOf(h, c.messageTs!).includes('*Cancelled*'));
    expect(cardOf(h, c.messageTs!)).not.toContain('more approval');
  });

  it('the queue line drops "once approved" after approval', async () => {
    h = await startHarness('card-queued', { config: FREEZE_CONFIG, clock: new TestClock('2026-12-15T10:00:00Z'), role: 'web' });
    const worker = await h.startAnother('worker', new TestClock('2026-12-15T10:00:00Z'));
    const p = await h.request('markets-pipeline prod', USERS.rm1, 'blocked');
    // execution stops here (its queue's worker is paused); Slack delivery goes on, as in production
    await worker.workers[0]!.pause();
    await h.click(p, ACTIONS.queue, USERS.rm1);
    const queued = await h.waitState(p.id, 'awaiting_approval');
    await waitUntil('card shows the queue', () => cardOf(h, p.messageTs!).includes('Queued for the next window'));
    expect(cardOf(h, p.messageTs!)).toContain('once approved');
    await h.click(queued, ACTIONS.approve, USERS.rm2);
    await h.waitState(p.id, 'approved');
    await waitUntil('card shows approved', () => cardOf(h, p.messageTs!).includes('*Approved*'));
    expect(cardOf(h, p.messageTs!)).toContain('Queued for the next window');
    expect(cardOf(h, p.messageTs!)).not.toContain('once approved');
  });

  it('history never shows ??????? and never cuts a word', async () => {
    h = await startHarness('card-history');
    const unresolved = await h.request('markets-pipeline prod ref=no-such-branch', USERS.rm1, 'blocked');
    expect(unresolved.sha).toBeUndefined();
    const reason = 'CAB declined this change: the window overlaps the quarterly reconciliation batch and the rollback plan was never rehearsed in preprod';
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await h.click(p, ACTIONS.reject, USERS.rm2);
    const opened = await h.slack.waitFor<{ action: string; view: { id: string; callback_id: string } }>(
      'view',
      (v) => v.action === 'open' && v.view.callback_id === REJECT_CALLBACK,
    );
    await h.slack.sendViewSubmission({ userId: USERS.rm2, viewId: opened.view.id, values: { reason: { value: { type: 'plain_text_input', value: reason } } } });
    await h.waitState(p.id, 'rejected');
    const text = await reply(h, 'history markets-pipeline');
    expect(text).not.toContain('???????');
    const line = text.split('\n').find((l) => l.includes(p.id))!;
    const shown = /· (CAB declined[^·]*)$/.exec(line)![1]!;
    expect(shown.endsWith('…')).toBe(true);
    const kept = shown.slice(0, -1).trimEnd();
    expect(reason.startsWith(kept)).toBe(true);
    expect(reason[kept.length]).toBe(' '); // cut between words
    expect(kept.length).toBeGreaterThan(60);
  });

  it('/promote cancel p-nope says there is no such promotion', async () => {
    h = await startHarness('card-cancel-nope');
    expect(await reply(h, 'cancel p-nope')).toContain('No promotion `p-nope` exists');
  });
});

describe('block_actions without `message` (origin from container.message_ts)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('Reject opens its modal when the payload names the message only in container.message_ts', async () => {
    h = await startHarness('origin-reject');
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await h.slack.sendBlockAction({ userId: USERS.rm2, channelId: CHANNEL, messageTs: p.messageTs!, actionId: ACTIONS.reject, withoutMessage: true });
    const opened = await h.slack.waitFor<{ action: string; view: { callback_id: string } }>('view', (v) => v.action === 'open');
    expect(opened.view.callback_id).toBe(REJECT_CALLBACK);
    expect(h.ephemeralsFor(USERS.rm2)).toEqual([]);
  });

  it('Approve checks container.message_ts like Reject: a button value moved to another message is refused', async () => {
    h = await startHarness('origin-approve');
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    const other = await h.request('databricks-jobs test', USERS.rm1, ['awaiting_approval', 'blocked']);
    // p's id on the other promotion's message, without `message`: refused
    await h.slack.sendBlockAction({
      userId: USERS.rm2,
      channelId: CHANNEL,
      messageTs: other.messageTs!,
      actionId: ACTIONS.cancel,
      value: p.id,
      withoutMessage: true,
    });
    await h.slack.sendBlockAction({
      userId: USERS.rm2,
      channelId: CHANNEL,
      messageTs: other.messageTs!,
      actionId: ACTIONS.approve,
      value: p.id,
      withoutMessage: true,
    });
    await waitUntil('the moved click refused', () => h.ephemeralsFor(USERS.rm2).filter((t) => t.includes('does not belong')).length === 2);
    expect((await h.app.repo.get(p.id))?.approvals).toEqual([]);
    expect((await h.app.repo.get(p.id))?.state).toBe('awaiting_approval');
    // on its own message, without `message`: counted
    await h.slack.sendBlockAction({ userId: USERS.rm2, channelId: CHANNEL, messageTs: p.messageTs!, actionId: ACTIONS.approve, withoutMessage: true });
    await h.waitState(p.id, ['approved', 'running', 'succeeded']);
  });
});
