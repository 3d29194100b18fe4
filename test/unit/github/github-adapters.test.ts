import { Octokit } from '@octokit/rest';
import { silentLogger } from '../../../src/app/logger';
import { createGitHubClient, type GitHubClient } from '../../../src/adapters/github/github-client';
import { EtagCache, type RequestLike } from '../../../src/adapters/github/etag-cache';
import { GitHubCommitChecks } from '../../../src/adapters/github/github-commit-checks';
import { GitHubWorkflowRuns } from '../../../src/adapters/github/github-workflow-runs';
import { CombinedStatusMemo } from '../../../src/adapters/github/combined-status-memo';
import { GitHubCompare } from '../../../src/adapters/github/github-compare';
import { GitHubDeploymentLookup } from '../../../src/adapters/github/github-deployment-lookup';
import { ShipgateError } from '../../../src/shared/shipgate-error';
import { GitHubEmulator } from '../../../src/emulators/github-emulator';

const TOKEN = 'ghp_adapter_tests';
const REPO = 'acme/markets';

async function failure(p: Promise<unknown>): Promise<ShipgateError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ShipgateError);
    return e as ShipgateError;
  }
  throw new Error('expected a failure');
}

describe('GitHub adapters against the emulator', () => {
  let emu: GitHubEmulator;
  let gh: GitHubClient;
  /** Unthrottled client for seeding (the throttling plugin spaces writes 1 s apart). */
  let seed: Octokit;
  let clock: { now: number };
  let head: string;

  beforeEach(async () => {
    clock = { now: Date.parse('2026-03-02T10:00:00Z') };
    emu = new GitHubEmulator({ token: TOKEN, now: () => clock.now });
    await emu.start();
    emu.addRepo(REPO);
    head = emu.addCommit(REPO, 'main', { message: 'feat: risk model\n\nlong body', author: { name: 'Alice A', email: 'a@example.com', login: 'alice' } });
    gh = createGitHubClient({ baseUrl: emu.url, token: TOKEN, logger: silentLogger, maxRateLimitRetries: 0 });
    seed = new Octokit({ baseUrl: emu.url, auth: TOKEN });
  });
  afterEach(() => emu.stop());

  const apiCalls = (path: string): Array<{ status: number; query: Record<string, string> }> => emu.calls.filter((c) => c.path === path);

  describe('EtagCache', () => {
    it('sends If-None-Match and serves the cached body on 304 without spending rate limit', async () => {
      emu.addCheckRun(REPO, head, { name: 'unit-tests', conclusion: 'success' });
      const cache = new EtagCache(gh);
      const route = 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs';
      const first = await cache.get<{ total_count: number }>(route, { owner: 'acme', repo: 'markets', ref: head });
      const remaining = Number(first.headers['x-ratelimit-remaining']);
      const second = await cache.get<{ total_count: number }>(route, { owner: 'acme', repo: 'markets', ref: head });
      expect(first.notModified).toBe(false);
      expect(second).toMatchObject({ notModified: true, status: 200, data: { total_count: 1 } });
      expect(Number(second.headers['x-ratelimit-remaining'])).toBe(remaining);
      expect(apiCalls(`/repos/${REPO}/commits/${head}/check-runs`).map((c) => c.status)).toEqual([200, 304]);
      expect(cache.stats()).toEqual({ hits: 1, misses: 1, entries: 1 });
    });

    it('a changed resource is fetched again (new ETag), other parameters are other entries', async () => {
      const cache = new EtagCache(gh);
      const route = 'GET /repos/{owner}/{repo}/commits/{ref}/status';
      await cache.get(route, { owner: 'acme', repo: 'markets', ref: head });
      emu.addStatus(REPO, head, { context: 'ci-test', state: 'success' });
      const after = await cache.get<{ state: string }>(route, { owner: 'acme', repo: 'markets', ref: head });
      expect(after).toMatchObject({ notModified: false, data: { state: 'success' } });
      await cache.get(route, { owner: 'acme', repo: 'markets', ref: head, per_page: 5 });
      expect(cache.stats()).toEqual({ hits: 0, misses: 3, entries: 2 });
    });

    it('is bounded (least recently used out) and refuses non-GET routes', async () => {
      const cache = new EtagCache(gh, { maxEntries: 1 });
      await cache.get('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'markets' });
      await cache.get('GET /repos/{owner}/{repo}/commits/{ref}/status', { owner: 'acme', repo: 'markets', ref: head });
      await cache.get('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'markets' });
      expect(cache.stats()).toEqual({ hits: 0, misses: 3, entries: 1 });
      await expect(cache.get('POST /repos/{owner}/{repo}/statuses/{sha}', { owner: 'acme', repo: 'markets', sha: head })).rejects.toThrow(/only caches GET/);
    });

    it('two clients with different tokens sharing a cache: each gets only the 304s its own token earned', async () => {
      const multi = new GitHubEmulator({ tokens: ['ghp_alice', 'ghp_bob'], now: () => clock.now });
      await multi.start();
      try {
        multi.addRepo(REPO);
        const clients = {
          alice: createGitHubClient({ baseUrl: multi.url, token: 'ghp_alice', logger: silentLogger, maxRateLimitRetries: 0 }),
          bob: createGitHubClient({ baseUrl: multi.url, token: 'ghp_bob', logger: silentLogger, maxRateLimitRetries: 0 }),
        };
        let who: keyof typeof clients = 'alice';
        const shared: RequestLike = {
          request: Object.assign((route: string, params?: Record<string, unknown>) => clients[who].request(route, params), {
            endpoint: clients.alice.request.endpoint,
          }),
        };
        const cache = new EtagCache(shared);
        const as = async (name: keyof typeof clients) => {
          who = name;
          return cache.get<{ full_name: string }>('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'markets' });
        };
        expect((await as('alice')).notModified).toBe(false);
        const bob = await as('bob');
        expect(bob).toMatchObject({ notModified: false, status: 200, data: { full_name: REPO } });
        expect((await as('alice')).notModified).toBe(true);
        expect((await as('bob')).notModified).toBe(true);
        expect(multi.calls.filter((c) => c.path === `/repos/${REPO}`).map((c) => c.status)).toEqual([200, 200, 304, 304]);
        expect(cache.stats()).toEqual({ hits: 2, misses: 2, entries: 2 });
      } finally {
        await multi.stop();
      }
    });
  });

  describe('GitHubCommitChecks', () => {
    it('reads check runs (filter=latest, paginated) and the combined status', async () => {
      for (let i = 0; i < 130; i++) emu.addCheckRun(REPO, head, { name: `check-${i}`, conclusion: 'success' });
      emu.addCheckRun(REPO, head, { name: 'unit-tests', conclusion: 'failure' });
      emu.addCheckRun(REPO, head, { name: 'unit-tests', status: 'in_progress' });
      emu.addStatus(REPO, head, { context: 'ci-test', state: 'pending', targetUrl: 'https://ci.example/1' });
      emu.addStatus(REPO, head, { context: 'ci-test', state: 'success', targetUrl: 'https://ci.example/2' });
      const checks = new GitHubCommitChecks(gh);
      const observed = await checks.observe(REPO, head);
      expect(observed.checkRuns).toHaveLength(131);
      expect(observed.checkRuns.filter((r) => r.name === 'unit-tests')).toEqual([expect.objectContaining({ status: 'in_progress', conclusion: null })]);
      expect(observed.checkRuns[0]?.url).toMatch(new RegExp(`^${emu.url}/acme/markets/runs/\\d+$`));
      expect(observed.statuses).toEqual([expect.objectContaining({ context: 'ci-test', state: 'success', url: 'https://ci.example/2' })]);
      const pages = apiCalls(`/repos/${REPO}/commits/${head}/check-runs`);
      expect(pages.map((c) => [c.query.filter, c.query.per_page, c.query.page])).toEqual([
        ['latest', '100', '1'],
        ['latest', '100', '2'],
      ]);
    });

    it('resolving a branch through its combined status hands those statuses to the next checks read of that commit, once', async () => {
      emu.addStatus(REPO, head, { context: 'ci-test', state: 'success', targetUrl: 'https://ci.example/3' });
      const memo = new CombinedStatusMemo({ now: () => clock.now });
      const runs = new GitHubWorkflowRuns(gh, undefined, memo);
      const checks = new GitHubCommitChecks(gh, { statusMemo: memo });
      expect(await runs.resolveCommit(REPO, 'main')).toBe(head);
      const first = await checks.observe(REPO, head);
      expect(first.statuses).toEqual([expect.objectContaining({ context: 'ci-test', state: 'success' })]);
      expect(apiCalls(`/repos/${REPO}/commits/main/status`)).toHaveLength(1);
      expect(apiCalls(`/repos/${REPO}/commits/${head}/status`)).toHaveLength(0);
      // the re-check reads GitHub again: a status that turned red is seen
      emu.addStatus(REPO, head, { context: 'ci-test', state: 'failure', targetUrl: 'https://ci.example/4' });
      const again = await checks.observe(REPO, head);
      expect(again.statuses).toEqual([expect.objectContaining({ context: 'ci-test', state: 'failure' })]);
      expect(apiCalls(`/repos/${REPO}/commits/${head}/status`)).toHaveLength(1);
      // a held answer older than its age limit is not used
      await runs.resolveCommit(REPO, 'main');
      clock.now += 16_000;
      await checks.observe(REPO, head);
      expect(apiCalls(`/repos/${REPO}/commits/${head}/status`)).toHaveLength(2);
      // short SHAs go through the commits API (it expands abbreviations); unknown refs are not_found
      expect(await runs.resolveCommit(REPO, head.slice(0, 7))).toBe(head);
      expect((await failure(runs.resolveCommit(REPO, 'no-such-branch'))).code).toBe('not_found');
    });

    it('an unknown commit is not_found; bad credentials name the fix', async () => {
      expect((await failure(new GitHubCommitChecks(gh).observe(REPO, 'f'.repeat(40)))).code).toBe('not_found');
      const bad = createGitHubClient({ baseUrl: emu.url, token: 'wrong', logger: silentLogger });
      expect((await failure(new GitHubCommitChecks(bad).observe(REPO, head))).message).toMatch(/401.*GITHUB_TOKEN/);
    });
  });

  describe('GitHubCompare', () => {
    it('lists the commits between two SHAs with first lines, authors and links', async () => {
      const base = head;
      const second = emu.addCommit(REPO, 'main', { message: 'fix: rounding', author: { name: 'Bob B', email: 'b@example.com' } });
      const c = await new GitHubCompare(gh).compare(REPO, base, second);
      expect(c).toMatchObject({
        base,
        head: second,
        status: 'ahead',
        aheadBy: 1,
        behindBy: 0,
        totalCommits: 1,
        url: `${emu.url}/acme/markets/compare/${base}...${second}`,
      });
      expect(c.commits).toEqual([
        { sha: second, message: 'fix: rounding', authorName: 'Bob B', url: `${emu.url}/acme/markets/commit/${second}`, date: '2026-03-02T10:00:00Z', parents: [base] },
      ]);
      const back = await new GitHubCompare(gh).compare(REPO, second, base);
      expect(back).toMatchObject({ status: 'behind', behindBy: 1, totalCommits: 0, commits: [] });
      expect((await failure(new GitHubCompare(gh).compare(REPO, base, 'nope-branch'))).code).toBe('not_found');
    });

    it('lists the pull requests of a commit', async () => {
      emu.addCommit(REPO, 'feature', { message: 'feat: x', author: { name: 'Alice A', email: 'a@example.com', login: 'alice' } });
      const tip = emu.branchHead(REPO, 'feature')!;
      const res = await seed.request('POST /repos/{owner}/{repo}/pulls', { owner: 'acme', repo: 'markets', title: 'Feature X', head: 'feature', base: 'main' });
      const pulls = await new GitHubCompare(gh).pullsForCommit(REPO, tip);
      expect(pulls).toEqual([
        { number: res.data.number, title: 'Feature X', url: res.data.html_url, state: 'open', merged: false, authorLogin: 'shipgate-bot', base: 'main' },
      ]);
      expect(await new GitHubCompare(gh).pullsForCommit(REPO, head)).toEqual([]);
    });
  });

  describe('GitHubDeploymentLookup', () => {
    async function deploy(sha: string, environment: string, states: string[]): Promise<number> {
      const d = await seed.request('POST /repos/{owner}/{repo}/deployments', { owner: 'acme', repo: 'markets', ref: sha, environment, required_contexts: [] });
      const id = (d.data as { id: number }).id;
      for (const state of states) {
        clock.now += 60_000;
        await seed.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
          owner: 'acme',
          repo: 'markets',
          deployment_id: id,
          state: state as 'success',
        });
      }
      return id;
    }

    it('finds the newest successful deployment of the SHA to the environment, timed by its success status', async () => {
      const other = emu.addCommit(REPO, 'main', { message: 'other' });
      await deploy(head, 'int', ['in_progress', 'success']); // success at 10:02
      clock.now = Date.parse('2026-03-02T12:00:00Z');
      const newer = await deploy(head, 'int', ['in_progress', 'success']); // success at 12:02
      await deploy(other, 'int', ['success']); // marks the previous one inactive
      await deploy(head, 'prod', ['success']);
      clock.now = Date.parse('2026-03-02T14:00:00Z');
      await deploy(head, 'int', ['in_progress', 'failure']);
      const found = await new GitHubDeploymentLookup(gh).lastSuccessful(REPO, 'int', head);
      expect(found).toMatchObject({ id: newer, sha: head, environment: 'int', at: '2026-03-02T12:02:00Z' });
    });

    it('undefined when the SHA never succeeded there', async () => {
      await deploy(head, 'int', ['in_progress', 'error']);
      expect(await new GitHubDeploymentLookup(gh).lastSuccessful(REPO, 'int', head)).toBeUndefined();
      expect(await new GitHubDeploymentLookup(gh).lastSuccessful(REPO, 'prod', head)).toBeUndefined();
    });
  });
});
