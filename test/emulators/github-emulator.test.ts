import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { GitHubEmulator } from '../../src/emulators/github-emulator';

const TOKEN = 'ghp_testtoken';
const T0 = Date.UTC(2026, 0, 12, 9, 0, 0);

interface Env {
  emu: GitHubEmulator;
  gh: Octokit;
  clock: { now: number; advance(ms: number): void };
  mainSha: string;
}

async function setup(options: { webhook?: { url: string; secret: string } } = {}): Promise<Env> {
  const clock = {
    now: T0,
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const emu = new GitHubEmulator({ token: TOKEN, now: () => clock.now, webhook: options.webhook });
  await emu.start();
  emu.addRepo('acme/markets', { defaultBranch: 'main' });
  const mainSha = emu.addCommit('acme/markets', 'main', {
    message: 'feat: new risk model',
    author: { name: 'Ada', email: 'ada@example.com', login: 'ada' },
  });
  emu.addWorkflow('acme/markets', {
    file: 'deploy.yml',
    name: 'Deploy',
    logLines: ['deploying markets', 'databricks run_id=912345 submitted'],
    durations: { queuedMs: 1000, inProgressMs: 4000 },
  });
  const gh = new Octokit({ auth: TOKEN, baseUrl: emu.url, request: { retries: 0 } });
  return { emu, gh, clock, mainSha };
}

function status(error: unknown): { status: number; data: Record<string, unknown> } {
  const e = error as { status?: number; response?: { data?: Record<string, unknown> } };
  return { status: e.status ?? 0, data: e.response?.data ?? {} };
}

async function failure(promise: Promise<unknown>): Promise<{ status: number; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return status(error);
  }
  throw new Error('expected the request to fail');
}

