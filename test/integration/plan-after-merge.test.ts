import { startHarness, USERS, type Harness } from '../helpers/harness';
import { PLATFORM_CONFIG, seedPlatform } from '../helpers/platform';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';

/** `/promote plan …` through Slack: the text of the plan message's blocks. */
async function plan(h: Harness, text: string): Promise<string> {
  const start = h.slack.ephemerals(USERS.rm1).length;
  await h.promote(`plan ${text}`, USERS.rm1);
  const e = await waitUntil('the plan', () => h.slack.ephemerals(USERS.rm1).slice(start).find((x) => JSON.stringify(x.blocks ?? []).includes('Dry run')));
  return JSON.stringify(e.blocks);
}

describe('/promote plan after an ordinary merge promotion (branch strategy)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function promotedToProd(opts: { hotfixOnProd?: boolean } = {}): Promise<string> {
    h = await startHarness('plan-after-merge', { config: PLATFORM_CONFIG });
    await seedPlatform(h);
    h.github.setBranch('acme/platform', 'test', h.github.branchHead('acme/platform', 'dev')!);
    if (opts.hotfixOnProd) h.github.addCommit('acme/platform', 'prod', { message: 'hotfix: pushed to prod by hand' });
    const p = await h.request('databricks-jobs prod', USERS.rm1);
    await h.click(p, ACTIONS.approve, USERS.rm2);
    const done = await h.waitState(p.id, 'succeeded', 15_000);
    // prod now has the merge commit of the PR test → prod, which test does not contain
    const merge = h.github.commit('acme/platform', done.evidence.mergeSha!)!;
    expect(merge.parents).toHaveLength(2);
    return done.evidence.mergeSha!;
  }

  it('does not call the merge commit of the last promotion "diverged": the new commits on test would ship', async () => {
    await promotedToProd();
    const fix = h.github.addCommit('acme/platform', 'test', { message: 'fix: validation threshold' });
    const text = await plan(h, 'databricks-jobs prod');
    expect(text).toContain('What would ship*: 1 commit');
    expect(text).toContain(fix.slice(0, 7));
    expect(text).not.toContain('diverged');
    expect(text).not.toContain('behind');
  });

  it('nothing new on test: says nothing would ship, not "going backwards"', async () => {
    await promotedToProd();
    const text = await plan(h, 'databricks-jobs prod');
    expect(text).toContain('nothing new would ship');
    expect(text).not.toContain('backwards');
  });

  it('still says "diverged" when prod really has a change the candidate lacks (a hotfix pushed to prod)', async () => {
    await promotedToProd({ hotfixOnProd: true });
    h.github.addCommit('acme/platform', 'test', { message: 'fix: validation threshold' });
    const text = await plan(h, 'databricks-jobs prod');
    // the hotfix counts, the merge commit that brought it together with test does not
    expect(text).toContain('the candidate has diverged from what runs in the target (1 commit in the target is not in the candidate)');
  });
});
