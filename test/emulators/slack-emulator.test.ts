import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { WebClient, type Logger, type WebAPICallResult } from '@slack/web-api';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { signSlackRequest } from '../../src/emulators/slack-signature';

const TOKEN = 'xoxb-test-token';
const SECRET = 'test-signing-secret';

function seeded(now?: () => number): SlackEmulator {
  return new SlackEmulator({
    token: TOKEN,
    signingSecret: SECRET,
    now,
    users: [
      { id: 'U1', name: 'alice', realName: 'Alice Archer', tz: 'Europe/London' },
      { id: 'U2', name: 'bob', realName: 'Bob Baker', tz: 'America/New_York' },
    ],
    channels: [
      { id: 'C1', name: 'releases' },
      { id: 'C2', name: 'inc-42-markets', isPrivate: true },
    ],
    usergroups: { S0RELEASEMGRS: ['U1', 'U2'] },
    botUserId: 'UBOT',
    teamId: 'T123',
  });
}

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

function client(emu: SlackEmulator, token = TOKEN): WebClient {
  return new WebClient(token, { slackApiUrl: `${emu.url}/api/`, retryConfig: { retries: 0 }, logger: silent });
}

type PlatformError = WebAPICallResult & { error?: string };

async function platformError(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise;
  } catch (error) {
    const data = (error as { data?: PlatformError }).data;
    if (data) return data;
    throw error;
  }
  throw new Error('expected a Slack platform error');
}

describe('signSlackRequest', () => {
  it('computes v0 HMAC-SHA256 over v0:ts:body (Slack docs example)', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });
});