describe('GitHubEmulator basics', () => {
  let env: Env;
  beforeEach(async () => {
    env = await setup();
  });
  afterEach(async () => {
    await env.emu.stop();
  });

  it('requires a token and answers GitHub-shaped errors with rate-limit headers', async () => {
    const res = await fetch(`${env.emu.url}/repos/acme/markets`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Bad credentials', documentation_url: expect.any(String), status: '401' });
    expect(res.headers.get('x-ratelimit-resource')).toBe('core');

    const wrong = new Octokit({ auth: 'nope', baseUrl: env.emu.url });
    expect((await failure(wrong.repos.get({ owner: 'acme', repo: 'markets' }))).status).toBe(401);

    const missing = await failure(env.gh.request('GET /repos/{owner}/{repo}/frobnicate', { owner: 'acme', repo: 'markets' }));
    expect(missing).toEqual({ status: 404, data: { message: 'Not Found', documentation_url: expect.any(String), status: '404' } });
  });

  it('serves repos, branches, refs and commits by sha, short sha, branch and tag', async () => {
    const { gh, emu, mainSha } = env;
    const repo = await gh.repos.get({ owner: 'acme', repo: 'markets' });
    expect(repo.data).toMatchObject({ full_name: 'acme/markets', default_branch: 'main', id: expect.any(Number), node_id: expect.any(String) });

    const branch = await gh.repos.getBranch({ owner: 'acme', repo: 'markets', branch: 'main' });
    expect(branch.data).toMatchObject({ name: 'main', protected: false, commit: { sha: mainSha, commit: { message: 'feat: new risk model' } } });

    const ref = await gh.git.getRef({ owner: 'acme', repo: 'markets', ref: 'heads/main' });
    expect(ref.data).toMatchObject({ ref: 'refs/heads/main', object: { sha: mainSha, type: 'commit' } });

    emu.addTag('acme/markets', 'v1.2.0', mainSha);
    for (const r of [mainSha, mainSha.slice(0, 7), 'main', 'v1.2.0']) {
      const commit = await gh.repos.getCommit({ owner: 'acme', repo: 'markets', ref: r });
      expect(commit.data.sha).toBe(mainSha);
    }
    const commit = await gh.repos.getCommit({ owner: 'acme', repo: 'markets', ref: mainSha });
    expect(commit.data).toMatchObject({
      sha: mainSha,
      html_url: `${emu.url}/acme/markets/commit/${mainSha}`,
      commit: { message: 'feat: new risk model', author: { name: 'Ada', email: 'ada@example.com', date: '2026-01-12T09:00:00Z' } },
      author: { login: 'ada' },
      parents: [{ sha: expect.stringMatching(/^[0-9a-f]{40}$/) }],
    });
    expect(commit.data.sha).toMatch(/^[0-9a-f]{40}$/);
    const unknown = await failure(gh.repos.getCommit({ owner: 'acme', repo: 'markets', ref: 'deadbeef' }));
    expect(unknown.status).toBe(422);
    expect(unknown.data.message).toBe('No commit found for SHA: deadbeef');
    expect((await failure(gh.repos.getBranch({ owner: 'acme', repo: 'markets', branch: 'nope' }))).status).toBe(404);
  });

  it('decrements x-ratelimit-remaining per call and answers 304 for a matching ETag without counting it', async () => {
    const first = await env.gh.repos.get({ owner: 'acme', repo: 'markets' });
    const remaining = Number(first.headers['x-ratelimit-remaining']);
    expect(first.headers['x-ratelimit-limit']).toBe('5000');
    expect(remaining).toBe(4999);
    expect(first.headers['x-ratelimit-used']).toBe('1');
    expect(Number(first.headers['x-ratelimit-reset'])).toBe(T0 / 1000 + 3600);
    const etag = first.headers.etag ?? '';
    expect(etag).not.toBe('');

    const cached = await failure(env.gh.repos.get({ owner: 'acme', repo: 'markets', headers: { 'if-none-match': etag } }));
    expect(cached.status).toBe(304);
    const again = await env.gh.repos.get({ owner: 'acme', repo: 'markets' });
    expect(Number(again.headers['x-ratelimit-remaining'])).toBe(remaining - 1);

    env.emu.setRateLimit({ remaining: 0 });
    const limited = await failure(env.gh.repos.get({ owner: 'acme', repo: 'markets' }));
    expect(limited.status).toBe(403);
    expect(String(limited.data.message)).toMatch(/rate limit exceeded/);
    env.clock.advance(3600_000);
    const reset = await env.gh.repos.get({ owner: 'acme', repo: 'markets' });
    expect(reset.headers['x-ratelimit-remaining']).toBe('4999');
  });

  it('answers 304 only to an ETag it issued to the same credential (ETags are per token, Vary: Authorization)', async () => {
    const emu = new GitHubEmulator({ tokens: ['ghp_alice', 'ghp_bob'] });
    await emu.start();
    try {
      emu.addRepo('acme/markets');
      const alice = new Octokit({ auth: 'ghp_alice', baseUrl: emu.url, request: { retries: 0 } });
      const bob = new Octokit({ auth: 'ghp_bob', baseUrl: emu.url, request: { retries: 0 } });
      const first = await alice.repos.get({ owner: 'acme', repo: 'markets' });
      const etag = first.headers.etag ?? '';
      expect(String(first.headers.vary)).toMatch(/\bAuthorization\b/);
      // the same body for another token: a different ETag, and Alice's is not honoured for Bob
      const bobs = await bob.repos.get({ owner: 'acme', repo: 'markets', headers: { 'if-none-match': etag } });
      expect(bobs.status).toBe(200);
      expect(bobs.headers.etag).not.toBe(etag);
      expect((await failure(alice.repos.get({ owner: 'acme', repo: 'markets', headers: { 'if-none-match': etag } }))).status).toBe(304);
      expect((await failure(bob.repos.get({ owner: 'acme', repo: 'markets', headers: { 'if-none-match': bobs.headers.etag ?? '' } }))).status).toBe(304);
    } finally {
      await emu.stop();
    }
  });

  it('injects faults for retry tests', async () => {
    env.emu.failNext({ method: 'GET', path: '/repos/acme/markets', status: 502 });
    expect((await failure(env.gh.repos.get({ owner: 'acme', repo: 'markets' }))).status).toBe(502);
    expect((await env.gh.repos.get({ owner: 'acme', repo: 'markets' })).status).toBe(200);
  });
});

describe('GitHubEmulator workflow dispatch and runs', () => {
  let env: Env;
  beforeEach(async () => {
    env = await setup();
  });
  afterEach(async () => {
    await env.emu.stop();
  });

  it('dispatches (204), records inputs, and lists the run with filters', async () => {
    const { gh, emu, mainSha } = env;
    const res = await gh.actions.createWorkflowDispatch({
      owner: 'acme',
      repo: 'markets',
      workflow_id: 'deploy.yml',
      ref: 'main',
      inputs: { environment: 'prod', sha: mainSha },
    });
    expect(res.status).toBe(204);
    expect(emu.dispatches).toHaveLength(1);
    expect(emu.dispatches[0]).toMatchObject({ repo: 'acme/markets', workflow: 'deploy.yml', ref: 'main', inputs: { environment: 'prod', sha: mainSha } });

    const runs = await gh.actions.listWorkflowRuns({
      owner: 'acme',
      repo: 'markets',
      workflow_id: 'deploy.yml',
      event: 'workflow_dispatch',
      branch: 'main',
      head_sha: mainSha,
      created: '>=2026-01-12T09:00:00Z',
      per_page: 5,
    });
    expect(runs.data.total_count).toBe(1);
    const run = runs.data.workflow_runs[0];
    expect(run).toMatchObject({
      id: emu.dispatches[0]?.runId,
      name: 'Deploy',
      display_title: 'Deploy',
      event: 'workflow_dispatch',
      head_branch: 'main',
      head_sha: mainSha,
      path: '.github/workflows/deploy.yml',
      run_number: 1,
      run_attempt: 1,
      status: 'queued',
      conclusion: null,
      created_at: '2026-01-12T09:00:00Z',
      html_url: `${emu.url}/acme/markets/actions/runs/${emu.dispatches[0]?.runId}`,
    });
    const none = await gh.actions.listWorkflowRuns({ owner: 'acme', repo: 'markets', workflow_id: 'deploy.yml', created: '>=2026-01-12T09:00:01Z' });
    expect(none.data.total_count).toBe(0);
    const byEvent = await gh.actions.listWorkflowRuns({ owner: 'acme', repo: 'markets', workflow_id: 'deploy.yml', event: 'push' });
    expect(byEvent.data.total_count).toBe(0);

    const page = await fetch(run?.html_url ?? '');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Deploy #1');
  });

  it('returns run details when asked and validates workflow and ref', async () => {
    const { gh, emu } = env;
    const res = await gh.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      owner: 'acme',
      repo: 'markets',
      workflow_id: 'deploy.yml',
      ref: 'main',
      inputs: {},
      return_run_details: true,
    });
    expect(res.status).toBe(200);
    const runId = emu.dispatches[0]?.runId;
    expect(res.data).toEqual({
      workflow_run_id: runId,
      run_url: `${emu.url}/repos/acme/markets/actions/runs/${runId}`,
      html_url: `${emu.url}/acme/markets/actions/runs/${runId}`,
    });
    const noWorkflow = await failure(gh.actions.createWorkflowDispatch({ owner: 'acme', repo: 'markets', workflow_id: 'nope.yml', ref: 'main' }));
    expect(noWorkflow.status).toBe(404);
    const noRef = await failure(gh.actions.createWorkflowDispatch({ owner: 'acme', repo: 'markets', workflow_id: 'deploy.yml', ref: 'nope' }));
    expect(noRef.status).toBe(422);
    expect(noRef.data.message).toBe('No ref found for: nope');
  });

  it('numbers runs per workflow (run_number), independently of run ids', async () => {
    const { gh, emu } = env;
    emu.addWorkflow('acme/markets', { file: 'smoke.yml', name: 'Smoke' });
    for (const wf of ['deploy.yml', 'smoke.yml', 'deploy.yml']) await gh.actions.createWorkflowDispatch({ owner: 'acme', repo: 'markets', workflow_id: wf, ref: 'main' });
    const numbers = await Promise.all(
      emu.dispatches.map(async (d) => {
        const run = (await gh.actions.getWorkflowRun({ owner: 'acme', repo: 'markets', run_id: d.runId ?? 0 })).data;
        return `${run.name} #${run.run_number} (id ${run.id})`;
      }),
    );
    const ids = emu.dispatches.map((d) => d.runId);
    expect(numbers).toEqual([`Deploy #1 (id ${ids[0]})`, `Smoke #1 (id ${ids[1]})`, `Deploy #2 (id ${ids[2]})`]);
    expect(new Set(ids).size).toBe(3);
  });

  it('progresses queued → in_progress → completed on the injected clock, with jobs, steps and logs', async () => {
    const { gh, emu, clock } = env;
    await gh.actions.createWorkflowDispatch({ owner: 'acme', repo: 'markets', workflow_id: 'deploy.yml', ref: 'main' });
    const runId = emu.dispatches[0]?.runId ?? 0;
    const get = async () => (await gh.actions.getWorkflowRun({ owner: 'acme', repo: 'markets', run_id: runId })).data;

    expect(await get()).toMatchObject({ status: 'queued', conclusion: null });
    clock.advance(1000);
    expect(await get()).toMatchObject({ status: 'in_progress', conclusion: null, updated_at: '2026-01-12T09:00:01Z' });
    const jobsMid = await gh.actions.listJobsForWorkflowRun({ owner: 'acme', repo: 'markets', run_id: runId });
    expect(jobsMid.data.jobs[0]).toMatchObject({ status: 'in_progress', started_at: '2026-01-12T09:00:01Z', completed_at: null });

    clock.advance(4000);
    expect(await get()).toMatchObject({ status: 'completed', conclusion: 'success', updated_at: '2026-01-12T09:00:05Z' });
    const jobs = await gh.actions.listJobsForWorkflowRun({ owner: 'acme', repo: 'markets', run_id: runId });
    expect(jobs.data.total_count).toBe(1);
    const job = jobs.data.jobs[0];
    expect(job).toMatchObject({
      run_id: runId,
      name: 'deploy',
      status: 'completed',
      conclusion: 'success',
      started_at: '2026-01-12T09:00:01Z',
      completed_at: '2026-01-12T09:00:05Z',
      html_url: `${emu.url}/acme/markets/actions/runs/${runId}/job/${job?.id}`,
    });
    expect(job?.steps?.map((s) => [s.name, s.status, s.conclusion])).toEqual([
      ['Set up job', 'completed', 'success'],
      ['Run actions/checkout@v4', 'completed', 'success'],
      ['Deploy', 'completed', 'success'],
      ['Complete job', 'completed', 'success'],
    ]);

    const raw = await fetch(`${emu.url}/repos/acme/markets/actions/jobs/${job?.id}/logs`, {
      headers: { authorization: `token ${TOKEN}` },
      redirect: 'manual',
    });
    expect(raw.status).toBe(302);
    expect(raw.headers.get('location')).toMatch(new RegExp(`^${emu.url}/_logs/jobs/`));
    const logs = await gh.actions.downloadJobLogsForWorkflowRun({ owner: 'acme', repo: 'markets', job_id: job?.id ?? 0 });
    expect(String(logs.data)).toContain('databricks run_id=912345 submitted');
    expect(String(logs.data)).toMatch(/^2026-01-12T09:00:01\.\d{7}Z /m);
  });

  it('emits run events in order (waitFor + tick) and honours setWorkflowOutcome', async () => {
    const { gh, emu, clock } = env;
    emu.setWorkflowOutcome('acme/markets', 'deploy.yml', 'failure');
    await gh.actions.createWorkflowDispatch({ owner: 'acme', repo: 'markets', workflow_id: 'deploy.yml', ref: 'main' });
    const runId = emu.dispatches[0]?.runId;
    clock.advance(10_000);
    emu.tick();
    const done = await emu.waitFor<{ action: string; run: { id: number; conclusion: string } }>(
      'run',
      (e) => e.run.id === runId && e.action === 'completed',
      1000,
    );
    expect(done.run.conclusion).toBe('failure');
    const actions = emu.events.filter((e) => e.type === 'run').map((e) => (e.data as { action: string }).action);
    expect(actions).toEqual(['requested', 'in_progress', 'completed']);
    const jobs = await gh.actions.listJobsForWorkflowRun({ owner: 'acme', repo: 'markets', run_id: runId ?? 0 });
    expect(jobs.data.jobs[0]?.steps?.find((s) => s.name === 'Deploy')?.conclusion).toBe('failure');
    const logs = await gh.actions.downloadJobLogsForWorkflowRun({ owner: 'acme', repo: 'markets', job_id: jobs.data.jobs[0]?.id ?? 0 });
    expect(String(logs.data)).toContain('##[error]Process completed with exit code 1.');
  });

  it('cancels a run that has not completed (202), refuses once completed (409)', async () => {
    const { gh, emu, clock } = env;
    await gh.actions.createWorkflowDispatch({ owner: 'acme', repo: 'markets', workflow_id: 'deploy.yml', ref: 'main' });
    const runId = emu.dispatches[0]?.runId ?? 0;
    clock.advance(1500);
    expect((await gh.actions.cancelWorkflowRun({ owner: 'acme', repo: 'markets', run_id: runId })).status).toBe(202);
    const run = (await gh.actions.getWorkflowRun({ owner: 'acme', repo: 'markets', run_id: runId })).data;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect((await failure(gh.actions.cancelWorkflowRun({ owner: 'acme', repo: 'markets', run_id: runId }))).status).toBe(409);
    const completed = await gh.actions.listWorkflowRuns({ owner: 'acme', repo: 'markets', workflow_id: 'deploy.yml', status: 'cancelled' });
    expect(completed.data.total_count).toBe(1);
  });

  it('progresses on real time too (lazy status + background timer)', async () => {
    const emu = new GitHubEmulator({ token: TOKEN });
    await emu.start();
    try {
      emu.addRepo('acme/fast');
      emu.addWorkflow('acme/fast', { file: 'deploy.yml', durations: { queuedMs: 10, inProgressMs: 20 } });
      const gh = new Octokit({ auth: TOKEN, baseUrl: emu.url });
      await gh.actions.createWorkflowDispatch({ owner: 'acme', repo: 'fast', workflow_id: 'deploy.yml', ref: 'main' });
      const done = await emu.waitFor<{ action: string; run: { status: string } }>('run', (e) => e.action === 'completed', 2000);
      expect(done.run.status).toBe('completed');
    } finally {
      await emu.stop();
    }
  });
});

