import { envSchema } from '../../src/config/env-schema';
import { parseConfig } from '../../src/config/load-config';
import { silentLogger } from '../../src/app/logger';
import { startShipgate, type Shipgate } from '../../src/main';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { GitHubEmulator } from '../../src/emulators/github-emulator';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';

jest.setTimeout(30_000);

const CONFIG = `
environments:
  - { name: int }
  - { name: prod }
services:
  - { name: svc, repo: acme/svc, pipeline: [int, prod], strategy: { type: workflow, workflow: deploy.yml } }
`;

/** Whether /healthz answers at host:port (a refused connection is `false`). */
async function answers(host: string, port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(5000) });
    await res.text();
    return res.status === 200;
  } catch {
    return false;
  }
}

describe('HOST chooses the address serve listens on', () => {
  const slack = new SlackEmulator({ token: 'xoxb-host', signingSecret: 'host-signing-secret' });
  const github = new GitHubEmulator({ token: 'ghp_host' });
  const prefixes: string[] = [];
  const apps: Shipgate[] = [];
  beforeAll(async () => {
    await Promise.all([slack.start(), github.start()]);
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await Promise.all([slack.stop(), github.stop()]);
    for (const p of prefixes) await dropPrefix(p);
  });

  async function start(host?: string): Promise<Shipgate> {
    const prefix = uniquePrefix('host');
    prefixes.push(prefix);
    const env = envSchema.parse({
      SLACK_BOT_TOKEN: 'xoxb-host',
      SLACK_SIGNING_SECRET: 'host-signing-secret',
      SLACK_API_URL: `${slack.url}/api/`,
      GITHUB_TOKEN: 'ghp_host',
      GITHUB_API_URL: github.url,
      REDIS_URL,
      SHIPGATE_REDIS_PREFIX: prefix,
      PORT: '0',
      ...(host ? { HOST: host } : {}),
    });
    const app = await startShipgate({ config: parseConfig(CONFIG), env, role: 'web', logger: silentLogger });
    apps.push(app);
    return app;
  }

  it('defaults to 0.0.0.0 (every interface: both loopback addresses answer)', async () => {
    expect(envSchema.parse({}).HOST).toBe('0.0.0.0');
    const app = await start();
    expect(await answers('127.0.0.1', app.port)).toBe(true);
    expect(await answers('127.0.0.2', app.port)).toBe(true);
  });

  it('HOST=127.0.0.2 listens there only (127.0.0.1 refuses the connection)', async () => {
    const app = await start('127.0.0.2');
    expect(app.url).toBe(`http://127.0.0.2:${app.port}`);
    expect(await answers('127.0.0.2', app.port)).toBe(true);
    expect(await answers('127.0.0.1', app.port)).toBe(false);
  });

  it('a malformed HOST is refused by name', () => {
    const r = envSchema.safeParse({ HOST: 'http://0.0.0.0/' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('HOST');
  });
});