describe('SlackEmulator Web API', () => {
  let emu: SlackEmulator;
  let web: WebClient;

  beforeEach(async () => {
    emu = seeded();
    await emu.start();
    web = client(emu);
  });
  afterEach(async () => {
    await emu.stop();
  });

  it('starts on a random 127.0.0.1 port and answers auth.test like Slack', async () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await web.auth.test();
    expect(res).toMatchObject({ ok: true, team_id: 'T123', user_id: 'UBOT', bot_id: 'B0SHIPGATE' });
    expect(res.url).toMatch(/^https:\/\/.+\.slack\.com\/$/);
  });

  it('requires a bot token: not_authed without one, invalid_auth for a wrong one', async () => {
    const none = await fetch(`${emu.url}/api/auth.test`, { method: 'POST' });
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual({ ok: false, error: 'not_authed' });
    expect((await platformError(client(emu, 'xoxb-wrong').auth.test())).error).toBe('invalid_auth');
  });

  it('answers unknown methods with unknown_method', async () => {
    expect((await platformError(web.apiCall('chat.frobnicate'))).error).toBe('unknown_method');
  });

  it('posts messages with form-encoded blocks, threads and increasing ts', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Promote* markets to prod' } }];
    const posted = await web.chat.postMessage({ channel: 'C1', text: 'Promote', blocks });
    expect(posted).toMatchObject({ ok: true, channel: 'C1' });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message).toMatchObject({
      type: 'message',
      text: 'Promote',
      user: 'UBOT',
      bot_id: 'B0SHIPGATE',
      ts: posted.ts,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Promote* markets to prod' } }],
    });
    expect(posted.message?.blocks?.[0]?.block_id).toEqual(expect.any(String));

    const reply = await web.chat.postMessage({ channel: 'C1', text: 'evidence', thread_ts: posted.ts });
    expect(reply.message?.thread_ts).toBe(posted.ts);
    expect(Number(reply.ts)).toBeGreaterThan(Number(posted.ts));

    expect(emu.messages('C1').map((m) => m.text)).toEqual(['Promote']);
    expect(emu.messages('C1')[0]?.reply_count).toBe(1);
    expect(emu.thread('C1', posted.ts ?? '').map((m) => m.text)).toEqual(['Promote', 'evidence']);
    const replies = await web.conversations.replies({ channel: 'C1', ts: posted.ts ?? '' });
    expect(replies.messages?.map((m) => m.text)).toEqual(['Promote', 'evidence']);
  });

  it('resolves channel names and DMs, rejects unknown channels', async () => {
    const byName = await web.chat.postMessage({ channel: '#releases', text: 'hi' });
    expect(byName.channel).toBe('C1');
    const dm = await web.chat.postMessage({ channel: 'U2', text: 'please approve' });
    expect(dm.channel).toMatch(/^D/);
    expect(emu.messages(dm.channel ?? '')[0]?.text).toBe('please approve');
    expect((await platformError(web.chat.postMessage({ channel: 'C404', text: 'x' }))).error).toBe('channel_not_found');
    expect((await platformError(web.chat.postMessage({ channel: 'C1', text: '' }))).error).toBe('no_text');
  });

  it('enforces Block Kit limits with invalid_blocks', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const err = await platformError(web.chat.postMessage({ channel: 'C1', text: 'x', blocks }));
    expect(err.error).toBe('invalid_blocks');
    const longValue = [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, value: 'v'.repeat(2001), action_id: 'go' }] }];
    expect((await platformError(web.chat.postMessage({ channel: 'C1', text: 'x', blocks: longValue }))).error).toBe('invalid_blocks');
  });

  it('updates messages in place and keeps the edit history', async () => {
    const posted = await web.chat.postMessage({ channel: 'C1', text: 'pending' });
    const ts = posted.ts ?? '';
    const updated = await web.chat.update({
      channel: 'C1',
      ts,
      text: 'approved',
      blocks: [{ type: 'section', text: { type: 'plain_text', text: 'approved' } }],
    });
    expect(updated).toMatchObject({ ok: true, channel: 'C1', ts, text: 'approved' });
    expect(updated.message).toMatchObject({ text: 'approved', edited: { user: 'UBOT' } });
    expect(emu.messages('C1')).toHaveLength(1);
    expect(emu.messages('C1')[0]?.text).toBe('approved');
    expect(emu.history('C1', ts).map((v) => [v.text, v.source])).toEqual([
      ['pending', 'chat.postMessage'],
      ['approved', 'chat.update'],
    ]);
    expect((await platformError(web.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' }))).error).toBe('message_not_found');
  });

  it('stores ephemerals per user', async () => {
    const res = await web.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'unknown service "markts"' });
    expect(res).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(emu.ephemerals('U1')).toHaveLength(1);
    expect(emu.ephemerals('U1')[0]).toMatchObject({ channel: 'C1', user: 'U1', text: 'unknown service "markts"' });
    expect(emu.ephemerals('U2')).toHaveLength(0);
    expect(emu.messages('C1')).toHaveLength(0);
  });

  it('answers users.info, usergroups.users.list and conversations.info from seeds', async () => {
    const user = await web.users.info({ user: 'U2' });
    expect(user.user).toMatchObject({
      id: 'U2',
      team_id: 'T123',
      name: 'bob',
      real_name: 'Bob Baker',
      tz: 'America/New_York',
      is_bot: false,
      profile: { real_name: 'Bob Baker', display_name: 'bob' },
    });
    expect([-18000, -14400]).toContain(user.user?.tz_offset);
    expect(user.user?.tz_label).toMatch(/Eastern/);
    expect((await platformError(web.users.info({ user: 'U404' }))).error).toBe('user_not_found');

    expect((await web.usergroups.users.list({ usergroup: 'S0RELEASEMGRS' })).users).toEqual(['U1', 'U2']);
    expect((await platformError(web.usergroups.users.list({ usergroup: 'S404' }))).error).toBe('no_such_subteam');
    emu.setUsergroup('S0VPS', ['U2']);
    expect((await web.usergroups.users.list({ usergroup: 'S0VPS' })).users).toEqual(['U2']);

    const channel = await web.conversations.info({ channel: 'C2' });
    expect(channel.channel).toMatchObject({ id: 'C2', name: 'inc-42-markets', is_channel: false, is_private: true });
    expect(channel.channel?.created).toEqual(expect.any(Number));
    emu.addChannel({ id: 'C9', name: 'later' });
    expect((await web.conversations.info({ channel: 'C9' })).channel?.name).toBe('later');
  });

  it('accepts JSON bodies too', async () => {
    const res = await fetch(`${emu.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C1', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    const body = (await res.json()) as { ok: boolean; message: { blocks: Array<{ type: string }> } };
    expect(body.ok).toBe(true);
    expect(body.message.blocks[0]?.type).toBe('divider');
  });

  it('handles files.uploadV2 (getUploadURLExternal, upload, completeUploadExternal) into a thread', async () => {
    const parent = await web.chat.postMessage({ channel: 'C1', text: 'promotion' });
    const res = await web.files.uploadV2({
      channel_id: 'C1',
      thread_ts: parent.ts ?? '',
      filename: 'evidence.json',
      content: '{"sha":"abc"}',
      title: 'Evidence',
      initial_comment: 'audit record',
    });
    expect(res.ok).toBe(true);
    const files = emu.files();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ text: '{"sha":"abc"}', channel: 'C1', threadTs: parent.ts });
    expect(files[0]?.file).toMatchObject({ name: 'evidence.json', title: 'Evidence', size: 13, filetype: 'json' });
    const thread = emu.thread('C1', parent.ts ?? '');
    expect(thread[1]).toMatchObject({ text: 'audit record', files: [{ id: files[0]?.file.id }] });
    const download = await fetch(files[0]?.file.url_private ?? '');
    expect(await download.text()).toBe('{"sha":"abc"}');
  });

  it('lets tests inject failures (rate limits)', async () => {
    emu.failNext('chat.update', { error: 'internal_error' });
    const posted = await web.chat.postMessage({ channel: 'C1', text: 'x' });
    expect((await platformError(web.chat.update({ channel: 'C1', ts: posted.ts ?? '', text: 'y' }))).error).toBe('internal_error');
    emu.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const raw = await fetch(`${emu.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C1', text: 'z' }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('7');
  });

  it('injects faults into Web API calls: applied then 500 or never answered, 500 unapplied, unreachable', async () => {
    const parent = await web.chat.postMessage({ channel: 'C1', text: 'card' });
    const ts = parent.ts ?? '';
    // after: applied, then a Slack-shaped 500
    const after = emu.inject({ method: 'POST', path: '/api/chat.update', mode: 'after' });
    await expect(web.chat.update({ channel: 'C1', ts, text: 'edited' })).rejects.toThrow(/500/);
    expect(after.hits).toBe(1);
    expect(emu.message('C1', ts)?.text).toBe('edited');
    // before: 500 and not applied; a custom status
    emu.inject({ method: 'POST', path: '/api/chat.update', mode: 'before', status: 503 });
    await expect(web.chat.update({ channel: 'C1', ts, text: 'lost' })).rejects.toThrow(/503/);
    expect(emu.message('C1', ts)?.text).toBe('edited');
    // hang-after: the reply is stored, no answer comes (the client's timeout fires)
    const hung = emu.inject({ method: 'POST', path: '/api/chat.postMessage', mode: 'hang-after' });
    const slow = new WebClient(TOKEN, { slackApiUrl: `${emu.url}/api/`, retryConfig: { retries: 0 }, logger: silent, timeout: 300 });
    await expect(slow.chat.postMessage({ channel: 'C1', thread_ts: ts, text: 'reply', metadata: { event_type: 'e', event_payload: { key: 'k1' } } })).rejects.toThrow();
    await hung.hit;
    expect(emu.thread('C1', ts).map((m) => m.text)).toEqual(['edited', 'reply']);
    expect(emu.calls.find((c) => c.path === '/api/chat.postMessage' && c.status === 0)?.body).toMatchObject({ text: 'reply', metadata: { event_payload: { key: 'k1' } } });
    // reset on every Web API call until removed, recorded with the body that was attempted
    const down = emu.inject({ path: /^\/api\//, mode: 'reset', times: Infinity });
    await expect(web.chat.postMessage({ channel: 'C1', text: 'during' })).rejects.toThrow();
    await expect(web.auth.test()).rejects.toThrow();
    expect(down.hits).toBe(2);
    expect(emu.calls.filter((c) => c.status === 0 && c.path === '/api/chat.postMessage').map((c) => (c.body as { text?: string }).text)).toEqual(['reply', 'during']);
    down.remove();
    expect((await web.auth.test()).ok).toBe(true);
    expect(emu.messages('C1').map((m) => m.text)).toEqual(['edited']);
    // failNext keeps working next to the plan
    emu.failNext('chat.update', { error: 'internal_error' });
    expect((await platformError(web.chat.update({ channel: 'C1', ts, text: 'y' }))).error).toBe('internal_error');
  });

  it('records calls and resolves waitFor from past and future calls/events', async () => {
    await web.chat.postMessage({ channel: 'C1', text: 'first' });
    const past = await emu.waitFor((c) => c.path === '/api/chat.postMessage', 100);
    expect(past).toMatchObject({ method: 'POST', status: 200, body: { channel: 'C1', text: 'first' } });
    expect(emu.calls.every((c) => typeof c.at === 'number')).toBe(true);

    const future = emu.waitFor<{ channel: string; message: { text: string } }>('message', (m) => m.message.text === 'second', 2000);
    await web.chat.postMessage({ channel: 'C1', text: 'second' });
    expect((await future).channel).toBe('C1');
    await expect(emu.waitFor('message', () => false, 20)).rejects.toThrow(/within 20 ms/);
  });
});

/** A minimal bot: verifies Slack's signature, records what it got, acks with `reply`. */
async function rawBot(reply: (form: URLSearchParams) => { status: number; body: string; type?: string }) {
  const received: Array<{ headers: http.IncomingHttpHeaders; form: URLSearchParams; raw: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const ts = Number(req.headers['x-slack-request-timestamp']);
      const valid = req.headers['x-slack-signature'] === signSlackRequest(SECRET, ts, raw);
      const form = new URLSearchParams(raw);
      received.push({ headers: req.headers, form, raw });
      const out = valid ? reply(form) : { status: 401, body: '' };
      res.writeHead(out.status, { 'content-type': out.type ?? 'application/json' });
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, received, close };
}

describe('SlackEmulator client side (Slack → bot)', () => {
  it('sends slash commands form-encoded and signed, with a response_url and trigger_id', async () => {
    const bot = await rawBot(() => ({ status: 200, body: '' }));
    const emu = seeded();
    await emu.start();
    emu.botUrl = bot.url;
    try {
      const res = await emu.sendSlashCommand({ command: '/promote', text: 'markets prod', userId: 'U1', channelId: 'C1' });
      expect(res.status).toBe(200);
      expect(res.ackMs).toBeGreaterThanOrEqual(0);
      const got = bot.received[0];
      expect(got?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(got?.form ?? [])).toMatchObject({
        team_id: 'T123',
        channel_id: 'C1',
        channel_name: 'releases',
        user_id: 'U1',
        user_name: 'alice',
        command: '/promote',
        text: 'markets prod',
        api_app_id: 'A0SHIPGATE',
        is_enterprise_install: 'false',
        trigger_id: res.triggerId,
        response_url: res.responseUrl,
      });
      expect(got?.form.get('token')).toEqual(expect.any(String));
      expect(got?.headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);

      const forged = await emu.sendSlashCommand({ text: 'x', userId: 'U1', channelId: 'C1' }, { signingSecret: 'not-the-secret' });
      expect(forged.status).toBe(401);
    } finally {
      await emu.stop();
      await bot.close();
    }
  });

  it('shows a slash-command ack body as an ephemeral (or in_channel) message', async () => {
    let body = JSON.stringify({ text: 'Usage: /promote <service> <env>' });
    const bot = await rawBot(() => ({ status: 200, body }));
    const emu = seeded();
    emu.botUrl = bot.url;
    await emu.start();
    try {
      await emu.sendSlashCommand({ text: 'help', userId: 'U2', channelId: 'C1' });
      expect(emu.ephemerals('U2').map((e) => [e.text, e.source])).toEqual([['Usage: /promote <service> <env>', 'ack']]);
      body = JSON.stringify({ response_type: 'in_channel', text: 'public' });
      await emu.sendSlashCommand({ text: 'status', userId: 'U2', channelId: 'C1' });
      expect(emu.messages('C1').map((m) => m.text)).toEqual(['public']);
    } finally {
      await emu.stop();
      await bot.close();
    }
  });

  it('applies response_url posts: ephemeral, in_channel, replace_original, delete_original; 5 uses, 30 min', async () => {
    let now = Date.UTC(2026, 0, 12, 9, 0, 0);
    const bot = await rawBot(() => ({ status: 200, body: '' }));
    const emu = seeded(() => now);
    emu.botUrl = bot.url;
    await emu.start();
    const web = client(emu);
    const post = (url: string, body: Record<string, unknown>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    try {
      const cmd = await emu.sendSlashCommand({ text: 'status', userId: 'U1', channelId: 'C1' });
      const url = cmd.responseUrl ?? '';
      expect((await post(url, { text: 'only you' })).status).toBe(200);
      expect(emu.ephemerals('U1').map((e) => [e.text, e.source])).toEqual([['only you', 'response_url']]);
      await post(url, { response_type: 'in_channel', text: 'everyone' });
      expect(emu.messages('C1').map((m) => m.text)).toEqual(['everyone']);
      await post(url, { text: '3' });
      await post(url, { text: '4' });
      await post(url, { text: '5' });
      expect(await (await post(url, { text: '6' })).json()).toEqual({ ok: false, error: 'used_url' });

      const msg = await web.chat.postMessage({
        channel: 'C1',
        text: 'approve?',
        blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' }, value: 'p1' }] }],
      });
      const click = await emu.sendBlockAction({ userId: 'U2', channelId: 'C1', messageTs: msg.ts ?? '', actionId: 'go' });
      await post(click.responseUrl ?? '', { replace_original: true, text: 'done' });
      expect(emu.message('C1', msg.ts ?? '')?.text).toBe('done');
      await post(click.responseUrl ?? '', { delete_original: true });
      expect(emu.message('C1', msg.ts ?? '')).toBeUndefined();

      const late = await emu.sendSlashCommand({ text: 'x', userId: 'U1', channelId: 'C1' });
      now += 30 * 60 * 1000 + 1;
      expect(await (await post(late.responseUrl ?? '', { text: 'late' })).json()).toEqual({ ok: false, error: 'expired_url' });
    } finally {
      await emu.stop();
      await bot.close();
    }
  });

  it('updates an open modal with views.update (hash checked)', async () => {
    const bot = await rawBot(() => ({ status: 200, body: '' }));
    const emu = seeded();
    emu.botUrl = bot.url;
    await emu.start();
    const web = client(emu);
    const view = (text: string) => ({
      type: 'modal' as const,
      callback_id: 'override',
      title: { type: 'plain_text' as const, text },
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    });
    try {
      const cmd = await emu.sendSlashCommand({ text: 'x', userId: 'U1', channelId: 'C1' });
      const opened = await web.views.open({ trigger_id: cmd.triggerId, view: view('one') });
      const id = opened.view?.id ?? '';
      expect((await platformError(web.views.update({ view_id: id, hash: 'stale', view: view('two') }))).error).toBe('hash_conflict');
      const updated = await web.views.update({ view_id: id, hash: opened.view?.hash, view: view('two') });
      expect(updated.view).toMatchObject({ id, callback_id: 'override', title: { text: 'two' }, root_view_id: id });
      expect(emu.views().map((v) => [v.view.id, v.open])).toEqual([[id, true]]);
      expect(emu.events.filter((e) => e.type === 'view').map((e) => (e.data as { action: string }).action)).toEqual(['open', 'update']);
    } finally {
      await emu.stop();
      await bot.close();
    }
  });

  it('expires trigger ids after 3 s on the emulator clock and refuses reuse', async () => {
    let now = Date.UTC(2026, 0, 12, 9, 0, 0);
    const bot = await rawBot(() => ({ status: 200, body: '' }));
    const emu = seeded(() => now);
    emu.botUrl = bot.url;
    await emu.start();
    const web = client(emu);
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Reject' }, blocks: [] };
    try {
      const first = await emu.sendSlashCommand({ text: 'x', userId: 'U1', channelId: 'C1' });
      expect(bot.received[0]?.headers['x-slack-request-timestamp']).toBe(String(now / 1000));
      now += 3001;
      expect((await platformError(web.views.open({ trigger_id: first.triggerId, view }))).error).toBe('expired_trigger_id');

      const second = await emu.sendSlashCommand({ text: 'x', userId: 'U1', channelId: 'C1' });
      now += 2999;
      expect((await web.views.open({ trigger_id: second.triggerId, view })).ok).toBe(true);
      expect((await platformError(web.views.open({ trigger_id: second.triggerId, view }))).error).toBe('trigger_exchanged');
      expect((await platformError(web.views.open({ trigger_id: 'nope', view }))).error).toBe('invalid_trigger_id');
    } finally {
      await emu.stop();
      await bot.close();
    }
  });

  it('reports a timeout when the bot does not ack within the ack window', async () => {
    const server = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const emu = new SlackEmulator({
      signingSecret: SECRET,
      ackTimeoutMs: 50,
      users: [{ id: 'U1', name: 'alice' }],
      channels: [{ id: 'C1', name: 'releases' }],
      botUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    });
    await emu.start();
    try {
      const res = await emu.sendSlashCommand({ text: 'x', userId: 'U1', channelId: 'C1' });
      expect(res).toMatchObject({ status: 0, error: 'operation_timeout' });
    } finally {
      await emu.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('SlackEmulator with a real Bolt app', () => {
  let emu: SlackEmulator;
  let app: App;
  let server: http.Server;
  const seen: { submission?: unknown; action?: unknown } = {};

  beforeAll(async () => {
    emu = seeded();
    await emu.start();
    app = new App({
      token: TOKEN,
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: `${emu.url}/api/`, retryConfig: { retries: 0 } },
    });
    app.command('/promote', async ({ ack, command, client: c, respond }) => {
      await ack();
      if (command.text === 'reject') {
        await c.views.open({
          trigger_id: command.trigger_id,
          view: {
            type: 'modal',
            callback_id: 'reject_reason',
            private_metadata: 'promo-1',
            title: { type: 'plain_text', text: 'Reject promotion' },
            submit: { type: 'plain_text', text: 'Reject' },
            blocks: [
              {
                type: 'input',
                block_id: 'reason',
                label: { type: 'plain_text', text: 'Reason' },
                element: { type: 'plain_text_input', action_id: 'value' },
              },
            ],
          },
        });
        return;
      }
      await c.chat.postMessage({
        channel: command.channel_id,
        text: `Promotion requested by <@${command.user_id}>`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Promote *markets* to *prod*' } },
          {
            type: 'actions',
            block_id: 'decide',
            elements: [
              { type: 'button', action_id: 'approve', value: 'promo-1', text: { type: 'plain_text', text: 'Approve' }, style: 'primary' },
              { type: 'button', action_id: 'reject', value: 'promo-1', text: { type: 'plain_text', text: 'Reject' } },
            ],
          },
        ],
      });
      await respond({ text: 'request received' });
    });
    app.action('approve', async ({ ack, body, respond }) => {
      await ack();
      seen.action = body;
      await respond({ replace_original: true, text: 'Approved by alice' });
    });
    app.view('reject_reason', async ({ ack, view, body }) => {
      const reason = view.state.values.reason?.value?.value ?? '';
      if (reason.length < 3) {
        await ack({ response_action: 'errors', errors: { reason: 'Say why (3+ characters)' } });
        return;
      }
      seen.submission = { reason, metadata: view.private_metadata, user: body.user.id };
      await ack();
    });
    server = (await app.start(0)) as http.Server;
    emu.botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await app.stop();
    await emu.stop();
  });

  it('drives a slash command → message with buttons → click → response_url replace', async () => {
    const ack = await emu.sendSlashCommand({ text: 'markets prod', userId: 'U1', channelId: 'C1' });
    expect(ack.status).toBe(200);
    const posted = await emu.waitFor<{ channel: string; ts: string }>('message', (m) => m.channel === 'C1', 2000);
    await emu.waitFor('ephemeral', (e: { text: string }) => e.text === 'request received', 2000);

    const click = await emu.sendBlockAction({ userId: 'U1', channelId: 'C1', messageTs: posted.ts, actionId: 'approve' });
    expect(click.status).toBe(200);
    const payload = click.payload as { actions: Array<Record<string, unknown>>; container: Record<string, unknown> };
    expect(payload.actions[0]).toMatchObject({
      type: 'button',
      block_id: 'decide',
      action_id: 'approve',
      value: 'promo-1',
      text: { type: 'plain_text', text: 'Approve' },
    });
    expect(payload.container).toEqual({ type: 'message', message_ts: posted.ts, channel_id: 'C1', is_ephemeral: false });
    expect(seen.action).toMatchObject({
      type: 'block_actions',
      user: { id: 'U1', username: 'alice' },
      channel: { id: 'C1', name: 'releases' },
      message: { ts: posted.ts },
    });
    await emu.waitFor('update', (u: { ts: string; source: string }) => u.ts === posted.ts && u.source === 'response_url', 2000);
    expect(emu.message('C1', posted.ts)?.text).toBe('Approved by alice');
    expect(emu.history('C1', posted.ts)).toHaveLength(2);
  });

  it('opens a modal with the trigger_id and applies view_submission acks (errors, then close)', async () => {
    await emu.sendSlashCommand({ text: 'reject', userId: 'U2', channelId: 'C1' });
    const opened = await emu.waitFor<{ view: { id: string; callback_id: string } }>('view', (v) => v.view.callback_id === 'reject_reason', 2000);
    const record = emu.views().find((v) => v.view.id === opened.view.id);
    expect(record).toMatchObject({
      userId: 'U2',
      open: true,
      view: { type: 'modal', callback_id: 'reject_reason', private_metadata: 'promo-1', state: { values: {} } },
    });
    expect(record?.view.id).toMatch(/^V/);

    const tooShort = await emu.sendViewSubmission({
      userId: 'U2',
      viewId: opened.view.id,
      values: { reason: { value: { type: 'plain_text_input', value: 'no' } } },
    });
    expect(tooShort.body).toEqual({ response_action: 'errors', errors: { reason: 'Say why (3+ characters)' } });
    expect(emu.views().find((v) => v.view.id === opened.view.id)?.errors).toEqual({ reason: 'Say why (3+ characters)' });

    await emu.sendViewSubmission({
      userId: 'U2',
      viewId: opened.view.id,
      values: { reason: { value: { type: 'plain_text_input', value: 'tests are red' } } },
    });
    expect(seen.submission).toEqual({ reason: 'tests are red', metadata: 'promo-1', user: 'U2' });
    expect(emu.views().find((v) => v.view.id === opened.view.id)?.open).toBe(false);
  });

  it('is refused by Bolt when the timestamp is stale', async () => {
    const res = await emu.sendSlashCommand({ text: 'x', userId: 'U1', channelId: 'C1' }, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
  });
});