describe('GitHubEmulator environment reviews', () => {
  let env: Env;
  beforeEach(async () => {
    env = await setup();
    env.emu.addEnvironment('acme/markets', 'DataBricks-Prod', { reviewers: true });
    env.emu.addWorkflow('acme/markets', {
      file: 'cd-prod.yml',
      name: 'cd-prod',
      environment: 'DataBricks-Prod',
      durations: { queuedMs: 1000, inProgressMs: 2000 },
    });
  });
  afterEach(async () => {
    await env.emu.stop();
  });

  async function dispatchProd(): Promise<number> {
    await env.gh.actions.createWorkflowDispatch({ owner: 'acme', repo: 'markets', workflow_id: 'cd-prod.yml', ref: 'main' });
    return env.emu.dispatches[env.emu.dispatches.length - 1]?.runId ?? 0;
  }

  it('waits on the environment until approved through pending_deployments', async () => {
    const { gh, emu, clock } = env;
    const runId = await dispatchProd();
    const get = async () => (await gh.actions.getWorkflowRun({ owner: 'acme', repo: 'markets', run_id: runId })).data;
    expect(await gh.actions.getPendingDeploymentsForRun({ owner: 'acme', repo: 'markets', run_id: runId })).toMatchObject({ data: [] });

    clock.advance(1000);
    expect((await get()).status).toBe('waiting');
    expect(await emu.waitFor('review_requested', (r: { runId: number }) => r.runId === runId, 100)).toMatchObject({
      environment: 'DataBricks-Prod',
      reviewers: ['shipgate-bot'],
    });
    clock.advance(60_000);
    expect((await get()).status).toBe('waiting');

    const pending = await gh.actions.getPendingDeploymentsForRun({ owner: 'acme', repo: 'markets', run_id: runId });
    expect(pending.data).toHaveLength(1);
    const envId = pending.data[0]?.environment.id ?? 0;
    expect(pending.data[0]).toMatchObject({
      environment: { id: expect.any(Number), name: 'DataBricks-Prod' },
      wait_timer: 0,
      current_user_can_approve: true,
      reviewers: [{ type: 'User', reviewer: { login: 'shipgate-bot' } }],
    });

    const wrong = await failure(
      gh.actions.reviewPendingDeploymentsForRun({ owner: 'acme', repo: 'markets', run_id: runId, environment_ids: [1], state: 'approved', comment: 'x' }),
    );
    expect(wrong.status).toBe(422);

    const approved = await gh.actions.reviewPendingDeploymentsForRun({
      owner: 'acme',
      repo: 'markets',
      run_id: runId,
      environment_ids: [envId],
      state: 'approved',
      comment: 'Approved in Slack by rita',
    });
    expect(approved.data[0]).toMatchObject({ environment: 'DataBricks-Prod', sha: env.mainSha, creator: { login: 'github-actions[bot]' } });
    expect((await get()).status).toBe('in_progress');
    clock.advance(2000);
    expect(await get()).toMatchObject({ status: 'completed', conclusion: 'success' });

    const approvals = await gh.actions.getReviewsForRun({ owner: 'acme', repo: 'markets', run_id: runId });
    expect(approvals.data).toEqual([
      {
        environments: [expect.objectContaining({ id: envId, name: 'DataBricks-Prod' })],
        state: 'approved',
        user: expect.objectContaining({ login: 'shipgate-bot' }),
        comment: 'Approved in Slack by rita',
      },
    ]);
    const deployments = await gh.repos.listDeployments({ owner: 'acme', repo: 'markets', environment: 'DataBricks-Prod' });
    const statuses = await gh.repos.listDeploymentStatuses({ owner: 'acme', repo: 'markets', deployment_id: deployments.data[0]?.id ?? 0 });
    expect(statuses.data.map((s) => s.state)).toEqual(['success', 'in_progress', 'waiting']);

    const environment = await gh.repos.getEnvironment({ owner: 'acme', repo: 'markets', environment_name: 'DataBricks-Prod' });
    expect(environment.data).toMatchObject({ id: envId, name: 'DataBricks-Prod', protection_rules: [{ type: 'required_reviewers' }] });
  });

  it('completes with failure when rejected (also from the GitHub UI via reviewRun)', async () => {
    const { gh, emu, clock } = env;
    const runId = await dispatchProd();
    clock.advance(1000);
    emu.reviewRun(runId, 'rejected', { login: 'rita', comment: 'not today' });
    const run = (await gh.actions.getWorkflowRun({ owner: 'acme', repo: 'markets', run_id: runId })).data;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(await emu.waitFor('review', (r: { state: string }) => r.state === 'rejected', 100)).toMatchObject({ login: 'rita' });
  });
});

