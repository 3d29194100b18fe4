/**
 * The Slack emulator's Socket Mode, seen from a raw `ws` client: what Slack documents
 * (API-NOTES.md, Socket Mode) and what a Socket Mode client relies on.
 */
import { WebSocket } from 'ws';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { waitUntil } from '../helpers/wait-until';

const APP_TOKEN = 'xapp-1-A0TEST-emulator';

interface Frame {
  type?: string;
  envelope_id?: string;
  payload?: Record<string, unknown>;
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
  reason?: string;
  num_connections?: number;
  connection_info?: { app_id: string };
}

async function open(slack: SlackEmulator, headers: Record<string, string> = { authorization: `Bearer ${APP_TOKEN}` }, body = ''): Promise<{ ok: boolean; url?: string; error?: string }> {
  const res = await fetch(`${slack.url}/api/apps.connections.open`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  return (await res.json()) as { ok: boolean; url?: string; error?: string };
}

/** A raw client: collects frames; `auto` acks each envelope with `ackWith(frame)`. */
class RawClient {
  readonly frames: Frame[] = [];
  ackWith: ((f: Frame) => Record<string, unknown> | undefined | 'skip') | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as Frame;
      this.frames.push(f);
      if (f.envelope_id && this.ackWith) {
        const payload = this.ackWith(f);
        if (payload !== 'skip') ws.send(JSON.stringify({ envelope_id: f.envelope_id, ...(payload ? { payload } : {}) }));
      }
    });
  }
  static async connect(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    const c = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await waitUntil('hello', () => c.frames.find((f) => f.type === 'hello'));
    return c;
  }
  envelopes(): Frame[] {
    return this.frames.filter((f) => f.envelope_id);
  }
}

describe('Slack emulator: Socket Mode', () => {
  let slack: SlackEmulator;
  const clients: RawClient[] = [];
  beforeEach(async () => {
    slack = new SlackEmulator({ socketMode: true, appToken: APP_TOKEN, ackTimeoutMs: 300, users: [{ id: 'U1', name: 'una' }], channels: [{ id: 'C1', name: 'releases' }] });
    await slack.start();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await slack.stop();
  });

  it('apps.connections.open takes the app-level token in the Authorization header only', async () => {
    expect(await open(slack, {})).toEqual({ ok: false, error: 'not_authed' });
    expect(await open(slack, {}, `token=${APP_TOKEN}`)).toEqual({ ok: false, error: 'not_authed' });
    expect(await open(slack, { authorization: 'Bearer xoxb-bot-token' })).toEqual({ ok: false, error: 'not_allowed_token_type' });
    expect(await open(slack, { authorization: 'Bearer xapp-1-other' })).toEqual({ ok: false, error: 'invalid_auth' });
    const ok = await open(slack);
    expect(ok.ok).toBe(true);
    expect(ok.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]+&app_id=A0SHIPGATE$/);
  });

  it('a ticket URL works once; hello carries num_connections and the app id', async () => {
    const { url } = await open(slack);
    const c = await RawClient.connect(url!);
    clients.push(c);
    expect(c.frames[0]).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0SHIPGATE' } });
    await expect(RawClient.connect(url!)).rejects.toThrow(/401/);
    const second = await RawClient.connect((await open(slack)).url!);
    clients.push(second);
    expect(second.frames[0]).toMatchObject({ type: 'hello', num_connections: 2 });
    expect(slack.socket.openConnections()).toHaveLength(2);
  });

  it('delivers commands, clicks and events as envelopes spread over the connections, the ack payload returned', async () => {
    const a = await RawClient.connect((await open(slack)).url!);
    const b = await RawClient.connect((await open(slack)).url!);
    clients.push(a, b);
    for (const c of [a, b]) c.ackWith = (f) => (f.type === 'slash_commands' ? { response_type: 'ephemeral', text: 'on it' } : undefined);
    const r1 = await slack.sendSlashCommand({ text: 'markets prod', userId: 'U1', channelId: 'C1' });
    const r2 = await slack.sendSlashCommand({ text: 'markets int', userId: 'U1', channelId: 'C1' });
    expect(r1).toMatchObject({ status: 200, attempts: 1, body: { response_type: 'ephemeral', text: 'on it' } });
    expect(r2.status).toBe(200);
    expect(slack.ephemerals('U1').map((e) => e.text)).toEqual(['on it', 'on it']);
    expect(a.envelopes()).toHaveLength(1);
    expect(b.envelopes()).toHaveLength(1);
    const cmd = [...a.envelopes(), ...b.envelopes()][0]!;
    expect(cmd).toMatchObject({ type: 'slash_commands', accepts_response_payload: true, retry_attempt: 0, retry_reason: '' });
    expect(cmd.payload).toMatchObject({ command: '/promote', user_id: 'U1', channel_id: 'C1' });

    const ev = await slack.sendEvent({ type: 'app_mention', user: 'U1', text: 'hi', channel: 'C1' });
    expect(ev).toMatchObject({ status: 200, attempts: 1 });
    const envelope = [...a.envelopes(), ...b.envelopes()].find((f) => f.type === 'events_api')!;
    expect(envelope).toMatchObject({ accepts_response_payload: false, payload: { type: 'event_callback', event: { type: 'app_mention' } } });
  });

  it('re-delivers an envelope whose ack is missing or late, with retry_attempt and retry_reason', async () => {
    const c = await RawClient.connect((await open(slack)).url!);
    clients.push(c);
    let seen = 0;
    c.ackWith = () => (seen++ < 2 ? 'skip' : undefined);
    const r = await slack.sendEvent({ type: 'app_mention', text: 'x' });
    expect(r).toMatchObject({ status: 200, attempts: 3 });
    expect(c.envelopes().map((f) => [f.retry_attempt, f.retry_reason])).toEqual([
      [0, ''],
      [1, 'timeout'],
      [2, 'timeout'],
    ]);
    expect(new Set(c.envelopes().map((f) => JSON.stringify(f.payload))).size).toBe(1);

    // never acked: 1 + 3 retries, then operation_timeout
    c.ackWith = () => 'skip';
    const lost = await slack.sendEvent({ type: 'app_mention', text: 'y' });
    expect(lost).toMatchObject({ status: 0, attempts: 4, error: 'operation_timeout' });

    // an ack the emulator is told to miss counts as late
    c.ackWith = () => undefined;
    slack.socket.missNextAcks(1);
    expect(await slack.sendEvent({ type: 'app_mention', text: 'z' })).toMatchObject({ status: 200, attempts: 2 });
    expect(slack.events.some((e) => e.type === 'socket_ack' && (e.data as { late: boolean }).late)).toBe(true);
  });

  it('sends disconnect (warning closes the socket later) and drops connections', async () => {
    const slow = new SlackEmulator({ socketMode: true, socketWarningCloseMs: 200 });
    await slow.start();
    try {
      const c = await RawClient.connect((await open(slow)).url!);
      slow.socket.disconnect('warning');
      await waitUntil('disconnect frame', () => c.frames.find((f) => f.type === 'disconnect'));
      expect(c.frames.find((f) => f.type === 'disconnect')).toMatchObject({ reason: 'warning' });
      await waitUntil('server closes the warned socket', () => c.ws.readyState === WebSocket.CLOSED, 5000);
      const d = await RawClient.connect((await open(slow)).url!);
      const closed = new Promise<number>((resolve) => d.ws.once('close', (code) => resolve(code)));
      slow.socket.drop();
      expect(await closed).toBe(1006);
      expect(slow.socket.openConnections()).toHaveLength(0);
    } finally {
      await slow.stop();
    }
  });
});
