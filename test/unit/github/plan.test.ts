import {
  capCommits,
  dedupePullRequests,
  discountMerges,
  planBlocked,
  planDiff,
  type Comparison,
  type DiffCommit,
  type DiffPullRequest,
  type Plan,
} from '../../../src/domain/plan';
import { fitLines, planMessage } from '../../../src/adapters/slack/blocks/plan-message';
import { LIMITS } from '../../../src/adapters/slack/blocks/block-kit';
import { PlanPromotion } from '../../../src/app/plan-promotion';
import { GateEvaluator } from '../../../src/app/gate-evaluator';
import { parseConfig } from '../../../src/config/load-config';
import { gate } from '../../../src/domain/gates/gate-result';
import { ShipgateError } from '../../../src/shared/shipgate-error';
import { loadPlanEnv, mrkdwnToPlain, parsePlanArgs } from '../../../src/cli/plan-command';
import type { DeploymentRecord } from '../../../src/app/ports/deployment-history';
import type { SourceCompare } from '../../../src/app/ports/source-compare';
import { mrk } from '../../../src/shared/mrkdwn';

const sha = (i: number): string => i.toString(16).padStart(40, '0');
const commit = (i: number, patch: Partial<DiffCommit> = {}): DiffCommit => ({
  sha: sha(i),
  message: `change ${i}`,
  authorName: `Dev ${i}`,
  url: `https://gh.example/c/${sha(i)}`,
  ...patch,
});
const pr = (n: number, patch: Partial<DiffPullRequest> = {}): DiffPullRequest => ({
  number: n,
  title: `PR ${n}`,
  url: `https://gh.example/pull/${n}`,
  state: 'closed',
  merged: true,
  ...patch,
});

function comparison(n: number, total = n, patch: Partial<Comparison> = {}): Comparison {
  return {
    base: sha(0),
    head: sha(n),
    status: 'ahead',
    aheadBy: total,
    behindBy: 0,
    totalCommits: total,
    commits: Array.from({ length: n }, (_, i) => commit(i + 1)),
    url: 'https://gh.example/compare/a...b',
    ...patch,
  };
}

