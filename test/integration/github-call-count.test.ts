import { startHarness, USERS, type Harness } from '../helpers/harness';
import { PLATFORM_CONFIG, seedPlatform } from '../helpers/platform';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';

/**
 * `githubCalls` in the evidence pack is the number of GitHub requests shipgate made for the
 * promotion, as the GitHub emulator's own request log counts them (a job log download that
 * GitHub answers with a redirect is one API call: the redirected download is not the API).
 */
async function promoteAndCount(h: Harness, text: string): Promise<{ pack: number | null; stored: number; made: number }> {
  const before = h.github.calls.length;
  const p = await h.request(text, USERS.rm1);
  await h.click(p, ACTIONS.approve, USERS.rm2);
  await h.waitState(p.id, 'succeeded', 15_000);
  const file = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${p.id}.json`);
  const pack = (JSON.parse(file.text) as { githubCalls: number | null }).githubCalls;
  const made = () => h.github.calls.slice(before).filter((c) => !c.path.startsWith('/_')).length;
  // the worker job ends after the pack; then the stored count is final
  const stored = await waitUntil('the stored count to cover every call', async () => {
    const n = (await h.app.repo.get(p.id))?.evidence.githubCalls ?? 0;
    return n >= made() ? n : undefined;
  });
  return { pack, stored, made: made() };
}

describe('githubCalls in the evidence pack equals the calls made', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('workflow strategy', async () => {
    h = await startHarness('calls-workflow');
    const r = await promoteAndCount(h, 'markets-pipeline prod');
    expect(r.made).toBeGreaterThan(5);
    expect(r.pack).toBe(r.made);
    expect(r.stored).toBe(r.made);
  });

  it('branch strategy with an environment review', async () => {
    h = await startHarness('calls-branch', { config: PLATFORM_CONFIG });
    await seedPlatform(h);
    h.github.setBranch('acme/platform', 'test', h.github.branchHead('acme/platform', 'dev')!);
    const r = await promoteAndCount(h, 'databricks-jobs prod');
    expect(r.made).toBeGreaterThan(10);
    expect(r.pack).toBe(r.made);
    expect(r.stored).toBe(r.made);
  });

  it('with webhooks, a promotion makes no more calls than SPEC §10 allows and never re-reads a run a webhook described', async () => {
    h = await startHarness('calls-webhooks-workflow', { webhookSecret: 'calls-secret', pollMs: 600_000 });
    const r = await promoteAndCount(h, 'markets-pipeline prod');
    const routes = h.github.calls.filter((c) => !c.path.startsWith('/_')).map((c) => `${c.method} ${c.path}`);
    expect(r.made).toBeLessThanOrEqual(9);
    expect(routes.filter((x) => /^GET \/repos\/[^/]+\/[^/]+\/actions\/runs\/\d+$/.test(x))).toEqual([]);
    await h.close();

    h = await startHarness('calls-webhooks-branch', { config: PLATFORM_CONFIG, webhookSecret: 'calls-secret', pollMs: 600_000 });
    await seedPlatform(h);
    h.github.setBranch('acme/platform', 'test', h.github.branchHead('acme/platform', 'dev')!);
    const b = await promoteAndCount(h, 'databricks-jobs prod');
    const branchRoutes = h.github.calls.filter((c) => !c.path.startsWith('/_')).map((c) => `${c.method} ${c.path}`);
    expect(b.made).toBeLessThanOrEqual(15);
    // the deploy run's state came from the runs listing and the webhooks (the environment review included)
    expect(branchRoutes.filter((x) => /^GET \/repos\/[^/]+\/[^/]+\/actions\/runs\/\d+$/.test(x))).toEqual([]);
    // no PR listing before opening one, no PR read before merging (the merge carries the SHA as precondition)
    expect(branchRoutes.filter((x) => /^GET \/repos\/[^/]+\/[^/]+\/pulls(\/\d+)?$/.test(x))).toEqual([]);
    expect(branchRoutes.filter((x) => x.endsWith('/pending_deployments') && x.startsWith('POST'))).toHaveLength(1);
  });
});
