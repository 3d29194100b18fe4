/**
 * /readyz and the bot token: Slack answering auth.test with invalid_auth makes the bot not
 * ready (503, with the reason), logged once however often it is probed; once Slack accepts
 * the token again the re-check (with backoff) makes it ready (200) without a restart.
 */
import { parseConfig } from '../../src/config/load-config';
import { envSchema } from '../../src/config/env-schema';
import { startShipgate, type Shipgate } from '../../src/main';
import type { Logger } from '../../src/app/logger';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { BASE_CONFIG } from '../helpers/harness';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';

interface Line {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: object;
  msg: string;
}

function recordingLogger(lines: Line[]): Logger {
  const at =
    (level: Line['level']) =>
    (obj: object, msg = ''): void => {
      lines.push({ level, obj, msg });
    };
  const logger: Logger = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: () => logger };
  return logger;
}

describe('/readyz reflects Slack auth.test', () => {
  let slack: SlackEmulator;
  let app: Shipgate | undefined;
  const prefix = uniquePrefix('readyz-slack');
  const lines: Line[] = [];
  const authLines = () => lines.filter((l) => l.msg.includes('auth.test'));

  beforeEach(async () => {
    lines.length = 0;
    slack = new SlackEmulator({ token: 'xoxb-the-right-token', signingSecret: 'readyz-signing-secret' });
    await slack.start();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await slack.stop();
    await dropPrefix(prefix);
  });

  async function start(token: string, slackAuth: { minBackoffMs: number; maxBackoffMs: number }): Promise<Shipgate> {
    const env = envSchema.parse({
      SLACK_BOT_TOKEN: token,
      SLACK_SIGNING_SECRET: 'readyz-signing-secret',
      SLACK_API_URL: `${slack.url}/api/`,
      GITHUB_TOKEN: 'ghp_readyz',
      GITHUB_API_URL: 'http://127.0.0.1:9',
      REDIS_URL,
      SHIPGATE_REDIS_PREFIX: prefix,
      PORT: '0',
    });
    app = await startShipgate({ config: parseConfig(BASE_CONFIG), env, role: 'web', logger: recordingLogger(lines), host: '127.0.0.1', githubThrottle: false, slackAuth });
    return app;
  }

  const authTests = () => slack.calls.filter((c) => c.path === '/api/auth.test');

  it('a token Slack refuses (invalid_auth): 503 naming the reason, one log line however often it is probed or re-checked', async () => {
    const a = await start('xoxb-a-revoked-token', { minBackoffMs: 20, maxBackoffMs: 40 });
    const ready = await fetch(`${a.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; reasons: string[]; slack: { status: string; error: string } };
    expect(body.status).toBe('not ready');
    expect(body.reasons).toEqual(['slack auth.test failed: invalid_auth']);
    expect(body.slack).toMatchObject({ status: 'failed', error: 'invalid_auth' });

    // it keeps re-checking (backoff) and is probed again and again: still one line
    await waitUntil('three more auth.test re-checks', () => authTests().length >= 4);
    for (let i = 0; i < 5; i++) expect((await fetch(`${a.url}/readyz`)).status).toBe(503);
    const failures = authLines().filter((l) => l.level === 'error');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.msg).toContain('Slack refused SLACK_BOT_TOKEN (auth.test: invalid_auth)');
    expect(failures[0]!.msg).toContain('/readyz answers 503');
    expect(JSON.stringify(lines)).not.toContain('xoxb-a-revoked-token');
  });

  it('recovers without a restart once Slack accepts the token: 200, and one line for the failure, one for the recovery', async () => {
    slack.failNext('auth.test', { error: 'invalid_auth' }, 3);
    const a = await start('xoxb-the-right-token', { minBackoffMs: 20, maxBackoffMs: 40 });
    await waitUntil('readyz 200', async () => (await fetch(`${a.url}/readyz`)).status === 200);
    const ready = (await (await fetch(`${a.url}/readyz`)).json()) as { status: string; slack: { status: string; botUserId: string } };
    expect(ready).toMatchObject({ status: 'ready', slack: { status: 'ok', botUserId: slack.botUserId } });
    expect(authTests().length).toBeGreaterThanOrEqual(4);
    expect(authLines().map((l) => [l.level, l.msg.split(':')[0]])).toEqual([
      ['error', 'Slack refused SLACK_BOT_TOKEN (auth.test'],
      ['info', 'Slack auth.test succeeded again'],
    ]);
  });

  it('a valid token: 200', async () => {
    const a = await start('xoxb-the-right-token', { minBackoffMs: 20, maxBackoffMs: 40 });
    const ready = await fetch(`${a.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', slack: { status: 'ok' } });
    expect(authLines().filter((l) => l.level === 'error')).toEqual([]);
  });
});
