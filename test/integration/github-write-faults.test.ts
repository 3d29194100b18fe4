import type { FaultRule } from '../../src/emulators/fault-plan';
import type { Promotion } from '../../src/domain/promotion';
import { BASE_CONFIG, CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';
import { platformConfig } from '../helpers/platform';

jest.setTimeout(60_000);

const BRANCH_CONFIG = platformConfig({ deployWorkflows: '{ prod: cd-prod }', trailer: false });

function seedPlatform(h: Harness, conclusion: 'success' | 'failure' = 'success'): void {
  const gh = h.github;
  const base = gh.addRepo('acme/platform', { defaultBranch: 'main' });
  for (const b of ['dev', 'test', 'prod']) gh.setBranch('acme/platform', b, base);
  gh.addCommit('acme/platform', 'test', { message: 'feat: new smoke job' });
  gh.addEnvironment('acme/platform', 'DataBricks-Prod', { reviewers: true });
  gh.addWorkflow('acme/platform', { file: 'cd-prod.yml', name: 'cd-prod', onPushBranches: ['prod'], environment: 'DataBricks-Prod', durations: { queuedMs: 40, inProgressMs: 150 }, conclusion });
}

const applied = (h: Harness, method: string, path: RegExp) => h.github.calls.filter((c) => c.method === method && path.test(c.path)).length;

async function settled(h: Harness, id: string): Promise<Promotion> {
  return waitUntil(
    `promotion ${id} to finish all its work`,
    async () => {
      const p = await h.app.repo.get(id);
      return p && (p.state === 'succeeded' || p.state === 'failed') && p.exec?.finalized && p.exec.mirrored ? p : undefined;
    },
    20_000,
  );
}

async function approvedWorkflowPromotion(h: Harness): Promise<Promotion> {
  const p = await h.request('markets-pipeline prod', USERS.rm1);
  await h.click(p, 'promotion_approve', USERS.rm2);
  return p;
}

describe('a 502 answered after GitHub applied a write: no second write, and the outcome is what GitHub shows', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const workflowWrites: Array<{ what: string; fault: FaultRule; count: () => number }> = [
    { what: 'the dispatch', fault: { method: 'POST', path: /\/dispatches$/, mode: 'after', status: 502 }, count: () => h.github.dispatches.length },
    { what: 'the Deployment', fault: { method: 'POST', path: /\/deployments$/, mode: 'after', status: 502 }, count: () => h.github.deployments('acme/markets').length },
    { what: 'the Deployment status', fault: { method: 'POST', path: /\/deployments\/\d+\/statuses$/, mode: 'after', status: 502 }, count: () => applied(h, 'POST', /\/deployments\/\d+\/statuses$/) },
  ];

  it.each(workflowWrites)('workflow strategy: $what', async ({ fault, count }) => {
    h = await startHarness('w502', { config: BASE_CONFIG });
    const injected = h.github.inject(fault);
    const p = await approvedWorkflowPromotion(h);
    const done = await settled(h, p.id);
    expect(injected.hits).toBe(1);
    expect(done.state).toBe('succeeded');
    expect(count()).toBe(1);
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.deployments('acme/markets')).toHaveLength(1);
    expect(done.evidence.deployments).toHaveLength(1);
  });

  const branchWrites: Array<{ what: string; fault: FaultRule; method: string; path: RegExp }> = [
    { what: 'the PR creation', fault: { method: 'POST', path: /\/pulls$/, mode: 'after', status: 502 }, method: 'POST', path: /\/pulls$/ },
    { what: 'the merge', fault: { method: 'PUT', path: /\/merge$/, mode: 'after', status: 502 }, method: 'PUT', path: /\/merge$/ },
    { what: 'the environment review', fault: { method: 'POST', path: /\/pending_deployments$/, mode: 'after', status: 502 }, method: 'POST', path: /\/pending_deployments$/ },
  ];

  it.each(branchWrites)('branch strategy: $what', async ({ fault, method, path }) => {
    h = await startHarness('b502', { config: BRANCH_CONFIG });
    seedPlatform(h);
    const injected = h.github.inject(fault);
    const p = await h.request('databricks-jobs prod', USERS.rm1);
    await h.click(p, 'promotion_approve', USERS.rm2);
    const done = await settled(h, p.id);
    expect(injected.hits).toBe(1);
    expect(applied(h, method, path)).toBe(1);
    // what GitHub shows: merged at the approved SHA, the deploy ran and succeeded
    expect(done.state).toBe('succeeded');
    const pulls = h.github.pulls('acme/platform') as Array<{ merged: boolean }>;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.merged).toBe(true);
    expect(done.evidence.mergeSha).toBe(h.github.branchHead('acme/platform', 'prod'));
    expect(done.evidence.runs[0]).toMatchObject({ name: 'cd-prod', conclusion: 'success' });
  });

  it('a failed deploy whose review answer was lost is reported failed, as GitHub shows it', async () => {
    h = await startHarness('b502f', { config: BRANCH_CONFIG });
    seedPlatform(h, 'failure');
    h.github.inject({ method: 'POST', path: /\/pending_deployments$/, mode: 'after', status: 502 });
    const p = await h.request('databricks-jobs prod', USERS.rm1);
    await h.click(p, 'promotion_approve', USERS.rm2);
    const done = await settled(h, p.id);
    expect(done.state).toBe('failed');
    expect(done.stateReason).toContain('failure');
    expect(applied(h, 'POST', /\/pending_deployments$/)).toBe(1);
  });
});

