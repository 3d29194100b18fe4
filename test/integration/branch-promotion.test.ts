import { CHANNEL, INCIDENT_CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { PLATFORM_CONFIG } from '../helpers/platform';

const CONFIG = PLATFORM_CONFIG;

function seedPlatform(h: Harness, opts: { prodConclusion?: 'success' | 'failure' } = {}): { devHead: string } {
  const gh = h.github;
  const base = gh.addRepo('acme/platform', { defaultBranch: 'main' });
  for (const b of ['dev', 'test', 'prod']) gh.setBranch('acme/platform', b, base);
  gh.addCommit('acme/platform', 'dev', { message: 'feat: new smoke job', author: { name: 'Erin', email: 'erin@acme.test', login: 'erin' } });
  const devHead = gh.addCommit('acme/platform', 'dev', { message: 'fix: validation notebook', author: { name: 'Erin', email: 'erin@acme.test', login: 'erin' } });
  const fast = { queuedMs: 40, inProgressMs: 120 };
  gh.addWorkflow('acme/platform', { file: 'ci-test.yml', name: 'ci-test', onPushBranches: ['test'], durations: fast, logLines: ['smoke job run_id=41001 SUCCESS'] });
  gh.addEnvironment('acme/platform', 'DataBricks-Prod', { reviewers: true });
  gh.addWorkflow('acme/platform', {
    file: 'cd-prod.yml',
    name: 'cd-prod',
    onPushBranches: ['prod'],
    environment: 'DataBricks-Prod',
    durations: fast,
    conclusion: opts.prodConclusion ?? 'success',
    logLines: ['deploying bundle', 'smoke run_id=52002', 'validation run_id: 52003'],
  });
  return { devHead };
}

/** Merges GitHub carried out (a merge GitHub refused, e.g. 409 for a moved head, merged nothing). */
function merges(h: Harness) {
  return h.github.calls.filter((c) => c.method === 'PUT' && c.path.endsWith('/merge') && c.status === 200);
}

describe('branch promotion dev → test → prod', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('opens PRs, merges with the approved SHA, approves the GitHub Environment for that SHA and posts the evidence', async () => {
    h = await startHarness('branch', { config: CONFIG });
    const { devHead } = seedPlatform(h);

    // dev → test: no approvals required, a deployer confirms with "Deploy"
    const toTest = await h.request('databricks-jobs test', USERS.engineer);
    expect(toTest.sha).toBe(devHead);
    expect(JSON.stringify(h.slack.message(CHANNEL, toTest.messageTs!)?.blocks)).toContain('"Deploy"');
    await h.click(toTest, ACTIONS.approve, USERS.engineer);
    const testDone = await h.waitState(toTest.id, ['succeeded', 'failed']);
    expect(testDone.stateReason).toBeUndefined();
    expect(testDone.state).toBe('succeeded');
    expect(testDone.evidence.pullRequests).toHaveLength(1);
    const testHead = h.github.branchHead('acme/platform', 'test')!;
    expect(testDone.evidence.mergeSha).toBe(testHead);
    expect(testDone.evidence.runs[0]).toMatchObject({ name: 'ci-test', conclusion: 'success', headSha: testHead });
    expect(testDone.evidence.matches).toEqual([{ name: 'databricks_run_id', value: '41001', source: 'deploy' }]);

    // test → prod: release manager requests, another approves; cd-prod waits on DataBricks-Prod
    const toProd = await h.request('databricks-jobs prod', USERS.rm1);
    expect(toProd.sha).toBe(testHead);
    await h.click(toProd, ACTIONS.approve, USERS.rm2);
    const prodDone = await h.waitState(toProd.id, ['succeeded', 'failed'], 15_000);
    expect(prodDone.stateReason).toBeUndefined();
    expect(prodDone.state).toBe('succeeded');
    const pr = prodDone.evidence.pullRequests[0]!;
    expect(pr.title).toBe('Promote databricks-jobs: test → prod');
    const pull = h.github.pulls('acme/platform').find((x) => (x as { number: number }).number === pr.number) as { body: string; merged: boolean };
    expect(pull.merged).toBe(true);
    expect(pull.body).toContain(toProd.id);
    expect(pull.body).toContain('fix: validation notebook');
    const prodHead = h.github.branchHead('acme/platform', 'prod')!;
    expect(prodDone.evidence.mergeSha).toBe(prodHead);
    expect(merges(h).map((m) => (m.body as { sha: string }).sha)).toEqual([devHead, testHead]); // merged exactly the approved SHAs, once each
    const run = prodDone.evidence.runs[0]!;
    expect(run).toMatchObject({ name: 'cd-prod', conclusion: 'success', headSha: prodHead });
    // the environment review was answered by shipgate, for exactly that run
    const reviews = h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/pending_deployments'));
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.path).toContain(`/runs/${run.id}/`);
    expect(reviews[0]!.body).toMatchObject({ state: 'approved' });
    expect(prodDone.evidence.matches.map((m) => m.value)).toEqual(['52002', '52003']);
    // the GitHub Deployment mirror is low-priority work after the run (its own job)
    const mirrored = await waitUntil('the GitHub Deployment mirror', async () => {
      const cur = (await h.app.repo.get(toProd.id))!;
      return cur.exec?.mirrored ? cur : undefined;
    });
    expect(mirrored.evidence.deployments).toHaveLength(1);

    const thread = await waitUntil('evidence in the thread', () => {
      const t = h.slack.thread(CHANNEL, toProd.messageTs!).map((m) => m.text).join('\n');
      return t.includes('*Succeeded*') ? t : undefined;
    });
    if (process.env.SG_TIMING) console.log(h.github.calls.map((c) => `${c.at} ${c.method} ${c.path} ${c.status}`).join('\n'));
    expect(thread).toContain(pr.url);
    expect(thread).toContain(run.url);
    expect(thread).toContain('databricks_run_id: `52002`');
    expect(thread).toContain(prodHead);
    expect(thread).toContain('Approved the GitHub Environment *DataBricks-Prod* review');
    const audit = (await h.app.audit.forPromotion(toProd.id)).map((e) => e.type);
    expect(audit).toEqual(expect.arrayContaining(['pull_request_opened', 'merged', 'environment_approved', 'succeeded']));
  });

  it('refuses to merge when the source branch moved after approval, and merges nothing', async () => {
    h = await startHarness('branch-moved', { config: CONFIG });
    const { devHead } = seedPlatform(h);
    const p = await h.request('databricks-jobs test', USERS.engineer);
    expect(p.sha).toBe(devHead);
    const moved = h.github.addCommit('acme/platform', 'dev', { message: 'unreviewed change' });
    await h.click(p, ACTIONS.approve, USERS.engineer);
    const done = await h.waitState(p.id, ['succeeded', 'failed']);
    expect(done.state).toBe('failed');
    expect(done.stateReason).toContain(`it is at \`${moved.slice(0, 7)}\`, the approved SHA is \`${devHead.slice(0, 7)}\``);
    expect(merges(h)).toHaveLength(0);
    // the approved SHA went with the merge as GitHub's precondition, and GitHub refused it
    const refused = h.github.calls.filter((c) => c.method === 'PUT' && c.path.endsWith('/merge') && c.status === 409);
    expect(refused.map((c) => (c.body as { sha: string }).sha)).toEqual([devHead]);
    expect(h.github.branchHead('acme/platform', 'test')).not.toBe(moved);
    await waitUntil('failure in thread', () => h.slack.thread(CHANNEL, p.messageTs!).some((m) => m.text.includes('moved since approval')));
  });

  it('leaves a waiting run it did not start alone (no approval for an unapproved commit)', async () => {
    h = await startHarness('branch-foreign-run', { config: CONFIG });
    seedPlatform(h);
    // someone pushes straight to prod: cd-prod waits on DataBricks-Prod for an unapproved commit
    const foreign = h.github.addCommit('acme/platform', 'prod', { message: 'hotfix pushed by hand', push: true });
    const run = await h.github.waitFor<{ action: string; run: { id: number; head_sha: string; status: string } }>('run', (e) => e.run.head_sha === foreign && e.run.status === 'waiting', 5000);
    // a shipgate promotion of test → prod follows its own run; the foreign run is not touched
    const toTest = await h.request('databricks-jobs test', USERS.engineer);
    await h.click(toTest, ACTIONS.approve, USERS.engineer);
    await h.waitState(toTest.id, 'succeeded');
    const reviews = h.github.calls.filter((c) => c.method === 'POST' && c.path.includes(`/runs/${run.run.id}/pending_deployments`));
    expect(reviews).toHaveLength(0);
  });

  it('marks the promotion failed when the deploy run fails, with the evidence still posted', async () => {
    h = await startHarness('branch-fail', { config: CONFIG });
    seedPlatform(h, { prodConclusion: 'failure' });
    h.github.setBranch('acme/platform', 'test', h.github.branchHead('acme/platform', 'dev')!);
    h.github.addCommit('acme/platform', 'test', { message: 'test-only fix' });
    const p = await h.request('databricks-jobs prod', USERS.rm1);
    await h.click(p, ACTIONS.approve, USERS.rm2);
    const done = await h.waitState(p.id, ['succeeded', 'failed'], 15_000);
    expect(done.state).toBe('failed');
    expect(done.stateReason).toContain('failure');
    const thread = await waitUntil('failure evidence', () => {
      const t = h.slack.thread(CHANNEL, p.messageTs!).map((m) => m.text).join('\n');
      return t.includes('*Failed*') ? t : undefined;
    });
    expect(thread).toContain(done.evidence.runs[0]!.url);
    expect(thread).toContain(done.evidence.pullRequests[0]!.url);
    expect(merges(h)).toHaveLength(1);
  });

  it('rolls back a branch environment with a commit restoring the target tree, through a PR (no force-push), once', async () => {
    h = await startHarness('branch-rollback', { config: CONFIG });
    seedPlatform(h);
    const first = await h.request('databricks-jobs test', USERS.engineer);
    await h.click(first, ACTIONS.approve, USERS.engineer);
    const a = await h.waitState(first.id, 'succeeded');
    h.github.addCommit('acme/platform', 'dev', { message: 'feat: risky change' });
    const second = await h.request('databricks-jobs test', USERS.engineer);
    await h.click(second, ACTIONS.approve, USERS.engineer);
    const b = await h.waitState(second.id, 'succeeded');
    const headBefore = h.github.branchHead('acme/platform', 'test')!;
    expect(headBefore).toBe(b.evidence.mergeSha);

    // rollbackApprovers is empty: the requester may approve their own rollback
    const r = await h.request('databricks-jobs test', USERS.engineer, 'awaiting_approval', '/rollback', INCIDENT_CHANNEL);
    expect(r.sha).toBe(a.evidence.mergeSha);
    expect(r.gates.find((g) => g.gate === 'candidate')?.summary).toContain('feat: risky change');
    await h.click(r, ACTIONS.approve, USERS.engineer);
    const done = await h.waitState(r.id, ['succeeded', 'failed']);
    expect(done.stateReason).toBeUndefined();
    expect(done.state).toBe('succeeded');

    const head = h.github.branchHead('acme/platform', 'test')!;
    // the new head restores the target's tree and descends from the old head (history kept, nothing forced)
    expect(h.github.commit('acme/platform', head)!.tree).toBe(h.github.commit('acme/platform', a.evidence.mergeSha!)!.tree);
    expect(h.github.commit('acme/platform', head)!.parents).toContain(headBefore);
    const forced = h.github.calls.filter((c) => c.method === 'PATCH' && c.path.includes('/git/refs/') && (c.body as { force?: boolean })?.force);
    expect(forced).toHaveLength(0);
    expect(h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/git/commits'))).toHaveLength(1);
    const pr = done.evidence.pullRequests[0]!;
    expect(pr.title).toBe(`Rollback databricks-jobs in test to ${a.evidence.mergeSha!.slice(0, 7)}`);
    expect(done.evidence.runs[0]).toMatchObject({ name: 'ci-test', conclusion: 'success' });
    const thread = await waitUntil('rollback evidence', () => {
      const t = h.slack.thread(INCIDENT_CHANNEL, r.messageTs!).map((m) => m.text).join('\n');
      return t.includes('*Succeeded*') ? t : undefined;
    });
    expect(thread).toContain(pr.url);
    expect((await h.app.history.list('databricks-jobs', 'test'))[0]).toMatchObject({ kind: 'rollback', rollbackOf: second.id, outcome: 'succeeded' });
  });
});
