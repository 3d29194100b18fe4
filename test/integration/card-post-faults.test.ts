import type { FaultMode } from '../../src/emulators/fault-plan';
import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(30_000);

type Meta = { event_type?: string; event_payload?: { promotion?: string } };

/** Approval messages of a promotion in the channel (the card is tagged with its promotion id). */
const cardsOf = (h: Harness, id: string) => h.slack.messages(CHANNEL).filter((m) => (m.metadata as Meta | undefined)?.event_payload?.promotion === id && !m.thread_ts);

describe('the approval message is posted once, whatever Slack answers', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it.each<[string, FaultMode]>([
    ['Slack posted it and answered 500', 'after'],
    ['Slack answered 500 without posting it', 'before'],
  ])('%s: one card, and the promotion goes on with it', async (_what, mode) => {
    h = await startHarness(`card-${mode}`);
    const fault = h.slack.inject({ method: 'POST', path: '/api/chat.postMessage', mode, status: 500 });
    const p = await h.request('markets-pipeline prod', USERS.engineer);
    expect(fault.hits).toBe(1);
    const cards = cardsOf(h, p.id);
    expect(cards).toHaveLength(1);
    expect(p.messageTs).toBe(cards[0]!.ts);
    expect(p.state).toBe('awaiting_approval');
    await waitUntil('the card to show the gates', () => h.slack.message(CHANNEL, p.messageTs!)?.text.includes('awaiting approval'));
  });

  it('Slack refusing the channel for good is final at once: the request is cancelled and the person is told', async () => {
    h = await startHarness('card-refused');
    h.slack.inject({ method: 'POST', path: '/api/chat.postMessage', mode: 'before', status: 200, body: { ok: false, error: 'not_in_channel' }, times: 5 });
    await h.promote('markets-pipeline prod');
    await waitUntil('the requester to be told', () => h.ephemeralsFor(USERS.engineer).some((t) => t.includes('/invite @shipgate')));
    const p = await waitUntil('the request to be cancelled', async () => (await h.app.repo.recent(5)).find((x) => x.state === 'cancelled'));
    expect(p.messageTs).toBeUndefined();
    expect(h.slack.calls.filter((c) => c.path === '/api/chat.postMessage').length).toBe(1);
  });
});
