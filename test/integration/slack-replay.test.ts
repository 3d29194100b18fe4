import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHANNEL, SIGNING_SECRET, startHarness, USERS, type Harness } from '../helpers/harness';
import { signedSlack } from '../helpers/malformed-slack';
import { waitUntil } from '../helpers/wait-until';

/** Sits between the Slack emulator and the bot and keeps the exact bytes of every request (a captured request). */
async function recordingProxy(target: () => string): Promise<{ url: string; captured: Array<{ headers: Record<string, string>; body: Buffer }>; close(): Promise<void> }> {
  const captured: Array<{ headers: Record<string, string>; body: Buffer }> = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('x-slack') || k === 'content-type')) as Record<string, string>;
    captured.push({ headers, body });
    const answer = await fetch(target(), { method: 'POST', headers, body });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' }).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    captured,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('Slack signatures: replays, retries and the ±5 minute window', () => {
  let h: Harness;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  beforeAll(async () => {
    h = await startHarness('slack-replay');
    proxy = await recordingProxy(() => `${h.app.url}/slack/events`);
    h.slack.botUrl = proxy.url;
  });
  afterAll(async () => {
    await proxy.close();
    await h.close();
  });

  const mine = async (userId: string) => (await h.app.repo.recent(100)).filter((p) => p.requester.id === userId);
  const post = (headers: Record<string, string>, body: Buffer) => fetch(`${h.app.url}/slack/events`, { method: 'POST', headers, body });

  it('a captured /promote replayed byte for byte is refused with 409 and creates nothing', async () => {
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    const original = proxy.captured.at(-1)!;
    const replay = await post(original.headers, original.body);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: expect.stringContaining('replay') });
    expect((await mine(USERS.rm1)).map((x) => x.id)).toEqual([p.id]);
  });

  it("Slack's own retry (X-Slack-Retry-Num, same body, new signature) of an accepted /promote does nothing: one promotion, one reply", async () => {
    h.github.addRepo('acme/platform', { defaultBranch: 'main' });
    const before = h.ephemeralsFor(USERS.rm2).length;
    const p = await h.request('databricks-jobs test', USERS.rm2);
    const original = proxy.captured.at(-1)!;
    const retry = await post(
      signedSlack(SIGNING_SECRET, original.body.toString('utf8'), {
        timestamp: Number(original.headers['x-slack-request-timestamp']) + 1,
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      }),
      original.body,
    );
    expect(retry.status).toBe(200);
    expect(retry.headers.get('x-slack-no-retry')).toBe('1');
    // a later command's reply arrives after anything the retry could have caused
    await h.promote('help', USERS.rm2);
    await waitUntil('help reply', () => h.slack.ephemerals(USERS.rm2).slice(before).some((e) => JSON.stringify(e.blocks).includes('markets-pipeline')));
    expect((await mine(USERS.rm2)).map((x) => x.id)).toEqual([p.id]);
    const replies = h.ephemeralsFor(USERS.rm2).slice(before);
    expect(replies.filter((t) => t.includes('Requested'))).toHaveLength(1);
    expect(replies.filter((t) => /lock/i.test(t))).toEqual([]);
  });

  it.each([
    ['6 minutes', 6 * 60],
    ['301 seconds', 301],
    ['a year', 365 * 86_400],
  ])('a signature timestamped %s in the future is refused with 401', async (_label, ahead) => {
    const before = (await h.app.repo.recent(100)).length;
    const res = await h.slack.sendSlashCommand({ command: '/promote', text: 'markets-pipeline prod', userId: USERS.engineer, channelId: CHANNEL }, { timestamp: Math.floor(Date.now() / 1000) + ahead });
    expect(res.status).toBe(401);
    expect((await h.app.repo.recent(100)).length).toBe(before);
  });

  it('a signature timestamped 4 minutes ahead (clock skew inside the window) is accepted', async () => {
    const before = h.slack.ephemerals(USERS.outsider).length;
    const res = await h.slack.sendSlashCommand({ command: '/promote', text: 'help', userId: USERS.outsider, channelId: CHANNEL }, { timestamp: Math.floor(Date.now() / 1000) + 4 * 60 });
    expect(res.status).toBe(200);
    await waitUntil('help reply', () => h.slack.ephemerals(USERS.outsider).slice(before)[0]);
  });
});
