import { RunFollower, githubEnvironmentMatches } from '../../../src/app/run-follower';
import { PromotionSteps } from '../../../src/app/promotion-steps';
import { silentLogger } from '../../../src/app/logger';
import { parseConfig } from '../../../src/config/load-config';
import { emptyEvidence } from '../../../src/domain/evidence';
import type { Promotion } from '../../../src/domain/promotion';
import type { WorkflowRun } from '../../../src/app/ports/workflow-runs';

const config = parseConfig(`
environments: [{ name: test }, { name: prod, approvers: [S0RM] }]
services: [{ name: jobs, repo: acme/p, pipeline: [test, prod], strategy: { type: branch, branches: { test: test, prod: prod }, approveEnvironments: true } }]
evidence: { patterns: [{ name: run_id, regex: "run_id=(\\\\d+)" }] }
`);
const strategy = config.services[0]!.strategy as Extract<(typeof config.services)[number]['strategy'], { type: 'branch' }>;

function harness(run: Partial<WorkflowRun>, pending: Array<{ environmentId: number; environment: string; canApprove: boolean }>, opts: { databricks?: boolean } = {}) {
  let stored: Promotion = {
    id: 'p-20261122-aaaaaa',
    kind: 'promotion',
    service: 'jobs',
    repo: 'acme/p',
    from: 'test',
    env: 'prod',
    sha: 'a'.repeat(40),
    requester: { id: 'U1' },
    channel: 'C1',
    messageTs: '1.1',
    state: 'running',
    createdAt: '2026-11-22T00:00:00.000Z',
    updatedAt: '2026-11-22T00:00:00.000Z',
    requiredApprovals: 1,
    approvals: [{ userId: 'U2', at: '2026-11-22T00:00:00.000Z' }],
    gates: [],
    steps: {},
    evidence: emptyEvidence(),
    version: 0,
  };
  const reviews: Array<{ state: string; ids: number[] }> = [];
  const thread: string[] = [];
  let status = 'waiting';
  const current = (): WorkflowRun => ({ id: 7, name: 'cd-prod', htmlUrl: 'https://gh/run/7', status, conclusion: status === 'completed' ? 'success' : null, headSha: 'a'.repeat(40), event: 'push', createdAt: '2026-11-22T00:00:00Z', ...run });
  const steps = new PromotionSteps({
    clock: { now: () => new Date('2026-11-22T00:00:00Z') },
    repo: { update: async (_id, fn) => ({ promotion: (stored = { ...(fn(stored) ?? stored), version: stored.version + 1 }), changed: true }) },
    audit: { append: async () => undefined },
    chat: { updatePromotion: async () => undefined, postToThread: async (_p, t) => void thread.push(t.text) },
  });
  const follower = new RunFollower({
    config,
    github: { getRun: async () => current(), listJobs: async () => [{ id: 70, name: 'deploy', status: 'completed', conclusion: 'success', htmlUrl: 'https://gh/job/70' }] },
    reviews: {
      pending: async () => (status === 'waiting' ? pending : []),
      review: async (_r, _id, ids, state) => {
        reviews.push({ state, ids });
        status = 'completed';
      },
    },
    logs: { jobLog: async () => 'smoke run_id=123\nvalidate run_id=456\nsmoke run_id=123' },
    steps,
    sleeper: {
      sleep: async () => {
        status = 'completed'; // a review left for GitHub's UI is answered there
      },
    },
    logger: silentLogger,
    pollMs: 1,
    ...(opts.databricks ? { databricks: { describe: async (id: string) => ({ runId: id, state: 'TERMINATED/SUCCESS', url: `https://dbx/run/${id}` }) } } : {}),
  });
  return { follower, reviews, thread, stored: () => stored };
}

describe('RunFollower: GitHub Environment reviews', () => {
  it.each([
    ['DataBricks-Prod', 'prod', {}, true],
    ['prod', 'prod', {}, true],
    ['DataBricks-Test', 'prod', {}, false],
    ['Production', 'prod', {}, false],
    ['Production', 'prod', { prod: 'Production' }, true],
    ['DataBricks-Prod', 'prod', { prod: 'Production' }, false],
  ])('%s stands for %s with %j: %s', (gh, env, mapping, ok) => {
    expect(githubEnvironmentMatches(gh, env, mapping)).toBe(ok);
  });

  it('approves exactly the environment and SHA approved in Slack, and extracts evidence patterns once', async () => {
    const h = harness({}, [{ environmentId: 11, environment: 'DataBricks-Prod', canApprove: true }]);
    const { promotion } = await h.follower.follow(h.stored(), strategy, 7, ['a'.repeat(40)]);
    expect(h.reviews).toEqual([{ state: 'approved', ids: [11] }]);
    expect(promotion.evidence.matches.map((m) => m.value)).toEqual(['123', '456']);
  });

  it('rejects a review for another SHA and says so', async () => {
    const h = harness({ headSha: 'b'.repeat(40) }, [{ environmentId: 11, environment: 'DataBricks-Prod', canApprove: true }]);
    await h.follower.follow(h.stored(), strategy, 7, ['a'.repeat(40)]);
    expect(h.reviews).toEqual([{ state: 'rejected', ids: [11] }]);
    expect(h.thread.join('\n')).toContain('not the SHA approved in Slack');
  });

  it('rejects a review for another environment and says so', async () => {
    const h = harness({}, [{ environmentId: 12, environment: 'DataBricks-Test', canApprove: true }]);
    await h.follower.follow(h.stored(), strategy, 7, ['a'.repeat(40)]);
    expect(h.reviews).toEqual([{ state: 'rejected', ids: [12] }]);
    expect(h.thread.join('\n')).toContain('is not the environment approved in Slack');
  });

  it('enriches Databricks run IDs with state and run page URL when configured', async () => {
    const cfg = config.evidence.patterns;
    config.evidence.patterns = [{ name: 'databricks_run_id', regex: 'run_id=(\\d+)' }];
    try {
      const h = harness({}, [], { databricks: true });
      const { promotion } = await h.follower.follow(h.stored(), strategy, 7, ['a'.repeat(40)]);
      expect(promotion.evidence.matches).toEqual([
        { name: 'databricks_run_id', value: '123', source: 'deploy', state: 'TERMINATED/SUCCESS', url: 'https://dbx/run/123' },
        { name: 'databricks_run_id', value: '456', source: 'deploy', state: 'TERMINATED/SUCCESS', url: 'https://dbx/run/456' },
      ]);
    } finally {
      config.evidence.patterns = cfg;
    }
  });

  it('only posts the link when approveEnvironments is off', async () => {
    const h = harness({}, [{ environmentId: 11, environment: 'DataBricks-Prod', canApprove: true }]);
    await h.follower.follow(h.stored(), { ...strategy, approveEnvironments: false }, 7, ['a'.repeat(40)]);
    expect(h.reviews).toEqual([]);
    expect(h.thread.join('\n')).toContain('approve it on GitHub');
  });
});
