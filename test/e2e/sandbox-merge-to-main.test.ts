/**
 * The sandbox's Merge to main button, over the console's own API as the page calls it: the
 * GitHub emulator pushes to main and sends the push webhook, the triggered `webapp` goes to
 * web-staging by itself, passes its smoke test, and the web-prod request is posted on behalf
 * of the person who merged; they cannot approve it, another release manager does.
 */
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { RELEASES_CHANNEL } from '../../src/sandbox/demo-workspace';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';

const RITA = 'U0RELMGR1';
const RAVI = 'U0RELMGR2';

describe('sandbox: Merge to main', () => {
  let sb: Sandbox | undefined;
  const prefix = uniquePrefix('sandbox-merge');
  afterAll(async () => {
    await sb?.close();
    await dropPrefix(prefix);
  });

  it('push → web-staging automatically → smoke → approval asked for web-prod → approved by another person → web-prod', async () => {
    sb = await startSandbox({ port: 0, redisUrl: REDIS_URL, prefix, logLevel: 'silent', freezeCalendar: false, pollMs: 200, log: () => undefined });
    const s = sb;
    const post = async (path: string, body: unknown) => (await fetch(`${s.url}console/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
    const boot = (await (await fetch(`${s.url}console/api/bootstrap`)).json()) as { services: Array<{ name: string; pushTrigger?: string }> };
    expect(boot.services.find((x) => x.name === 'webapp')?.pushTrigger).toBe('main');
    expect(await post('github/merge', { user: RITA, repo: 'acme/markets' })).toMatchObject({ ok: false });

    const merged = await post('github/merge', { user: RITA, repo: 'acme/webapp' });
    expect(merged).toMatchObject({ ok: true, branch: 'main' });
    expect(s.github.deliveries.some((d) => d.event === 'push' && (d.payload as { after?: string }).after === merged.sha)).toBe(true);

    const staging = await waitUntil('web-staging promotion', async () => (await s.app.repo.recent(50)).find((p) => p.env === 'web-staging'), 10_000);
    expect(staging).toMatchObject({ ref: merged.sha, origin: { via: 'trigger', mode: 'auto', author: { slackId: RITA } } });
    const done = await waitUntil('web-staging succeeded', async () => {
      const p = await s.app.repo.get(staging.id);
      return p && ['succeeded', 'failed', 'failed_verification'].includes(p.state) ? p : undefined;
    }, 40_000);
    expect(done.state).toBe('succeeded');
    expect(done.evidence.verification).toMatchObject({ workflow: 'smoke.yml', conclusion: 'success' });

    const prod = await waitUntil('web-prod request', async () => {
      const p = (await s.app.repo.recent(50)).find((x) => x.env === 'web-prod');
      return p?.state === 'awaiting_approval' && p.messageTs ? p : undefined;
    }, 15_000);
    expect(prod.requester.id).toBe(RITA);
    const card = await waitUntil('the card shows Approve', () => {
      const m = s.slack.message(RELEASES_CHANNEL, prod.messageTs!);
      return m && JSON.stringify(m.blocks).includes(ACTIONS.approve) ? m : undefined;
    });
    expect(JSON.stringify(card.blocks)).toContain(`on behalf of <@${RITA}>`);
    await post('action', { user: RITA, channel: RELEASES_CHANNEL, messageTs: prod.messageTs, actionId: ACTIONS.approve });
    await waitUntil('Rita is refused', () => s.slack.ephemerals(RITA).some((e) => /separation of duties|own/i.test(e.text)));
    await post('action', { user: RAVI, channel: RELEASES_CHANNEL, messageTs: prod.messageTs, actionId: ACTIONS.approve });
    const shipped = await waitUntil('web-prod succeeded', async () => {
      const p = await s.app.repo.get(prod.id);
      return p && ['succeeded', 'failed', 'failed_verification'].includes(p.state) ? p : undefined;
    }, 40_000);
    expect(shipped.state).toBe('succeeded');
    expect(shipped.approvals.map((a) => a.userId)).toEqual([RAVI]);
  }, 120_000);
});
