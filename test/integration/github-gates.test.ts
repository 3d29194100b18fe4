/**
 * The GitHub gates and the plan over real HTTP: GateEvaluator → github-gates → the GitHub
 * adapters (Octokit with throttling/retry, ETag cache) → the GitHub emulator; shipgate's
 * deployment history in real Redis (unique prefix). Checks pending then green, checks
 * failing (named, linked), soak not yet reached (says when) from shipgate's history and
 * from GitHub Deployments, the ETag 304 path (no rate limit spent), the plan's content
 * (commits, PR links, capped) and `shipgate plan` (exit codes, JSON).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { Redis } from 'ioredis';
import { GateEvaluator } from '../../src/app/gate-evaluator';
import { registerGitHubGates } from '../../src/app/github-gates';
import { PlanPromotion } from '../../src/app/plan-promotion';
import { silentLogger } from '../../src/app/logger';
import { createGitHubClient, type GitHubClient } from '../../src/adapters/github/github-client';
import { EtagCache } from '../../src/adapters/github/etag-cache';
import { GitHubCommitChecks } from '../../src/adapters/github/github-commit-checks';
import { GitHubCompare } from '../../src/adapters/github/github-compare';
import { GitHubDeploymentLookup } from '../../src/adapters/github/github-deployment-lookup';
import { GitHubWorkflowRuns } from '../../src/adapters/github/github-workflow-runs';
import { RedisDeploymentHistory } from '../../src/adapters/redis/redis-deployment-history';
import { RedisKeys } from '../../src/adapters/redis/redis-keys';
import { planMessage } from '../../src/adapters/slack/blocks/plan-message';
import { planCommand } from '../../src/cli/plan-command';
import { parseConfig } from '../../src/config/load-config';
import { emptyEvidence } from '../../src/domain/evidence';
import type { GateResult } from '../../src/domain/gates/gate-result';
import type { Promotion } from '../../src/domain/promotion';
import { GitHubEmulator } from '../../src/emulators/github-emulator';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';

const TOKEN = 'ghp_github_gates';
const START = Date.parse('2026-03-02T10:00:00Z');
const H = 3_600_000;

const CONFIG_YAML = `
timezone: Europe/London
environments:
  - name: dev
  - name: test
  - name: prod
    approvers: [S0RELEASEMGRS]
    soak: 24h
services:
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [dev, test, prod]
    requiredChecks: [unit-tests, ci-test]
    strategy: { type: workflow, workflow: deploy.yml, ref: main }
  - name: databricks-jobs
    repo: acme/platform
    pipeline: [dev, test, prod]
    strategy: { type: branch, branches: { dev: dev, test: test, prod: prod } }
`;

describe('GitHub gates and plan over HTTP', () => {
  let emu: GitHubEmulator;
  let clock: { now: number };
  let gh: GitHubClient;
  let seed: Octokit;
  let redis: Redis;
  let prefix: string;
  let history: RedisDeploymentHistory;
  let etags: EtagCache;
  let evaluator: GateEvaluator;
  let mainSha: string;
  const config = parseConfig(CONFIG_YAML);

  beforeEach(async () => {
    clock = { now: START };
    emu = new GitHubEmulator({ token: TOKEN, now: () => clock.now });
    await emu.start();
    emu.addRepo('acme/markets');
    mainSha = emu.addCommit('acme/markets', 'main', { message: 'feat: risk model', author: { name: 'Alice A', email: 'a@example.com', login: 'alice' } });
    gh = createGitHubClient({ baseUrl: emu.url, token: TOKEN, logger: silentLogger, maxRateLimitRetries: 0 });
    seed = new Octokit({ baseUrl: emu.url, auth: TOKEN });
    prefix = uniquePrefix('github-gates');
    redis = new Redis(REDIS_URL);
    history = new RedisDeploymentHistory(redis, new RedisKeys(prefix));
    etags = new EtagCache(gh);
    evaluator = registerGitHubGates(new GateEvaluator({ config, clock: { now: () => new Date(clock.now) } }), {
      commitChecks: new GitHubCommitChecks(gh, { etags }),
      deployments: new GitHubDeploymentLookup(gh, { etags }),
      history,
      timeZone: config.timezone,
      commitUrl: (repo, sha) => `${emu.url}/${repo}/commit/${sha}`,
    });
  });

  afterEach(async () => {
    redis.disconnect();
    await dropPrefix(prefix);
    await emu.stop();
  });

  function promotion(patch: Partial<Promotion> = {}): Promotion {
    return {
      id: 'p-20260302-gh0001',
      kind: 'promotion',
      service: 'markets-pipeline',
      repo: 'acme/markets',
      from: 'test',
      env: 'prod',
      sha: mainSha,
      requester: { id: 'U0ENGINEER' },
      channel: 'C0RELEASES',
      state: 'requested',
      createdAt: new Date(START).toISOString(),
      updatedAt: new Date(START).toISOString(),
      requiredApprovals: 1,
      approvals: [],
      gates: [],
      steps: {},
      evidence: emptyEvidence(),
      version: 0,
      ...patch,
    };
  }

  async function gatesOf(p: Promotion = promotion()): Promise<Record<string, GateResult>> {
    const results = await evaluator.evaluate(p, 'request');
    return Object.fromEntries(results.map((r) => [r.gate, r]));
  }

  const checkRunUrl = (id: number): string => `${emu.url}/acme/markets/runs/${id}`;

  it('checks pending, then green: the gate goes pending → pass', async () => {
    const unit = emu.addCheckRun('acme/markets', mainSha, { name: 'unit-tests', status: 'queued' });
    const before = await gatesOf();
    expect(before.checks).toMatchObject({ status: 'pending', code: 'checks_pending', details: { pending: ['unit-tests'], missing: ['ci-test'] } });
    expect(before.checks!.summary).toBe(
      `Waiting for required checks on <${emu.url}/acme/markets/commit/${mainSha}|\`${mainSha.slice(0, 7)}\`>: <${checkRunUrl(unit)}|unit-tests> (queued), \`ci-test\` (not reported yet) (0/2 green)`,
    );

    emu.updateCheckRun(unit, { status: 'in_progress' });
    emu.addStatus('acme/markets', mainSha, { context: 'ci-test', state: 'pending', targetUrl: 'https://ci.example/ci-test/1' });
    expect((await gatesOf()).checks).toMatchObject({ status: 'pending', details: { pending: ['unit-tests', 'ci-test'], missing: [] } });

    emu.updateCheckRun(unit, { status: 'completed', conclusion: 'success' });
    emu.addStatus('acme/markets', mainSha, { context: 'ci-test', state: 'success', targetUrl: 'https://ci.example/ci-test/2' });
    const after = await gatesOf();
    expect(after.checks).toMatchObject({ status: 'pass', code: 'checks_ok' });
    expect(after.checks!.summary).toContain(`<${checkRunUrl(unit)}|unit-tests>, <https://ci.example/ci-test/2|ci-test>`);
  });

  it('checks failing: blocked, naming the failing checks with their links', async () => {
    const unit = emu.addCheckRun('acme/markets', mainSha, { name: 'unit-tests', conclusion: 'failure' });
    emu.addStatus('acme/markets', mainSha, { context: 'ci-test', state: 'error', targetUrl: 'https://ci.example/ci-test/9' });
    emu.addCheckRun('acme/markets', mainSha, { name: 'lint', conclusion: 'failure' }); // not required
    const g = await gatesOf();
    expect(g.checks).toMatchObject({ status: 'block', code: 'checks_failed', details: { failing: ['unit-tests', 'ci-test'] } });
    expect(g.checks!.summary).toBe(
      `Required checks failing on <${emu.url}/acme/markets/commit/${mainSha}|\`${mainSha.slice(0, 7)}\`>: <${checkRunUrl(unit)}|unit-tests> (failure), <https://ci.example/ci-test/9|ci-test> (error)`,
    );
  });

  it('a workflow job is a check run too (latest per name: a re-run decides)', async () => {
    emu.addWorkflow('acme/markets', { file: 'ci.yml', jobName: 'unit-tests', conclusion: 'failure', durations: { queuedMs: 1000, inProgressMs: 1000 } });
    emu.addStatus('acme/markets', mainSha, { context: 'ci-test', state: 'success' });
    await seed.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      owner: 'acme',
      repo: 'markets',
      workflow_id: 'ci.yml',
      ref: 'main',
    });
    expect((await gatesOf()).checks).toMatchObject({ status: 'pending' });
    clock.now += 3000;
    expect((await gatesOf()).checks).toMatchObject({ status: 'block', code: 'checks_failed' });
    emu.setWorkflowOutcome('acme/markets', 'ci.yml', 'success');
    await seed.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      owner: 'acme',
      repo: 'markets',
      workflow_id: 'ci.yml',
      ref: 'main',
    });
    clock.now += 3000;
    expect((await gatesOf()).checks).toMatchObject({ status: 'pass', code: 'checks_ok' });
  });

  it('ETag: re-checking unchanged checks is answered 304 and spends no rate limit', async () => {
    emu.addCheckRun('acme/markets', mainSha, { name: 'unit-tests', conclusion: 'success' });
    emu.addStatus('acme/markets', mainSha, { context: 'ci-test', state: 'success' });
    const remaining = async (): Promise<number> =>
      ((await (await fetch(`${emu.url}/rate_limit`, { headers: { authorization: `token ${TOKEN}` } })).json()) as { rate: { remaining: number } }).rate
        .remaining;
    const checkCalls = () =>
      emu.calls.filter((c) => c.path === `/repos/acme/markets/commits/${mainSha}/check-runs` || c.path === `/repos/acme/markets/commits/${mainSha}/status`);

    expect((await gatesOf()).checks?.status).toBe('pass');
    const afterFirst = await remaining();
    expect(checkCalls().map((c) => c.status)).toEqual([200, 200]);

    expect((await gatesOf()).checks?.status).toBe('pass');
    expect(checkCalls().map((c) => c.status)).toEqual([200, 200, 304, 304]);
    // soak also asked GitHub (deployments list) both times: its second answer is a 304 too
    expect(emu.calls.filter((c) => c.path === '/repos/acme/markets/deployments').map((c) => c.status)).toEqual([200, 304]);
    expect(await remaining()).toBe(afterFirst);
    expect(etags.stats().hits).toBe(3);

    // a change is seen at once (new ETag), and costs one request again
    emu.addStatus('acme/markets', mainSha, { context: 'ci-test', state: 'failure' });
    expect((await gatesOf()).checks).toMatchObject({ status: 'block', code: 'checks_failed' });
    expect(checkCalls().map((c) => c.status)).toEqual([200, 200, 304, 304, 304, 200]);
  });

  it("soak not yet reached (shipgate's history): blocked, says when it will be", async () => {
    await history.record({
      service: 'markets-pipeline',
      env: 'test',
      sha: mainSha,
      promotionId: 'p-20260302-test01',
      kind: 'promotion',
      outcome: 'succeeded',
      at: new Date(START - 3 * H).toISOString(),
    });
    const g = await gatesOf();
    expect(g.soak).toMatchObject({
      status: 'block',
      code: 'soak_not_reached',
      details: { source: 'shipgate', reference: 'p-20260302-test01', readyAt: '2026-03-03T07:00:00.000Z' },
    });
    expect(g.soak!.summary).toBe(
      `\`${mainSha.slice(0, 7)}\` has run for 3h in \`test\` of the required 24h: 21h left; soak reached at Tue 3 Mar 2026 07:00 GMT (2026-03-03T07:00:00Z)`,
    );

    clock.now = Date.parse('2026-03-03T06:59:00Z');
    expect((await gatesOf()).soak).toMatchObject({ code: 'soak_not_reached' });
    clock.now = Date.parse('2026-03-03T07:00:00Z');
    expect((await gatesOf()).soak).toMatchObject({ status: 'pass', code: 'soak_ok' });
  });

  it('soak from GitHub Deployments when shipgate never deployed the SHA there; never deployed → blocked', async () => {
    expect((await gatesOf()).soak).toMatchObject({ status: 'block', code: 'soak_never_deployed' });
    clock.now = START - 30 * H;
    const d = await seed.request('POST /repos/{owner}/{repo}/deployments', {
      owner: 'acme',
      repo: 'markets',
      ref: mainSha,
      environment: 'test',
      required_contexts: [],
    });
    await seed.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      owner: 'acme',
      repo: 'markets',
      deployment_id: (d.data as { id: number }).id,
      state: 'success',
    });
    clock.now = START;
    const g = await gatesOf();
    expect(g.soak).toMatchObject({ status: 'pass', code: 'soak_ok', details: { source: 'github', deployedAt: new Date(START - 30 * H).toISOString() } });
    expect(g.soak!.summary).toContain('for 1d 6h (soak 24h)');
  });

  // ------------------------------------------------------------------ plan

  /** acme/platform: prod at the base; test 26 commits ahead, 3 of them through merged PRs. */
  async function seedPlatform(): Promise<{ base: string; numbers: number[] }> {
    const base = emu.addRepo('acme/platform');
    emu.setBranch('acme/platform', 'prod', base);
    emu.setBranch('acme/platform', 'test', base);
    for (let i = 1; i <= 20; i++)
      emu.addCommit('acme/platform', 'test', { message: `chore: step ${i}\n\ndetails`, author: { name: 'Carol C', email: 'c@example.com' } });
    const numbers: number[] = [];
    for (const [i, login] of ['alice', 'bob', 'alice'].entries()) {
      emu.setBranch('acme/platform', `feature-${i}`, emu.branchHead('acme/platform', 'test')!);
      emu.addCommit('acme/platform', `feature-${i}`, {
        message: `feat: job ${i}`,
        author: { name: login.toUpperCase(), email: `${login}@example.com`, login },
      });
      emu.addCommit('acme/platform', `feature-${i}`, {
        message: `test: job ${i}`,
        author: { name: login.toUpperCase(), email: `${login}@example.com`, login },
      });
      const pr = await seed.request('POST /repos/{owner}/{repo}/pulls', {
        owner: 'acme',
        repo: 'platform',
        title: `Job ${i}`,
        head: `feature-${i}`,
        base: 'test',
      });
      await seed.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', {
        owner: 'acme',
        repo: 'platform',
        pull_number: pr.data.number,
        merge_method: 'merge',
      });
      numbers.push(pr.data.number);
    }
    return { base, numbers };
  }

  it('plan: every gate and what would ship (commits, authors, PR links), capped with the compare link', async () => {
    const { base, numbers } = await seedPlatform();
    const testHead = emu.branchHead('acme/platform', 'test')!;
    const planner = new PlanPromotion({
      config,
      clock: { now: () => new Date(clock.now) },
      github: new GitHubWorkflowRuns(gh),
      compare: new GitHubCompare(gh, { etags }),
      history,
      gates: evaluator,
    });
    const plan = await planner.execute({ service: 'databricks-jobs', env: 'prod', options: {}, userId: 'U0ENGINEER' });

    expect(plan.candidate).toEqual({ sha: testHead, ref: 'test', source: 'head of test' });
    expect(plan.gates.map((g) => [g.gate, g.status, g.code])).toEqual([
      ['candidate', 'pass', 'candidate_resolved'],
      ['path', 'pass', 'path_ok'],
      ['approval', 'pending', expect.any(String)],
      ['checks', 'pass', 'no_required_checks'],
      ['soak', 'block', 'soak_never_deployed'],
    ]);
    const d = plan.diff;
    expect(d.base).toEqual({ sha: base, source: 'head of `prod`' });
    expect(d).toMatchObject({ head: testHead, status: 'ahead', total: 29, more: 9, url: `${emu.url}/acme/platform/compare/${base}...${testHead}` });
    expect(d.commits).toHaveLength(20);
    expect(d.commits[0]).toMatchObject({ sha: testHead, message: `Merge pull request #${numbers[2]} from acme/feature-2`, pulls: [numbers[2]] });
    expect(d.commits[1]).toMatchObject({
      message: 'test: job 2',
      authorLogin: 'alice',
      authorName: 'ALICE',
      url: `${emu.url}/acme/platform/commit/${d.commits[1]!.sha}`,
      pulls: [numbers[2]],
    });
    expect(d.commits.at(-1)).toMatchObject({ message: 'chore: step 10', authorName: 'Carol C' });
    expect(d.commits.at(-1)!.authorLogin).toBeUndefined();
    expect(d.pullRequests).toEqual(
      [...numbers].reverse().map((n, i) => ({
        number: n,
        title: `Job ${2 - i}`,
        url: `${emu.url}/acme/platform/pull/${n}`,
        state: 'closed',
        merged: true,
        authorLogin: 'shipgate-bot',
        base: 'test',
      })),
    );

    const m = planMessage(plan, { commitUrl: (repo, sha) => `${emu.url}/${repo}/commit/${sha}` });
    const text = JSON.stringify(m.blocks);
    expect(text).toContain(`<${emu.url}/acme/platform/pull/${numbers[0]}|#${numbers[0]} Job 0>`);
    expect(text).toContain(`_…and 9 more: <${emu.url}/acme/platform/compare/${base}...${testHead}|compare on GitHub>_`);
    expect(text).toContain('A request now would be blocked* by *soak*');
  });

  // ------------------------------------------------------------------ shipgate plan (CLI)

  describe('shipgate plan', () => {
    let dir: string;
    let configFile: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'shipgate-plan-'));
      configFile = path.join(dir, 'shipgate.yml');
      writeFileSync(configFile, CONFIG_YAML);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
      let out = '';
      let err = '';
      const code = await planCommand(['plan', ...argv], {
        stdout: (s) => (out += s),
        stderr: (s) => (err += s),
        now: () => new Date(clock.now),
        env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: emu.url, REDIS_URL, SHIPGATE_REDIS_PREFIX: prefix, SHIPGATE_CONFIG: configFile, ...env },
      });
      return { code, out, err };
    }

    it('exit 0 when no gate blocks (approval pending is expected), with the SPEC JSON', async () => {
      emu.addCheckRun('acme/markets', mainSha, { name: 'unit-tests', conclusion: 'success' });
      emu.addStatus('acme/markets', mainSha, { context: 'ci-test', state: 'success', targetUrl: 'https://ci.example/1' });
      const next = emu.addCommit('acme/markets', 'main', { message: 'fix: rounding\n\nbody', author: { name: 'Bob B', email: 'b@example.com', login: 'bob' } });
      emu.addCheckRun('acme/markets', next, { name: 'unit-tests', conclusion: 'success' });
      emu.addStatus('acme/markets', next, { context: 'ci-test', state: 'success' });
      await history.record({
        service: 'markets-pipeline',
        env: 'test',
        sha: next,
        promotionId: 'p-20260228-test01',
        kind: 'promotion',
        outcome: 'succeeded',
        at: new Date(START - 48 * H).toISOString(),
      });
      await history.record({
        service: 'markets-pipeline',
        env: 'prod',
        sha: mainSha,
        promotionId: 'p-20260227-prod01',
        kind: 'promotion',
        outcome: 'succeeded',
        at: new Date(START - 72 * H).toISOString(),
      });

      const r = await cli(['markets-pipeline', 'prod', '--json']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const json = JSON.parse(r.out) as Record<string, unknown>;
      expect(json).toMatchObject({
        service: 'markets-pipeline',
        env: 'prod',
        from: 'test',
        candidate: { sha: next, ref: next, source: 'running in test (p-20260228-test01)' },
        blocked: false,
        history: 'used',
        diff: {
          base: mainSha,
          head: next,
          total: 1,
          commits: [
            { sha: next, message: 'fix: rounding', author: 'bob', authorName: 'Bob B', url: `${emu.url}/acme/markets/commit/${next}`, pullRequests: [] },
          ],
          pullRequests: [],
          url: `${emu.url}/acme/markets/compare/${mainSha}...${next}`,
        },
      });
      expect((json.gates as Array<{ gate: string; status: string; code: string; summary: string }>).map((g) => [g.gate, g.status, g.code])).toEqual([
        ['candidate', 'pass', 'candidate_resolved'],
        ['path', 'pass', 'path_ok'],
        ['approval', 'pending', expect.any(String)],
        ['freeze', 'pass', expect.any(String)],
        ['checks', 'pass', 'checks_ok'],
        ['soak', 'pass', 'soak_ok'],
      ]);
      const checks = (json.gates as Array<{ gate: string; summary: string }>).find((g) => g.gate === 'checks')!;
      expect(checks.summary).toMatch(
        // the same gate wiring as the bot: the SHA links to its commit (plain text in the terminal)
        new RegExp(`^All 2 required checks green on \`${next.slice(0, 7)}\` \\(${emu.url}/acme/markets/commit/${next}\\): unit-tests \\(${emu.url}/acme/markets/runs/\\d+\\), \`ci-test\`$`),
      );

      const human = await cli(['markets-pipeline', 'prod']);
      expect(human.code).toBe(0);
      expect(human.out).toContain('Plan: markets-pipeline test → prod (acme/markets), dry run');
      expect(human.out).toMatch(/^soak\s+PASS\s+soak_ok\s+`[0-9a-f]{7}` has run in `test` for 2d/m);
      expect(human.out).toContain(`  ${next.slice(0, 7)}  fix: rounding  @bob`);
      expect(human.out).toContain('Result: no gate blocks (pending: approval) (exit 0)');
    });

    it('exit 3 when a gate blocks (checks failing, soak not reached), and the reasons are shown', async () => {
      emu.addCheckRun('acme/markets', mainSha, { name: 'unit-tests', conclusion: 'failure' });
      await history.record({
        service: 'markets-pipeline',
        env: 'test',
        sha: mainSha,
        promotionId: 'p-20260302-test02',
        kind: 'promotion',
        outcome: 'succeeded',
        at: new Date(START - 2 * H).toISOString(),
      });
      const r = await cli(['markets-pipeline', 'prod', 'from=test']);
      expect(r.code).toBe(3);
      expect(r.out).toMatch(
        /^checks\s+BLOCK\s+checks_failed\s+Required check failing on `[0-9a-f]{7}` \(http:\/\/127\.0\.0\.1:\d+\/acme\/markets\/commit\/[0-9a-f]{40}\): unit-tests \(http:\/\/127\.0\.0\.1:\d+\/acme\/markets\/runs\/\d+\) \(failure\); still waiting for `ci-test` \(not reported yet\)$/m,
      );
      expect(r.out).toContain('soak reached at Tue 3 Mar 2026 08:00 GMT (2026-03-03T08:00:00Z)');
      expect(r.out).toContain('Result: BLOCKED by checks, soak (exit 3)');
      const json = JSON.parse((await cli(['markets-pipeline', 'prod', '--json'])).out) as { blocked: boolean; gates: Array<{ gate: string; code: string }> };
      expect(json.blocked).toBe(true);
      expect(json.gates.filter((g) => ['checks', 'soak'].includes(g.gate)).map((g) => g.code)).toEqual(['checks_failed', 'soak_not_reached']);
    });

    it('works without Redis (says so) and against a branch service', async () => {
      await seedPlatform();
      const r = await cli(['databricks-jobs', 'prod', '--json'], { REDIS_URL: 'redis://127.0.0.1:1' });
      expect(r.err).toMatch(/^warning: planning without shipgate's deployment history: Redis at redis:\/\/127\.0\.0\.1:1 did not answer/);
      expect(r.code).toBe(3); // soak: never deployed in test
      const json = JSON.parse(r.out) as { history: string; diff: { total: number; commits: unknown[]; pullRequests: unknown[] } };
      expect(json.history).toBe('unavailable');
      expect(json.diff).toMatchObject({ total: 29 });
      expect(json.diff.commits).toHaveLength(20);
      expect(json.diff.pullRequests).toHaveLength(3);
    });

    it('exit 2 for bad input and bad environment variables, 1 for a bad config or unusable GitHub', async () => {
      const unknown = await cli(['markets-pipelin', 'prod']);
      expect(unknown.code).toBe(2);
      expect(unknown.err).toContain('Unknown service `markets-pipelin`. Did you mean `markets-pipeline`?');
      expect((await cli(['markets-pipeline', 'dev'])).code).toBe(2); // first environment: nothing promotes into it
      expect((await cli(['markets-pipeline'])).err).toMatch(/missing environment\nusage: shipgate plan/);
      const noToken = await cli(['markets-pipeline', 'prod'], { GITHUB_TOKEN: '' });
      expect(noToken.code).toBe(2);
      expect(noToken.err).toContain('GITHUB_TOKEN: missing');
      writeFileSync(configFile, 'environments: []\n');
      expect((await cli(['markets-pipeline', 'prod'])).code).toBe(1);
      writeFileSync(configFile, CONFIG_YAML);
      const badToken = await cli(['markets-pipeline', 'prod'], { GITHUB_TOKEN: 'wrong' });
      expect(badToken.code).toBe(1);
      expect(badToken.err).toContain('GitHub refused the credentials (401): check GITHUB_TOKEN');
    });
  });
});
