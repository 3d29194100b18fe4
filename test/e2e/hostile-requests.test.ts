import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import path from 'node:path';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { GitHubEmulator } from '../../src/emulators/github-emulator';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';
import { freePort } from '../helpers/free-port';
import { malformedSlackRequests, signedSlack } from '../helpers/malformed-slack';

jest.setTimeout(180_000);

const SIGNING_SECRET = 'hostile-signing-secret';
const WEBHOOK_SECRET = 'hostile-webhook-secret';

/** Runs `work` over `items` with at most `n` at a time. */
async function pooled<T, R>(items: T[], n: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

/**
 * Streams `total` bytes to `url` with a declared Content-Length and reports the answer and how much
 * had been written when it came: a server that refuses without reading answers long before the end.
 */
function streamBody(url: string, headers: Record<string, string>, total: number, chunked = false): Promise<{ status: number; writtenWhenAnswered: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let answered = false;
    const req = http.request(url, { method: 'POST', headers: { ...headers, ...(chunked ? {} : { 'content-length': String(total) }) } }, (res) => {
      answered = true;
      const writtenWhenAnswered = written;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, writtenWhenAnswered }));
      req.destroy();
    });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('the built `shipgate serve` survives hostile requests', () => {
  let child: ChildProcess;
  let out = '';
  let base = '';
  const prefix = uniquePrefix('hostile');
  const slack = new SlackEmulator({ token: 'xoxb-hostile', signingSecret: SIGNING_SECRET, users: [{ id: 'U0ENGINEER', name: 'erin' }], channels: [{ id: 'C0RELEASES', name: 'releases' }] });
  const github = new GitHubEmulator({ token: 'ghp_hostile' });

  beforeAll(async () => {
    await Promise.all([slack.start(), github.start()]);
    const port = await freePort();
    const root = path.join(__dirname, '..', '..');
    child = spawn(process.execPath, [path.join(root, 'bin', 'shipgate.js'), 'serve', '--role', 'web', '--config', path.join(root, 'examples', 'shipgate.yml')], {
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: 'xoxb-hostile',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: `${slack.url}/api/`,
        GITHUB_TOKEN: 'ghp_hostile',
        // the example config has ServiceNow rules: serve refuses to start without credentials
        SERVICENOW_INSTANCE_URL: 'http://127.0.0.1:9',
        SERVICENOW_TOKEN: 'sn-e2e-token',
        GITHUB_API_URL: github.url,
        GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
        REDIS_URL,
        SHIPGATE_REDIS_PREFIX: prefix,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += String(d)));
    child.stderr!.on('data', (d) => (out += String(d)));
    base = `http://127.0.0.1:${port}`;
    await waitUntil('readyz 200', async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 20_000, 100);
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await Promise.all([slack.stop(), github.stop()]);
    await dropPrefix(prefix);
  });

  const alive = async () => {
    expect(child.exitCode).toBeNull();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  };

  it('a signed `payload=null` is refused with 400 and the process keeps answering', async () => {
    const body = 'payload=null';
    const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: signedSlack(SIGNING_SECRET, body), body });
    expect(res.status).toBe(400);
    await alive();
  });

  it('a signed webhook `null` without X-GitHub-Delivery is refused with 400 and the process keeps answering', async () => {
    const body = 'null';
    const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
    const res = await fetch(`${base}/github/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-hub-signature-256': signature }, body });
    expect(res.status).toBe(400);
    await alive();
    expect(out).not.toContain('ERR_STREAM_WRITE_AFTER_END');
  });

  it('hundreds of malformed signed Slack requests: never a 5xx, unknown types refused at once (not after the 3 s unhandled-request timeout)', async () => {
    const requests = malformedSlackRequests(SIGNING_SECRET);
    expect(requests.length).toBeGreaterThan(300);
    const answers = await pooled(requests, 8, async (r) => {
      const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: r.headers, body: r.body });
      await res.arrayBuffer();
      return { label: r.label, status: res.status };
    });
    expect(answers.filter((a) => a.status >= 500 || a.status < 200)).toEqual([]);
    // 404 is what Bolt answers when nothing acknowledged the request within its timeout
    expect(answers.filter((a) => a.status === 404)).toEqual([]);
    expect(answers.find((a) => a.label === 'payload=null')?.status).toBe(400);
    expect(answers.find((a) => a.label === 'type=no_such_type')?.status).toBe(400);
    expect(answers.find((a) => a.label === 'unknown action id')?.status).toBe(400);
    await alive();
  });

  it('webhooks: unsigned → 401 and an over-size body → 413, both before the body is read', async () => {
    // far more than loopback's socket buffers can hold (tcp_rmem max 32 MB + tcp_wmem max 4 MB here), so
    // a client that got everything written before the answer means the server read the body
    const total = 160 * 1024 * 1024;
    const unsigned = await streamBody(`${base}/github/webhooks`, { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'd-unsigned' }, total);
    expect(unsigned.status).toBe(401);
    expect(unsigned.writtenWhenAnswered).toBeLessThan(total);
    const signedHeader = { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'd-big', 'x-hub-signature-256': 'sha256=00' };
    const big = await streamBody(`${base}/github/webhooks`, signedHeader, total);
    expect(big.status).toBe(413);
    expect(big.writtenWhenAnswered).toBeLessThan(total);
    // without a Content-Length the body is read up to the 25 MB cap, then no further
    const endless = 256 * 1024 * 1024;
    const chunked = await streamBody(`${base}/github/webhooks`, { ...signedHeader, 'x-github-delivery': 'd-chunked' }, endless, true);
    expect(chunked.status).toBe(413);
    expect(chunked.writtenWhenAnswered).toBeLessThan(endless);
    await alive();
  });
});
