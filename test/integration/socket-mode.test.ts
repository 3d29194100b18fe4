/**
 * shipgate in Socket Mode (SLACK_APP_TOKEN) against the Slack emulator over a real WebSocket and
 * real Redis: Bolt's SocketModeReceiver asks `apps.connections.open` (on the emulator, through
 * SLACK_API_URL) for a ticket, and every command, click and modal submission reaches the bot as an
 * envelope; nothing is POSTed to /slack/events.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { REJECT_CALLBACK } from '../../src/adapters/slack/blocks/reject-modal';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { DEMO_CHANNELS, DEMO_USERS } from '../../src/sandbox/demo-workspace';
import { startSandbox } from '../../src/sandbox/start-sandbox';
import { APP_TOKEN, CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { freePort } from '../helpers/free-port';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(60_000);

function dispatches(h: Harness) {
  return h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/dispatches'));
}

function eventsOf<T>(h: Harness, type: string): T[] {
  return h.slack.events.filter((e) => e.type === type).map((e) => e.data as T);
}

async function auditTypes(h: Harness, id: string): Promise<string[]> {
  return (await h.app.audit.forPromotion(id)).map((e) => e.type);
}

async function readyz(url: string): Promise<{ status: number; body: { reasons?: string[]; socketMode?: { connected: boolean } } }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { reasons?: string[]; socketMode?: { connected: boolean } } };
}

describe('Socket Mode over a real WebSocket', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('socket', { socketMode: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('runs request → approve → dispatch → evidence with every ack inside the envelope window', async () => {
    expect(h.slack.socket.openConnections()).toHaveLength(1);
    expect(h.slack.socket.ticketsIssued).toBe(1);
    const p = await h.request('markets-pipeline prod reason="socket release"', USERS.rm1);
    await h.click(p, ACTIONS.approve, USERS.outsider);
    await waitUntil('refusal for outsider', () => h.ephemeralsFor(USERS.outsider).find((t) => t.includes('not an approver of `prod`')));
    const approve = await h.click(p, ACTIONS.approve, USERS.rm2);
    expect(approve).toMatchObject({ status: 200, attempts: 1 });
    expect(approve.ackMs).toBeLessThan(3000);
    const done = await h.waitState(p.id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    expect(done.approvals.map((a) => a.userId)).toEqual([USERS.rm2]);
    expect(dispatches(h)).toHaveLength(1);
    const thread = await waitUntil('evidence in the thread', () => {
      const t = h.slack.thread(CHANNEL, p.messageTs!).map((m) => m.text).join('\n');
      return t.includes('Succeeded') ? t : undefined;
    });
    expect(thread).toContain(done.evidence.runs[0]!.url);
    await waitUntil('evidence pack', async () => (await auditTypes(h, p.id)).includes('evidence_published'));

    // everything came over the socket: envelopes of both kinds, each acked once in time, no HTTP to the bot
    const envelopes = eventsOf<{ type: string; attempt: number }>(h, 'envelope');
    expect(envelopes.filter((e) => e.type === 'slash_commands')).toHaveLength(1);
    expect(envelopes.filter((e) => e.type === 'interactive')).toHaveLength(2);
    expect(envelopes.every((e) => e.attempt === 0)).toBe(true);
    expect(eventsOf<{ late: boolean }>(h, 'socket_ack').every((a) => !a.late)).toBe(true);
    expect(eventsOf(h, 'socket_ack_timeout')).toHaveLength(0);
    expect(h.slack.calls.filter((c) => c.path === '/api/apps.connections.open')).toHaveLength(1);
  });

  it('returns a modal ack payload (response_action) over the socket like the HTTP ack body', async () => {
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await h.click(p, ACTIONS.reject, USERS.rm2);
    const opened = await h.slack.waitFor<{ action: string; view: { id: string; callback_id: string } }>('view', (v) => v.action === 'open');
    expect(opened.view.callback_id).toBe(REJECT_CALLBACK);
    const empty = await h.slack.sendViewSubmission({ userId: USERS.rm2, viewId: opened.view.id, values: { reason: { value: { type: 'plain_text_input', value: ' ' } } } });
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { reason: 'A rejection needs a reason.' } });
    await h.slack.sendViewSubmission({ userId: USERS.rm2, viewId: opened.view.id, values: { reason: { value: { type: 'plain_text_input', value: 'CAB said no' } } } });
    expect((await h.waitState(p.id, 'rejected')).rejection).toMatchObject({ by: USERS.rm2, reason: 'CAB said no' });
  });

  it('acts once on an envelope whose ack was late and which Slack re-delivered', async () => {
    // the command's first ack is lost: re-delivered with retry_attempt 1, one promotion only
    h.slack.socket.missNextAcks(1);
    const before = (await h.app.repo.recent(100)).length;
    const cmd = await h.promote('markets-pipeline prod', USERS.rm1);
    expect(cmd).toMatchObject({ status: 200, attempts: 2 });
    const p = await waitUntil('the promotion', async () => (await h.app.repo.recent(10)).find((x) => x.state === 'awaiting_approval'));
    await waitUntil('the approval card', () => h.slack.message(CHANNEL, p.messageTs ?? '')?.text.includes('awaiting approval'));
    expect((await h.app.repo.recent(100)).length).toBe(before + 1);

    // the approval's first ack is lost too
    h.slack.socket.missNextAcks(1);
    const fresh = (await h.app.repo.get(p.id))!;
    const click = await h.click(fresh, ACTIONS.approve, USERS.rm2);
    expect(click).toMatchObject({ status: 200, attempts: 2 });
    const retries = eventsOf<{ attempt: number; type: string }>(h, 'envelope').filter((e) => e.attempt === 1);
    expect(retries.map((e) => e.type).sort()).toEqual(['interactive', 'slash_commands']);
    expect((await h.waitState(p.id, ['succeeded', 'failed'])).state).toBe('succeeded');
    expect(dispatches(h)).toHaveLength(1);
    const types = await auditTypes(h, p.id);
    expect(types.filter((t) => t === 'requested')).toHaveLength(1);
    expect(types.filter((t) => t === 'approved')).toHaveLength(1);
    expect(h.slack.messages(CHANNEL)).toHaveLength(1);
  });

  it('reconnects with a fresh ticket after refresh_requested and after a dropped connection, losing and doubling nothing', async () => {
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    const firstConnection = h.slack.socket.openConnections()[0]!.id;

    h.slack.socket.disconnect('refresh_requested');
    await waitUntil('a new connection after refresh_requested', () => h.slack.socket.openConnections().some((c) => c.id !== firstConnection));
    expect(h.slack.socket.ticketsIssued).toBe(2);

    // mid-flow: the approval envelope goes out, its ack is lost and the connection drops
    const second = h.slack.socket.openConnections()[0]!.id;
    h.slack.socket.missNextAcks(1);
    const clicking = h.click(p, ACTIONS.approve, USERS.rm2);
    await h.slack.waitFor<{ attempt: number; type: string }>('envelope', (e) => e.type === 'interactive' && e.attempt === 0);
    h.slack.socket.drop(second);
    const click = await clicking;
    expect(click.status).toBe(200);
    expect(click.attempts).toBeGreaterThanOrEqual(2);
    expect(h.slack.socket.openConnections().some((c) => c.id !== firstConnection && c.id !== second)).toBe(true);
    expect(h.slack.socket.ticketsIssued).toBe(3);

    expect((await h.waitState(p.id, ['succeeded', 'failed'])).state).toBe('succeeded');
    expect(dispatches(h)).toHaveLength(1);
    const types = await auditTypes(h, p.id);
    expect(types.filter((t) => t === 'approved')).toHaveLength(1);
    expect(types.filter((t) => t === 'workflow_dispatched')).toHaveLength(1);
  });

  it('answers /readyz 503 while no socket is connected, 200 again once it reconnects', async () => {
    expect((await readyz(h.app.url)).status).toBe(200);
    // apps.connections.open fails (recoverably) while the connection is down
    const fault = h.slack.inject({ method: 'POST', path: '/api/apps.connections.open', mode: 'before', status: 200, body: { ok: false, error: 'internal_error' }, times: Infinity });
    h.slack.socket.drop();
    const down = await waitUntil('readyz to report no socket', async () => {
      const r = await readyz(h.app.url);
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.reasons).toContain('slack socket mode: no WebSocket connected');
    expect(down.body.socketMode).toEqual({ connected: false });
    fault.remove();
    await waitUntil('readyz ready after reconnecting', async () => (await readyz(h.app.url)).status === 200, 20_000);
    expect(h.slack.socket.openConnections()).toHaveLength(1);
  });

  it('two replicas each hold a connection; envelopes spread across them and each acts once', async () => {
    await h.startAnother('web');
    expect(h.slack.socket.openConnections()).toHaveLength(2);
    const a = await h.request('markets-pipeline prod', USERS.rm1);
    await h.click(a, ACTIONS.approve, USERS.rm2);
    expect((await h.waitState(a.id, ['succeeded', 'failed'])).state).toBe('succeeded');
    const used = new Set(eventsOf<{ connection: number }>(h, 'envelope').map((e) => e.connection));
    expect(used.size).toBe(2);
    expect((await h.app.repo.recent(100)).map((p) => p.id)).toEqual([a.id]);
    expect((await auditTypes(h, a.id)).filter((t) => t === 'approved')).toHaveLength(1);
    expect(dispatches(h).filter((d) => (d.body as { inputs?: { promotion?: string } }).inputs?.promotion === a.id)).toHaveLength(1);
  });
});

describe('shipgate serve in Socket Mode', () => {
  function exited(child: ChildProcess, withinMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'still running'> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('still running'), withinMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
  }

  it('exits with status 0 within 10 s of SIGTERM while its socket is open', async () => {
    const prefix = uniquePrefix('socket-serve');
    const slack = new SlackEmulator({ token: 'xoxb-socket-serve', appToken: APP_TOKEN, socketMode: true, users: [{ id: 'U0ERIN', name: 'erin' }], channels: [{ id: 'C0REL', name: 'releases' }] });
    await slack.start();
    const port = await freePort();
    const root = path.join(__dirname, '..', '..');
    const child = spawn(process.execPath, [path.join(root, 'bin', 'shipgate.js'), 'serve', '--role', 'web', '--config', path.join(root, 'examples', 'shipgate.yml')], {
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: 'xoxb-socket-serve',
        SLACK_APP_TOKEN: APP_TOKEN,
        SLACK_API_URL: `${slack.url}/api/`,
        GITHUB_TOKEN: 'ghp_socket',
        GITHUB_API_URL: 'http://127.0.0.1:9',
        SERVICENOW_INSTANCE_URL: 'http://127.0.0.1:9',
        SERVICENOW_TOKEN: 'sn-e2e-token',
        REDIS_URL,
        SHIPGATE_REDIS_PREFIX: prefix,
        PORT: String(port),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += String(d)));
    child.stderr!.on('data', (d) => (out += String(d)));
    try {
      await waitUntil('the socket to be open', () => slack.socket.openConnections().length === 1, 20_000);
      await waitUntil('shipgate to be ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 20_000, 100);
      expect(out).toContain('Socket Mode connected to Slack');
      child.kill('SIGTERM');
      const result = await exited(child, 10_000);
      if (result === 'still running') throw new Error(`still running 10 s after SIGTERM; output:\n${out.slice(-4000)}`);
      expect(result).toEqual({ code: 0, signal: null });
      await waitUntil('the emulator to see the socket close', () => slack.socket.openConnections().length === 0, 5000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await slack.stop();
      await dropPrefix(prefix);
    }
  });
});

describe('sandbox --socket-mode', () => {
  it("delivers the console's commands to the bot over the WebSocket", async () => {
    const prefix = uniquePrefix('socket-sandbox');
    const sb = await startSandbox({ port: 0, redisUrl: REDIS_URL, prefix, logLevel: 'silent', freezeCalendar: false, socketMode: true, log: () => undefined });
    try {
      expect(sb.slack.socket.openConnections()).toHaveLength(1);
      const user = DEMO_USERS[0]!.id;
      const res = await fetch(`${sb.url}console/api/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, channel: DEMO_CHANNELS[0]!.id, text: '/promote help' }) });
      expect(await res.json()).toMatchObject({ ok: true, status: 200 });
      expect(sb.slack.events.filter((e) => e.type === 'envelope').map((e) => (e.data as { type: string }).type)).toEqual(['slash_commands']);
      const help = await waitUntil('the help reply', () => sb.slack.ephemerals(user)[0]);
      expect(JSON.stringify(help)).toContain('promote');
    } finally {
      await sb.close();
      await dropPrefix(prefix);
    }
  });
});
