import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';

/** SPEC §10: replies known at once travel inside the ack (no response_url call afterwards). */
describe('replies known at once are the body of the Slack ack', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('ackreply');
  });
  afterAll(async () => {
    await h.close();
  });

  function ackText(body: unknown): string {
    return typeof body === 'object' && body !== null ? String((body as { text?: unknown }).text ?? '') : String(body);
  }

  it.each([
    ['help', 'shipgate'],
    ['markets-pipe int', 'Unknown service `markets-pipe`'],
    ['markets-pipeline test', '`test` is not an environment of markets-pipeline'],
    ['markets-pipeline prod colour=blue', 'unknown option `colour=`'],
  ])('/promote %s: the ack carries the reply, shown once, nothing by response_url', async (text, expected) => {
    const before = h.slack.ephemerals(USERS.engineer).length;
    const res = await h.promote(text);
    expect(res.status).toBe(200);
    expect(ackText(res.body)).toContain(expected);
    const shown = h.slack.ephemerals(USERS.engineer).slice(before);
    expect(shown.map((e) => e.source)).toEqual(['ack']);
  });

  it('"locked by …" is the ack of a second /promote while the first holds the lock; the first is acked empty and answered by response_url', async () => {
    const before = h.slack.ephemerals(USERS.engineer).length;
    const first = await h.promote('markets-pipeline prod');
    expect(first.status).toBe(200);
    expect(ackText(first.body)).toBe('');
    const requested = await waitUntil('first reply', () => h.slack.ephemerals(USERS.engineer).slice(before).find((e) => e.text.includes('Requested')));
    expect(requested.source).toBe('response_url');
    const second = await h.promote('markets-pipeline prod');
    expect(ackText(second.body)).toContain('is locked by promotion');
  });

  it('/rollback outside an incident channel: the refusal is the ack', async () => {
    const before = h.slack.ephemerals(USERS.engineer).length;
    const res = await h.slack.sendSlashCommand({ command: '/rollback', text: 'markets-pipeline', userId: USERS.engineer, channelId: CHANNEL });
    expect(ackText(res.body)).toContain('works only in incident channels');
    expect(h.slack.ephemerals(USERS.engineer).slice(before).map((e) => e.source)).toEqual(['ack']);
  });
});