describe('plan diff model', () => {
  it('lists the newest commits first, capped, and counts the rest (GitHub lists ≤ 250, oldest first)', () => {
    const { shown, more } = capCommits(comparison(25).commits, 25, 20);
    expect(shown.map((c) => c.message)).toEqual(Array.from({ length: 20 }, (_, i) => `change ${25 - i}`));
    expect(more).toBe(5);
    expect(capCommits(comparison(250, 400).commits, 400, 20).more).toBe(380);
    expect(capCommits(comparison(3).commits, 3, 20)).toMatchObject({ more: 0 });
  });

  it('deduplicates pull requests across commits, in first-seen order', () => {
    expect(dedupePullRequests([[pr(3), pr(1)], [pr(1)], [], [pr(2), pr(3)]]).map((p) => p.number)).toEqual([3, 1, 2]);
    expect(dedupePullRequests([Array.from({ length: 30 }, (_, i) => pr(i + 1))], 20)).toHaveLength(20);
  });

  it('planDiff: listed commits carry their PR numbers; only listed commits contribute PRs', () => {
    const c = comparison(22);
    const pulls = new Map<string, DiffPullRequest[]>([
      [sha(22), [pr(7)]],
      [sha(21), [pr(7), pr(8)]],
      [sha(1), [pr(1)]], // not listed (oldest of 22, cap 20)
    ]);
    const d = planDiff({ sha: sha(0), source: 'running in prod' }, c, pulls, 20);
    expect(d.commits[0]).toMatchObject({ sha: sha(22), pulls: [7] });
    expect(d.commits[1]).toMatchObject({ sha: sha(21), pulls: [7, 8] });
    expect(d.commits[2]?.pulls).toBeUndefined();
    expect(d.pullRequests.map((p) => p.number)).toEqual([7, 8]);
    expect(d).toMatchObject({ total: 22, more: 2, url: 'https://gh.example/compare/a...b' });
    expect(d.note).toBeUndefined();
  });

  it.each<[Comparison['status'], RegExp]>([
    ['identical', /nothing new would ship/],
    ['behind', /2 commits behind .* go backwards/],
    ['diverged', /diverged .*\(2 commits in the target/],
  ])('planDiff notes a %s comparison', (status, note) => {
    expect(planDiff({ sha: sha(0), source: 'x' }, comparison(0, 0, { status, behindBy: 2 }), new Map()).note).toMatch(note);
  });

  it('discountMerges: the merge commits of earlier promotions are not "what the target has"', () => {
    const merge = (i: number) => commit(i, { message: `Merge pull request #${i} from acme/test`, parents: [sha(90), sha(91)] });
    const plain = (i: number) => commit(i, { message: `hotfix ${i}`, parents: [sha(92)] });
    const ahead = comparison(3, 3, { status: 'diverged', behindBy: 1 });
    // after an ordinary merge promotion: only the merge commit is in prod and not in test
    expect(discountMerges(ahead, { commits: [merge(50)], totalCommits: 1 })).toMatchObject({ status: 'ahead', behindBy: 0, aheadBy: 3 });
    expect(planDiff({ sha: sha(0), source: 'x' }, discountMerges(ahead, { commits: [merge(50)], totalCommits: 1 }), new Map()).note).toBeUndefined();
    // nothing new on test: the candidate is already in prod
    const behindOnly = comparison(0, 0, { status: 'behind', aheadBy: 0, behindBy: 1 });
    expect(discountMerges(behindOnly, { commits: [merge(50)], totalCommits: 1 })).toMatchObject({ status: 'identical', behindBy: 0 });
    // a real change in prod still counts (and the merge that brought it in does not)
    const hotfix = comparison(3, 3, { status: 'diverged', behindBy: 2 });
    const d = discountMerges(hotfix, { commits: [plain(60), merge(61)], totalCommits: 2 });
    expect(d).toMatchObject({ status: 'diverged', behindBy: 1 });
    expect(planDiff({ sha: sha(0), source: 'x' }, d, new Map()).note).toBe('the candidate has diverged from what runs in the target (1 commit in the target is not in the candidate)');
    expect(discountMerges(behindOnly, { commits: [plain(60)], totalCommits: 1 })).toMatchObject({ status: 'behind', behindBy: 1 });
    // an incomplete list, or commits without parents, discount nothing
    expect(discountMerges(hotfix, { commits: [merge(61)], totalCommits: 300 })).toBe(hotfix);
    expect(discountMerges(hotfix, { commits: [commit(62)], totalCommits: 1 })).toBe(hotfix);
  });

  it('blocked only by block (pending approval and warnings do not block a plan)', () => {
    expect(planBlocked({ gates: [gate('approval', 'pending', 'approvals_missing', ''), gate('freeze', 'warn', 'frozen_overridden', '')] })).toBe(false);
    expect(planBlocked({ gates: [gate('soak', 'block', 'soak_not_reached', '')] })).toBe(true);
  });
});

function samplePlan(patch: Partial<Plan> = {}): Plan {
  const d = planDiff(
    { sha: sha(0), source: 'running in prod (p-1)' },
    comparison(30),
    new Map([[sha(30), [pr(12, { title: 'Risk | model', authorLogin: 'alice' })]]]),
  );
  return {
    service: 'markets-pipeline',
    repo: 'acme/markets',
    env: 'prod',
    from: 'int',
    candidate: { sha: sha(30), ref: 'main', source: 'head of `main`' },
    gates: [
      gate('candidate', 'pass', 'candidate_resolved', 'Candidate `0000000`'),
      gate('approval', 'pending', 'approvals_missing', 'Needs 1 approval'),
      gate('soak', 'block', 'soak_not_reached', 'soak reached at …'),
    ],
    diff: d,
    history: 'used',
    at: '2026-03-02T10:00:00.000Z',
    ...patch,
  };
}

describe('plan message (Block Kit)', () => {
  it('shows the verdict, the gates, the capped commits with PR links and the compare link', () => {
    const m = planMessage(samplePlan(), { commitUrl: (repo, s) => `https://gh.example/${repo}/commit/${s}` });
    expect(m.text.text).toBe('Plan markets-pipeline int → prod: blocked by soak; 30 commits would ship');
    const all = JSON.stringify(m.blocks);
    expect(all).toContain('A request now would be blocked* by *soak*');
    const commits = m.blocks.find((b) => b.block_id === 'commits') as { text: { text: string } };
    const lines = commits.text.text.split('\n');
    expect(lines[0]).toBe('*What would ship*: 30 commits (<https://gh.example/compare/a...b|compare>)');
    expect(lines[1]).toBe(`• <https://gh.example/c/${sha(30)}|\`${sha(30).slice(0, 7)}\`> change 30 (<https://gh.example/pull/12|#12>) · Dev 30`);
    expect(lines).toHaveLength(22);
    expect(lines[21]).toBe('_…and 10 more: <https://gh.example/compare/a...b|compare on GitHub>_');
    const pulls = m.blocks.find((b) => b.block_id === 'pulls') as { text: { text: string } };
    expect(pulls.text.text).toBe('*Pull requests* (1)\n• <https://gh.example/pull/12|#12 Risk ¦ model> (merged, @alice)');
  });

  it('stays within Slack limits: long lists spill into more sections, then "and N more"', () => {
    const huge = (n: number) => comparison(n, n, { commits: Array.from({ length: n }, (_, i) => commit(i + 1, { message: 'x'.repeat(500) })) });
    const twenty = planMessage(samplePlan({ diff: planDiff({ sha: sha(0), source: 'x' }, huge(20), new Map()) }));
    const sections = (m: typeof twenty) => m.blocks.filter((b) => b.block_id?.startsWith('commits')) as Array<{ text: { text: string } }>;
    expect(sections(twenty)).toHaveLength(2);
    expect(
      sections(twenty)
        .map((b) => b.text.text.split('\n').filter((l) => l.startsWith('• ')).length)
        .reduce((a, b) => a + b),
    ).toBe(20);

    const sixty = planMessage(samplePlan({ diff: planDiff({ sha: sha(0), source: 'x' }, huge(60), new Map(), 60) }));
    expect(sections(sixty)).toHaveLength(3);
    for (const b of sixty.blocks) {
      if ('text' in b && b.text) expect((typeof b.text === 'string' ? b.text : b.text.text).length).toBeLessThanOrEqual(LIMITS.sectionText);
    }
    const shown = sections(sixty)
      .map((b) => b.text.text.split('\n').filter((l) => l.startsWith('• ')).length)
      .reduce((a, b) => a + b);
    expect(sections(sixty).at(-1)!.text.text).toMatch(new RegExp(`_…and ${60 - shown} more: <https://gh\\.example/compare/a\\.\\.\\.b\\|compare on GitHub>_$`));
    expect(sixty.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  });

  it('fitLines keeps the summary within the room', () => {
    const text = fitLines(
      mrk`*T*`,
      Array.from({ length: 100 }, () => mrk`${'y'.repeat(100)}`),
      (left) => (left ? mrk`…${left} more` : undefined),
    ).text;
    expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(text.endsWith(`…${100 - (text.split('\n').length - 2)} more`)).toBe(true);
  });

  it('no base: says why, no commits section lines', () => {
    const m = planMessage(samplePlan({ diff: { head: sha(1), total: 0, behindBy: 0, commits: [], more: 0, pullRequests: [], note: 'nothing recorded' } }));
    const commits = m.blocks.find((b) => b.block_id === 'commits') as { text: { text: string } };
    expect(commits.text.text).toBe('*What would ship*\n_nothing recorded_');
  });
});

const CONFIG = parseConfig(`
environments:
  - name: dev
  - name: test
  - name: prod
    approvers: [S0RELEASEMGRS]
services:
  - name: jobs
    repo: acme/platform
    pipeline: [dev, test, prod]
    strategy: { type: branch, branches: { dev: dev, test: test, prod: main } }
  - name: api
    repo: acme/api
    pipeline: [dev, prod]
    strategy: { type: workflow, workflow: deploy.yml, ref: release }
`);

describe('PlanPromotion', () => {
  const clock = { now: () => new Date('2026-03-02T10:00:00Z') };
  const rec = (env: string, s: string, patch: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
    service: 'jobs',
    env,
    sha: s,
    promotionId: `p-${env}`,
    kind: 'promotion',
    outcome: 'succeeded',
    at: '2026-03-01T10:00:00.000Z',
    ...patch,
  });
  function fakes(history: Record<string, DeploymentRecord[]> | 'broken' | undefined) {
    const resolved: string[] = [];
    const compared: Array<[string, string]> = [];
    const compare: SourceCompare = {
      compare: async (_repo, base, head) => {
        compared.push([base, head]);
        return { ...comparison(2), base, head };
      },
      pullsForCommit: async (_repo, s) => (s === sha(2) ? [pr(5)] : []),
    };
    const github = {
      resolveCommit: async (_repo: string, ref: string) => {
        resolved.push(ref);
        if (ref === 'missing') throw new ShipgateError('not_found', 'no commit, branch or tag `missing`');
        return /^[0-9a-f]{40}$/.test(ref) ? ref : sha(ref.length + 100);
      },
    };
    const hist =
      history === undefined
        ? undefined
        : {
            list: async (service: string, env: string) => {
              if (history === 'broken') throw new Error('redis down');
              return (history[env] ?? []).filter((r) => r.service === service);
            },
          };
    const planner = new PlanPromotion({
      config: CONFIG,
      clock,
      github,
      compare,
      ...(hist ? { history: hist } : {}),
      gates: new GateEvaluator({ config: CONFIG, clock }),
    });
    return { planner, resolved, compared };
  }

  it('candidate = what runs in from, base = what runs in the target (shipgate history)', async () => {
    const api = (env: string, s: string, patch: Partial<DeploymentRecord> = {}) => rec(env, s, { service: 'api', ...patch });
    const { planner, compared } = fakes({ dev: [api('dev', sha(7), { outcome: 'failed' }), api('dev', sha(6))], prod: [api('prod', sha(3))] });
    const plan = await planner.execute({ service: 'api', env: 'prod', options: {} });
    expect(plan.candidate).toEqual({ sha: sha(6), ref: sha(6), source: 'running in dev (p-dev)' });
    expect(plan.diff.base).toEqual({ sha: sha(3), source: 'running in prod (p-prod, 2026-03-01 10:00 UTC)' });
    expect(compared).toEqual([[sha(3), sha(6)]]);
    expect(plan.gates.map((g) => [g.gate, g.status])).toEqual([
      ['candidate', 'pass'],
      ['path', 'pass'],
      ['approval', 'pending'],
    ]);
    expect(plan.diff.pullRequests.map((p) => p.number)).toEqual([5]);
    expect(plan.history).toBe('used');
  });

  it('branch strategy: the candidate is the source branch head (as a request merges it), the base what shipgate last deployed', async () => {
    const { planner, compared } = fakes({ test: [rec('test', sha(6))], prod: [rec('prod', sha(3))] });
    const plan = await planner.execute({ service: 'jobs', env: 'prod', options: {} });
    expect(plan.candidate).toEqual({ sha: sha(104), ref: 'test', source: 'head of test' });
    expect(compared).toEqual([[sha(3), sha(104)]]);
    const pinned = await planner.execute({ service: 'jobs', env: 'prod', options: { ref: sha(9) } });
    expect(pinned.gates[0]).toMatchObject({ status: 'block', code: 'ref_not_branch_head' });
  });

  it('branch strategy without history: source branch head vs target branch head', async () => {
    const { planner, resolved } = fakes({});
    const plan = await planner.execute({ service: 'jobs', env: 'prod', options: {} });
    expect(resolved).toEqual(expect.arrayContaining(['test', 'main']));
    expect(plan.candidate.source).toBe('head of test');
    expect(plan.diff.base?.source).toBe('head of `main`');
  });

  it('workflow strategy with nothing deployed in the target: no base, says so', async () => {
    const { planner, compared } = fakes({});
    const plan = await planner.execute({ service: 'api', env: 'prod', options: { ref: sha(9) } });
    expect(plan.candidate).toEqual({ sha: sha(9), ref: sha(9), source: 'ref=' });
    expect(plan.diff).toMatchObject({
      total: 0,
      commits: [],
      note: 'shipgate has no successful deployment of api in prod yet, so there is nothing to compare with',
    });
    expect(compared).toEqual([]);
  });

  it('history unreadable: planned without it and flagged', async () => {
    const { planner } = fakes('broken');
    const plan = await planner.execute({ service: 'api', env: 'prod', options: {} });
    expect(plan.history).toBe('unavailable');
    expect(plan.candidate.source).toBe("head of `release` (shipgate's deployment history was not available)");
    expect(plan.diff.note).toMatch(/history was not available/);
  });

  it('an unresolvable ref blocks the candidate gate (with the error code) and skips the diff', async () => {
    const { planner } = fakes({});
    const plan = await planner.execute({ service: 'api', env: 'prod', options: { ref: 'missing' } });
    expect(plan.gates[0]).toMatchObject({ gate: 'candidate', status: 'block', code: 'candidate_not_found', details: { errorCode: 'not_found' } });
    expect(planBlocked(plan)).toBe(true);
    expect(plan.diff.note).toBe('no candidate commit: nothing to compare');
  });

  it('unknown names throw the same errors as /promote', async () => {
    const { planner } = fakes({});
    await expect(planner.execute({ service: 'jbos', env: 'prod', options: {} })).rejects.toMatchObject({ code: 'unknown_service' });
    await expect(planner.execute({ service: 'jobs', env: 'dev', options: {} })).rejects.toMatchObject({ code: 'bad_path' });
  });
});

describe('shipgate plan arguments and environment', () => {
  it('parses positionals, options and flags in any order', () => {
    expect(parsePlanArgs(['plan', '--json', 'jobs', 'from=dev', 'prod', 'cr=chg0030001', '--config', 'x.yml', 'ref=v1.2'])).toEqual({
      service: 'jobs',
      env: 'prod',
      options: { from: 'dev', cr: 'CHG0030001', ref: 'v1.2' },
      json: true,
      config: 'x.yml',
      help: false,
    });
    expect(parsePlanArgs(['jobs', 'prod', '--config=y.yml']).config).toBe('y.yml');
  });

  it.each([
    [['jobs'], /missing environment/],
    [[], /missing service and environment/],
    [['jobs', 'prod', 'extra'], /unexpected "extra"/],
    [['jobs', 'prod', 'to=x'], /unknown option "to="/],
    [['jobs', 'prod', 'cr=123'], /expected the form CHG0030001/],
    [['jobs', 'prod', 'ref=a..b'], /not a commit SHA, tag or branch/],
    [['jobs', 'prod', '--yaml'], /unknown flag "--yaml"/],
    [['jobs', 'prod', '--config'], /--config needs a file/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parsePlanArgs(argv)).toThrow(message);
  });

  it('needs only the GitHub variables, and names what is wrong', () => {
    expect(loadPlanEnv({ GITHUB_TOKEN: 't' })).toEqual({
      env: expect.objectContaining({
        GITHUB_TOKEN: 't',
        GITHUB_API_URL: 'https://api.github.com',
        REDIS_URL: 'redis://127.0.0.1:6379',
        SHIPGATE_REDIS_PREFIX: 'shipgate',
      }),
    });
    expect(loadPlanEnv({})).toEqual({ problems: [expect.stringMatching(/^GITHUB_TOKEN: missing \(a token with read access.*or set GITHUB_APP_ID/)] });
    expect(loadPlanEnv({ GITHUB_APP_ID: '1' })).toEqual({
      problems: ['GITHUB_APP_ID: GitHub App auth needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID together'],
    });
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----';
    expect(loadPlanEnv({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: pem, GITHUB_APP_INSTALLATION_ID: '2' })).toEqual({
      env: expect.objectContaining({ GITHUB_APP_ID: '1' }),
    });
    expect(loadPlanEnv({ GITHUB_TOKEN: 't', GITHUB_API_URL: 'ftp://x', REDIS_URL: 'localhost' })).toEqual({
      problems: ['GITHUB_API_URL: expected an http(s) URL', 'REDIS_URL: expected redis://host:port or rediss://…'],
    });
  });

  it('turns mrkdwn into terminal text', () => {
    expect(mrkdwnToPlain('*Gates* failing on <https://x/c|`abc1234`>: <https://x/r/1|unit-tests> (failure) by <@U0ABC> &lt;x&gt; _now_')).toBe(
      'Gates failing on `abc1234` (https://x/c): unit-tests (https://x/r/1) (failure) by @U0ABC <x> now',
    );
  });
});