describe('transient GitHub failures are retried without acting twice', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('a 502 before the dispatch reached GitHub: dispatched once, after looking', async () => {
    h = await startHarness('d502', { config: BASE_CONFIG });
    const fault = h.github.inject({ method: 'POST', path: /\/dispatches$/, mode: 'before', status: 502 });
    const p = await approvedWorkflowPromotion(h);
    const done = await settled(h, p.id);
    expect(fault.hits).toBe(1);
    expect(done.state).toBe('succeeded');
    expect(h.github.dispatches).toHaveLength(1);
    // two dispatch attempts reached the emulator, one was applied, and a runs listing looked in between
    expect(applied(h, 'POST', /\/dispatches$/)).toBe(2);
    const calls = h.github.calls.map((c) => `${c.method} ${c.path}`);
    const first = calls.findIndex((c) => c.endsWith('/dispatches'));
    expect(calls.slice(first + 1).findIndex((c) => c.startsWith('GET') && c.endsWith('/runs'))).toBeLessThan(calls.slice(first + 1).findIndex((c) => c.endsWith('/dispatches')));
  });

  it('a secondary rate limit (403 with Retry-After) on the dispatch: retried, one dispatch', async () => {
    h = await startHarness('d403', { config: BASE_CONFIG });
    const fault = h.github.inject({
      method: 'POST',
      path: /\/dispatches$/,
      mode: 'before',
      status: 403,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
    });
    const p = await approvedWorkflowPromotion(h);
    const done = await settled(h, p.id);
    expect(fault.hits).toBe(1);
    expect(done.state).toBe('succeeded');
    expect(h.github.dispatches).toHaveLength(1);
  });

  it('a GitHub that accepts connections and never answers: the step times out, is retried, and goes on when GitHub answers', async () => {
    h = await startHarness('silent', { config: BASE_CONFIG });
    const silent = h.github.inject({ path: /^\/repos\/acme\/markets\/actions\/runs\/\d+$/, mode: 'hang', times: 3 });
    const p = await approvedWorkflowPromotion(h);
    const done = await settled(h, p.id);
    expect(silent.hits).toBe(3);
    expect(done.state).toBe('succeeded');
    expect(h.github.dispatches).toHaveLength(1);
    const audit = (await h.app.audit.forPromotion(p.id)).map((e) => e.type);
    expect(audit).not.toContain('step_failed');
    expect(h.slack.thread(CHANNEL, p.messageTs!).map((m) => m.text).join('\n')).toContain('Succeeded');
  });
});
