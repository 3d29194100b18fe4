import { WebClient } from '@slack/web-api';
import { OutboundFetch } from '../../src/adapters/http/outbound-fetch';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { GitHubEmulator } from '../../src/emulators/github-emulator';

/**
 * The emulators keep connections alive like the services they stand for, so shipgate's shared
 * Agent reuses them: with a 1 s keep-alive hint undici closed every connection after one request
 * (it keeps 2 s of margin below the hint) and each Slack or GitHub call paid a new TCP connection.
 */
describe('outbound calls to the emulators reuse kept-alive connections', () => {
  const slack = new SlackEmulator({ token: 'xoxb-keepalive', signingSecret: 'keepalive-signing-secret' });
  const github = new GitHubEmulator({ token: 'ghp_keepalive' });
  beforeAll(async () => {
    await Promise.all([slack.start(), github.start()]);
  });
  afterAll(async () => {
    await Promise.all([slack.stop(), github.stop()]);
  });

  it.each([
    ['Slack Web API (WebClient over the shared fetch)', 'slack'],
    ['GitHub REST', 'github'],
  ])('%s: twenty calls one after another open at most two connections', async (_name, which) => {
    const out = new OutboundFetch();
    let connects = 0;
    out.agent.on('connect', () => (connects += 1));
    const client = new WebClient('xoxb-keepalive', { slackApiUrl: `${slack.url}/api/`, fetch: out.fetch });
    for (let i = 0; i < 20; i++) {
      if (which === 'slack') expect((await client.auth.test()).ok).toBe(true);
      else {
        const res = await out.fetch(`${github.url}/rate_limit`, { headers: { authorization: 'token ghp_keepalive' } });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    }
    expect(connects).toBeGreaterThanOrEqual(1);
    expect(connects).toBeLessThanOrEqual(2);
    out.abort();
  });
});