describe('GitHubEmulator webhooks', () => {
  it('delivers signed workflow_run events and deployment_protection_rule requests', async () => {
    const secret = "It's a Secret to Everybody";
    const received: Array<{ event: string; body: Record<string, unknown>; valid: boolean; delivery: string }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
        received.push({
          event: String(req.headers['x-github-event']),
          body: JSON.parse(raw) as Record<string, unknown>,
          valid: req.headers['x-hub-signature-256'] === expected,
          delivery: String(req.headers['x-github-delivery']),
        });
        res.writeHead(204);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/webhooks`;
    const env = await setup({ webhook: { url, secret } });
    try {
      const { emu, gh, clock } = env;
      emu.addEnvironment('acme/markets', 'prod', { customRule: true });
      emu.addWorkflow('acme/markets', { file: 'gated.yml', environment: 'prod', durations: { queuedMs: 100, inProgressMs: 100 } });
      await gh.actions.createWorkflowDispatch({ owner: 'acme', repo: 'markets', workflow_id: 'gated.yml', ref: 'main' });
      const runId = emu.dispatches[0]?.runId ?? 0;
      clock.advance(100);
      emu.tick();
      const rule = await emu.waitFor<{ event: string; payload: Record<string, unknown> }>('webhook', (d) => d.event === 'deployment_protection_rule', 2000);
      expect(rule.payload).toMatchObject({
        action: 'requested',
        environment: 'prod',
        event: 'workflow_dispatch',
        deployment_callback_url: `${emu.url}/repos/acme/markets/actions/runs/${runId}/deployment_protection_rule`,
        deployment: { environment: 'prod' },
      });
      const answer = await gh.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
        owner: 'acme',
        repo: 'markets',
        run_id: runId,
        environment_name: 'prod',
        state: 'approved',
        comment: 'approved in Slack',
      });
      expect(answer.status).toBe(204);
      clock.advance(100);
      emu.tick();
      // check_suite completed is the last delivery of a run's completion
      await emu.waitFor('webhook', (d: { event: string; action?: string }) => d.event === 'check_suite' && d.action === 'completed', 2000);

      expect(received.every((r) => r.valid)).toBe(true);
      expect(new Set(received.map((r) => r.delivery)).size).toBe(received.length);
      const runEvents = received.filter((r) => r.event === 'workflow_run');
      expect(runEvents.map((r) => r.body.action)).toEqual(['requested', 'in_progress', 'completed']);
      expect(runEvents[2]?.body).toMatchObject({
        workflow_run: { id: runId, status: 'completed', conclusion: 'success' },
        workflow: { path: '.github/workflows/gated.yml' },
        repository: { full_name: 'acme/markets' },
        sender: { login: 'shipgate-bot' },
      });
      expect(received.map((r) => r.event)).toEqual(expect.arrayContaining(['workflow_job', 'deployment', 'deployment_status', 'check_suite']));
    } finally {
      await env.emu.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('GitHubEmulator checks, statuses, pulls, compare, deployments and git data', () => {
  let env: Env;
  beforeEach(async () => {
    env = await setup();
  });
  afterEach(async () => {
    await env.emu.stop();
  });

  it('lists check runs (latest per name, check_name filter) and the combined status', async () => {
    const { gh, emu, mainSha } = env;
    emu.addCheckRun('acme/markets', mainSha, { name: 'unit-tests', status: 'completed', conclusion: 'failure' });
    emu.addCheckRun('acme/markets', mainSha, { name: 'unit-tests', status: 'completed', conclusion: 'success' });
    emu.addCheckRun('acme/markets', mainSha, { name: 'ci-test', status: 'in_progress' });
    const all = await gh.checks.listForRef({ owner: 'acme', repo: 'markets', ref: 'main' });
    expect(all.data.total_count).toBe(2);
    const unit = await gh.checks.listForRef({ owner: 'acme', repo: 'markets', ref: mainSha, check_name: 'unit-tests' });
    expect(unit.data.check_runs).toEqual([
      expect.objectContaining({
        name: 'unit-tests',
        status: 'completed',
        conclusion: 'success',
        head_sha: mainSha,
        html_url: expect.any(String),
        details_url: expect.any(String),
      }),
    ]);

    const empty = await gh.repos.getCombinedStatusForRef({ owner: 'acme', repo: 'markets', ref: 'main' });
    expect(empty.data).toMatchObject({ state: 'pending', total_count: 0, sha: mainSha });
    emu.addStatus('acme/markets', mainSha, { context: 'ci/jenkins', state: 'pending' });
    emu.addStatus('acme/markets', mainSha, { context: 'ci/jenkins', state: 'success', targetUrl: 'https://ci/1' });
    const green = await gh.repos.getCombinedStatusForRef({ owner: 'acme', repo: 'markets', ref: 'main' });
    expect(green.data).toMatchObject({ state: 'success', total_count: 1, statuses: [{ context: 'ci/jenkins', state: 'success', target_url: 'https://ci/1' }] });
    emu.addStatus('acme/markets', mainSha, { context: 'security', state: 'failure' });
    expect((await gh.repos.getCombinedStatusForRef({ owner: 'acme', repo: 'markets', ref: 'main' })).data.state).toBe('failure');
  });

  it('opens, refuses duplicate/empty, and merges PRs; merges trigger on-push workflows', async () => {
    const { gh, emu } = env;
    const base = emu.addCommit('acme/markets', 'test', { message: 'test base' });
    emu.setBranch('acme/markets', 'dev', base);
    const feature = emu.addCommit('acme/markets', 'dev', { message: 'feat: dev work' });
    emu.addWorkflow('acme/markets', { file: 'ci-test.yml', name: 'ci-test', onPushBranches: ['test'] });
    emu.setBranchProtection('acme/markets', 'test', { requiredChecks: ['unit-tests'] });

    const pr = await gh.pulls.create({ owner: 'acme', repo: 'markets', title: 'Promote dev → test', head: 'dev', base: 'test', body: 'promotion P-1' });
    expect(pr.status).toBe(201);
    expect(pr.data).toMatchObject({
      number: 1,
      state: 'open',
      merged: false,
      mergeable: true,
      head: { ref: 'dev', sha: feature },
      base: { ref: 'test', sha: base },
      html_url: `${emu.url}/acme/markets/pull/1`,
    });
    const dup = await failure(gh.pulls.create({ owner: 'acme', repo: 'markets', title: 'again', head: 'acme:dev', base: 'test' }));
    expect(dup.status).toBe(422);
    expect(dup.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:dev.' }],
    });
    emu.setBranch('acme/markets', 'same', base);
    const empty = await failure(gh.pulls.create({ owner: 'acme', repo: 'markets', title: 'noop', head: 'same', base: 'test' }));
    expect(empty.data.errors).toEqual([expect.objectContaining({ message: 'No commits between test and same' })]);

    const open = await gh.pulls.list({ owner: 'acme', repo: 'markets', state: 'open', head: 'acme:dev', base: 'test' });
    expect(open.data.map((p) => p.number)).toEqual([1]);

    const blocked = await failure(gh.pulls.merge({ owner: 'acme', repo: 'markets', pull_number: 1, sha: feature }));
    expect(blocked.status).toBe(405);
    emu.addCheckRun('acme/markets', feature, { name: 'unit-tests', conclusion: 'success' });
    const moved = await failure(gh.pulls.merge({ owner: 'acme', repo: 'markets', pull_number: 1, sha: base }));
    expect(moved).toMatchObject({ status: 409, data: { message: 'Head branch was modified. Review and try the merge again.' } });

    const merged = await gh.pulls.merge({ owner: 'acme', repo: 'markets', pull_number: 1, sha: feature, merge_method: 'merge' });
    expect(merged.data).toMatchObject({ merged: true, message: 'Pull Request successfully merged', sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const mergeSha = merged.data.sha;
    expect(emu.branchHead('acme/markets', 'test')).toBe(mergeSha);
    expect(emu.commit('acme/markets', mergeSha)?.parents).toEqual([base, feature]);
    expect((await failure(gh.pulls.merge({ owner: 'acme', repo: 'markets', pull_number: 1 }))).status).toBe(405);

    const after = await gh.pulls.get({ owner: 'acme', repo: 'markets', pull_number: 1 });
    expect(after.data).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: mergeSha, merged_by: { login: 'shipgate-bot' } });

    const pushRuns = await gh.actions.listWorkflowRuns({ owner: 'acme', repo: 'markets', workflow_id: 'ci-test.yml', event: 'push' });
    expect(pushRuns.data.workflow_runs[0]).toMatchObject({ event: 'push', head_branch: 'test', head_sha: mergeSha });

    const assoc = await gh.repos.listPullRequestsAssociatedWithCommit({ owner: 'acme', repo: 'markets', commit_sha: feature });
    expect(assoc.data.map((p) => p.number)).toEqual([1]);
  });

  it('squash-merges with one parent', async () => {
    const { gh, emu } = env;
    const main = emu.branchHead('acme/markets', 'main') ?? '';
    emu.setBranch('acme/markets', 'prod', main);
    emu.addCommit('acme/markets', 'main', { message: 'a' });
    emu.addCommit('acme/markets', 'main', { message: 'b' });
    const pr = await gh.pulls.create({ owner: 'acme', repo: 'markets', title: 'release', head: 'main', base: 'prod' });
    const merged = await gh.pulls.merge({ owner: 'acme', repo: 'markets', pull_number: pr.data.number, merge_method: 'squash' });
    expect(emu.commit('acme/markets', merged.data.sha)?.parents).toEqual([main]);
    expect(emu.commit('acme/markets', merged.data.sha)?.message).toMatch(/^release \(#1\)/);
  });

  it('compares refs (ahead/behind/commits)', async () => {
    const { gh, emu, mainSha } = env;
    emu.setBranch('acme/markets', 'prod', mainSha);
    const c1 = emu.addCommit('acme/markets', 'main', { message: 'c1' });
    const c2 = emu.addCommit('acme/markets', 'main', { message: 'c2' });
    const cmp = await gh.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'markets', basehead: 'prod...main' });
    expect(cmp.data).toMatchObject({
      status: 'ahead',
      ahead_by: 2,
      behind_by: 0,
      total_commits: 2,
      files: [],
      html_url: `${emu.url}/acme/markets/compare/prod...main`,
    });
    expect(cmp.data.commits.map((c) => c.sha)).toEqual([c1, c2]);
    expect(cmp.data.merge_base_commit.sha).toBe(mainSha);
    const reverse = await gh.repos.compareCommits({ owner: 'acme', repo: 'markets', base: 'main', head: 'prod' });
    expect(reverse.data).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 2 });
    const same = await gh.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'markets', basehead: `${c2.slice(0, 7)}...main` });
    expect(same.data.status).toBe('identical');
  });

  it('creates deployments and statuses, refusing failing checks with 409', async () => {
    const { gh, emu, mainSha } = env;
    const dep = await gh.repos.createDeployment({
      owner: 'acme',
      repo: 'markets',
      ref: 'main',
      environment: 'int',
      auto_merge: false,
      required_contexts: [],
      payload: { promotion: 'P-1' },
    });
    expect(dep.status).toBe(201);
    const deployment = dep.data as { id: number; sha: string; environment: string; payload: unknown };
    expect(deployment).toMatchObject({ sha: mainSha, environment: 'int', payload: { promotion: 'P-1' } });
    const st = await gh.repos.createDeploymentStatus({
      owner: 'acme',
      repo: 'markets',
      deployment_id: deployment.id,
      state: 'success',
      log_url: 'https://logs',
      description: 'ok',
    });
    expect(st.data).toMatchObject({ state: 'success', log_url: 'https://logs', environment: 'int' });
    const tooLong = await failure(
      gh.repos.createDeploymentStatus({ owner: 'acme', repo: 'markets', deployment_id: deployment.id, state: 'success', description: 'x'.repeat(141) }),
    );
    expect(tooLong.status).toBe(422);
    const list = await gh.repos.listDeployments({ owner: 'acme', repo: 'markets', environment: 'int', sha: mainSha });
    expect(list.data.map((d) => d.id)).toEqual([deployment.id]);
    const envs = await gh.repos.getAllEnvironments({ owner: 'acme', repo: 'markets' });
    expect(envs.data.environments?.map((e) => e.name)).toContain('int');

    emu.addStatus('acme/markets', mainSha, { context: 'ci', state: 'failure' });
    const refused = await failure(gh.repos.createDeployment({ owner: 'acme', repo: 'markets', ref: 'main', environment: 'prod' }));
    expect(refused.status).toBe(409);
  });

  it('supports the git data a rollback needs (tree reuse, fast-forward ref updates)', async () => {
    const { gh, emu, mainSha } = env;
    const bad = emu.addCommit('acme/markets', 'main', { message: 'bad release' });
    const good = await gh.git.getCommit({ owner: 'acme', repo: 'markets', commit_sha: mainSha });
    expect(good.data).toMatchObject({ sha: mainSha, tree: { sha: expect.stringMatching(/^[0-9a-f]{40}$/) }, message: 'feat: new risk model' });

    const revert = await gh.git.createCommit({ owner: 'acme', repo: 'markets', message: 'Rollback to good', tree: good.data.tree.sha, parents: [bad] });
    expect(revert.status).toBe(201);
    expect(revert.data).toMatchObject({ tree: { sha: good.data.tree.sha }, parents: [{ sha: bad }] });

    const stale = await gh.git.createCommit({ owner: 'acme', repo: 'markets', message: 'x', tree: good.data.tree.sha, parents: [mainSha] });
    const nonFf = await failure(gh.git.updateRef({ owner: 'acme', repo: 'markets', ref: 'heads/main', sha: stale.data.sha }));
    expect(nonFf).toMatchObject({ status: 422, data: { message: 'Update is not a fast forward' } });

    const updated = await gh.git.updateRef({ owner: 'acme', repo: 'markets', ref: 'heads/main', sha: revert.data.sha });
    expect(updated.data.object.sha).toBe(revert.data.sha);
    expect(emu.branchHead('acme/markets', 'main')).toBe(revert.data.sha);

    const created = await gh.git.createRef({ owner: 'acme', repo: 'markets', ref: 'refs/heads/hotfix/one', sha: mainSha });
    expect(created.data.ref).toBe('refs/heads/hotfix/one');
    const nested = await gh.repos.getBranch({ owner: 'acme', repo: 'markets', branch: 'hotfix/one' });
    expect(nested.data.commit.sha).toBe(mainSha);
    expect((await failure(gh.git.createRef({ owner: 'acme', repo: 'markets', ref: 'refs/heads/hotfix/one', sha: mainSha }))).status).toBe(422);
  });
});
