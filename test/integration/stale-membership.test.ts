import { startHarness, USERS, type Harness } from '../helpers/harness';
import { TestClock } from '../helpers/test-clock';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';

const GROUP = 'S0RELEASEMGRS';

describe('authorization is never granted from stale user-group membership', () => {
  let h: Harness;
  let clock: TestClock;
  beforeEach(async () => {
    clock = new TestClock();
    h = await startHarness('membership', { clock });
  });
  afterEach(async () => {
    await h.close();
  });

  const later = (ms: number) => clock.set(new Date(clock.now().getTime() + ms).toISOString());
  const replyTo = (userId: string, before: number, pattern: RegExp) => waitUntil(`a reply to ${userId} matching ${pattern}`, () => h.ephemeralsFor(userId).slice(before).find((t) => pattern.test(t)));

  it('an approver removed from the group cannot approve, even while the cached membership is fresh (re-read on click)', async () => {
    const p = await h.request('markets-pipeline prod', USERS.engineer); // resolves and caches the group: rm1, rm2
    h.slack.setUsergroup(GROUP, [USERS.rm1]);
    const before = h.ephemeralsFor(USERS.rm2).length;
    await h.click(p, ACTIONS.approve, USERS.rm2);
    await replyTo(USERS.rm2, before, /not an approver of `prod`/);
    const after = await h.app.repo.get(p.id);
    expect(after).toMatchObject({ state: 'awaiting_approval', approvals: [] });
    expect((await h.app.audit.forPromotion(p.id)).map((e) => e.type)).not.toContain('approved');
  });

  it('when Slack cannot list the group after the cache expired, the click is refused ("could not verify your membership") and nothing is approved', async () => {
    const p = await h.request('markets-pipeline prod', USERS.engineer);
    h.slack.setUsergroup(GROUP, [USERS.rm1]);
    later(6 * 60_000); // past the 5-minute cache
    h.slack.failNext('usergroups.users.list', { error: 'internal_error' }, 10);
    const before = h.ephemeralsFor(USERS.rm2).length;
    await h.click(p, ACTIONS.approve, USERS.rm2);
    expect(await replyTo(USERS.rm2, before, /could not verify your membership/i)).toMatch(/try again/);
    expect(await h.app.repo.get(p.id)).toMatchObject({ state: 'awaiting_approval', approvals: [] });
    expect((await h.app.audit.forPromotion(p.id)).map((e) => e.type)).not.toContain('approved');
  });

  it('a request after the cache expired while Slack cannot answer is refused and creates nothing', async () => {
    h.github.addRepo('acme/platform', { defaultBranch: 'main' });
    await h.request('markets-pipeline prod', USERS.rm1); // caches the group with rm2 in it
    h.slack.setUsergroup(GROUP, [USERS.rm1]);
    later(6 * 60_000);
    h.slack.failNext('usergroups.users.list', { error: 'internal_error' }, 10);
    const before = h.ephemeralsFor(USERS.rm2).length;
    const res = await h.promote('databricks-jobs prod', USERS.rm2);
    expect(res.status).toBe(200);
    expect(await replyTo(USERS.rm2, before, /could not verify your membership/i)).toMatch(/try again/);
    expect((await h.app.repo.recent(100)).filter((x) => x.requester.id === USERS.rm2)).toEqual([]);
  });
});
