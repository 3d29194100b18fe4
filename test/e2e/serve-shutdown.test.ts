/**
 * `shipgate serve` (the built bin, roles all and web) stops within 10 s of SIGTERM or SIGINT,
 * with status 0, while Slack and GitHub cannot be reached: one is a black hole (accepts the
 * connection, never answers), the other a closed port (connection refused, so clients retry),
 * and work for both is in flight when the signal arrives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { signSlackRequest } from '../../src/emulators/slack-signature';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { BlackHole, closedPort } from '../helpers/black-hole';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');
const SIGNING_SECRET = 'shutdown-signing-secret';

/** A slash command as Slack sends it (signed, form-encoded), its response_url at `responseBase`. */
async function slashCommand(base: string, text: string, responseBase: string): Promise<number> {
  const body = new URLSearchParams({
    token: 'x',
    command: '/promote',
    text,
    response_url: `${responseBase}/commands/T0SHUTDOWN/1/abc`,
    trigger_id: '1.2.3',
    user_id: 'U0ERIN',
    user_name: 'erin',
    team_id: 'T0SHUTDOWN',
    team_domain: 'shutdown',
    channel_id: 'C0REL',
    channel_name: 'releases',
    api_app_id: 'A0SHUTDOWN',
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(SIGNING_SECRET, ts, body) },
    body,
    signal: AbortSignal.timeout(5000),
  });
  await res.text();
  return res.status;
}

function exited(child: ChildProcess, withinMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'still running'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still running'), withinMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

type Upstream = 'black hole' | 'closed port' | 'the emulator';
const cases: Array<[role: 'all' | 'web', signal: 'SIGTERM' | 'SIGINT', slack: Upstream, github: Exclude<Upstream, 'the emulator'>]> = [
  ['all', 'SIGTERM', 'black hole', 'closed port'],
  ['all', 'SIGINT', 'closed port', 'black hole'],
  ['web', 'SIGTERM', 'closed port', 'black hole'],
  ['web', 'SIGINT', 'black hole', 'closed port'],
  // Slack answers, so the promotion reaches the worker, whose evaluation job hangs on GitHub
  ['all', 'SIGTERM', 'the emulator', 'black hole'],
];

it.each(cases)('role %s stops on %s within 10 s with status 0 (Slack: %s, GitHub: %s)', async (role, signal, slackKind, githubKind) => {
  const prefix = uniquePrefix(`shutdown-${role}`);
  const hole = new BlackHole();
  await hole.start();
  const emulator = new SlackEmulator({ token: 'xoxb-shutdown', signingSecret: SIGNING_SECRET, users: [{ id: 'U0ERIN', name: 'erin' }], channels: [{ id: 'C0REL', name: 'releases' }] });
  if (slackKind === 'the emulator') await emulator.start();
  const refused = `http://127.0.0.1:${await closedPort()}`;
  const slackUrl = { 'black hole': hole.url, 'closed port': refused, 'the emulator': emulator.url }[slackKind];
  const githubUrl = githubKind === 'black hole' ? hole.url : refused;
  const port = Number(new URL(`http://127.0.0.1:${await closedPort()}`).port);
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'shipgate.js'), 'serve', '--role', role, '--config', path.join(ROOT, 'examples', 'shipgate.yml')], {
    env: {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: 'xoxb-shutdown',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: `${slackUrl}/api/`,
      GITHUB_TOKEN: 'ghp_shutdown',
      // the example config has ServiceNow rules: serve refuses to start without credentials
      SERVICENOW_INSTANCE_URL: 'http://127.0.0.1:9',
      SERVICENOW_TOKEN: 'sn-e2e-token',
      GITHUB_API_URL: githubUrl,
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
    const base = `http://127.0.0.1:${port}`;
    await waitUntil('shipgate to listen', async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200, 20_000, 100);
    // Slack work (a promotion request posts its approval message) and GitHub work (a plan reads runs and commits)
    await slashCommand(base, 'databricks-jobs test', slackUrl);
    await slashCommand(base, 'plan markets-pipeline prod', slackUrl);
    if (githubKind === 'black hole') await waitUntil('a GitHub request to hang in the black hole', () => hole.requests.some((r) => r.includes('/repos/')), 10_000);
    if (slackKind === 'the emulator') await emulator.waitFor('message', () => true, 10_000); // the approval message, so the evaluation job runs
    if (slackKind === 'black hole') await waitUntil('a Slack request to hang in the black hole', () => hole.requests.some((r) => r.includes('/api/')), 10_000);

    child.kill(signal);
    const result = await exited(child, 10_000);
    if (result === 'still running') throw new Error(`still running 10 s after ${signal}; output:\n${out.slice(-4000)}`);
    expect(result).toEqual({ code: 0, signal: null });
    expect(out).toContain('"msg":"shutting down"');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([hole.stop(), emulator.stop()]);
    await dropPrefix(prefix);
  }
});
