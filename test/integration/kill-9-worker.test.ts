import type { FaultRule } from '../../src/emulators/fault-plan';
import type { Promotion } from '../../src/domain/promotion';
import { BASE_CONFIG, CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { ShipgateProcess } from '../helpers/shipgate-process';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(90_000);

const BRANCH_CONFIG = `
timezone: Europe/London
environments:
  - { name: dev, deployers: ["*"] }
  - { name: test, deployers: ["*"] }
  - { name: prod, deployers: [S0RELEASEMGRS], approvers: [S0RELEASEMGRS] }
services:
  - name: databricks-jobs
    repo: acme/platform
    pipeline: [dev, test, prod]
    strategy:
      type: branch
      branches: { dev: dev, test: test, prod: prod }
      mergeMethod: merge
      deployWorkflows: { test: ci-test, prod: cd-prod }
      approveEnvironments: true
`;

function seedPlatform(h: Harness): void {
  const gh = h.github;
  const base = gh.addRepo('acme/platform', { defaultBranch: 'main' });
  for (const b of ['dev', 'test', 'prod']) gh.setBranch('acme/platform', b, base);
  gh.addCommit('acme/platform', 'test', { message: 'feat: new smoke job' });
  const fast = { queuedMs: 40, inProgressMs: 150 };
  gh.addEnvironment('acme/platform', 'DataBricks-Prod', { reviewers: true });
  gh.addWorkflow('acme/platform', { file: 'cd-prod.yml', name: 'cd-prod', onPushBranches: ['prod'], environment: 'DataBricks-Prod', durations: fast, logLines: ['smoke run_id=52002'] });
}

/** Every side effect a finished promotion leaves on GitHub and in Slack, counted. */
function sideEffects(h: Harness, p: Promotion) {
  const posts = (path: RegExp) => h.github.calls.filter((c) => c.method === 'POST' && path.test(c.path)).length;
  const thread = h.slack.thread(CHANNEL, p.messageTs!).slice(1);
  const keys = thread.map((m) => ((m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? `text:${m.text}`));
  return {
    dispatches: h.github.dispatches.length,
    pulls: posts(/\/pulls$/),
    merges: h.github.calls.filter((c) => c.method === 'PUT' && c.path.endsWith('/merge')).length,
    reviews: posts(/\/pending_deployments$/),
    deployments: posts(/\/deployments$/),
    statuses: posts(/\/deployments\/\d+\/statuses$/),
    duplicatePosts: keys.filter((k, i) => keys.indexOf(k) !== i),
  };
}

/** Ended, terminal work and Deployment mirror complete, nothing owed to Slack. */
async function settled(h: Harness, id: string): Promise<Promotion> {
  return waitUntil(
    `promotion ${id} to finish all its work`,
    async () => {
      const p = await h.app.repo.get(id);
      const owed = (p?.outbox ?? []).some((i) => i.state !== 'sent');
      return p && (p.state === 'succeeded' || p.state === 'failed') && p.exec?.finalized && p.exec.mirrored && !owed ? p : undefined;
    },
    20_000,
  );
}

interface KillPoint {
  name: string;
  fault: FaultRule;
}

const WORKFLOW_POINTS: KillPoint[] = [
  { name: 'in the dispatch, after GitHub applied it', fault: { method: 'POST', path: /\/dispatches$/, mode: 'hang-after' } },
  { name: 'while reading the run', fault: { method: 'GET', path: /\/actions\/runs\/\d+$/, mode: 'hang' } },
  { name: 'while collecting the jobs', fault: { method: 'GET', path: /\/actions\/runs\/\d+\/jobs$/, mode: 'hang' } },
  { name: 'in the Deployment mirror, after GitHub created it', fault: { method: 'POST', path: /\/deployments$/, mode: 'hang-after' } },
  { name: 'in the Deployment status, after GitHub set it', fault: { method: 'POST', path: /\/deployments\/\d+\/statuses$/, mode: 'hang-after' } },
];

const BRANCH_POINTS: KillPoint[] = [
  { name: 'in the PR creation, after GitHub opened it', fault: { method: 'POST', path: /\/pulls$/, mode: 'hang-after' } },
  { name: 'in the merge, after GitHub merged', fault: { method: 'PUT', path: /\/merge$/, mode: 'hang-after' } },
  { name: 'while looking for the deploy run', fault: { method: 'GET', path: /\/actions\/workflows\/[^/]+\/runs$/, mode: 'hang' } },
  { name: 'in the environment review, after GitHub took it', fault: { method: 'POST', path: /\/pending_deployments$/, mode: 'hang-after' } },
  { name: 'in the Deployment mirror, after GitHub created it', fault: { method: 'POST', path: /\/deployments$/, mode: 'hang-after' } },
];

async function killAt(h: Harness, point: KillPoint, approve: () => Promise<Promotion>): Promise<{ p: Promotion; worker: ShipgateProcess }> {
  let worker = await ShipgateProcess.start(h, 'worker');
  const fault = h.github.inject(point.fault);
  const p = await approve();
  await fault.hit;
  await worker.kill('SIGKILL');
  worker = await ShipgateProcess.start(h, 'worker');
  return { p, worker };
}

describe('kill -9 of the worker at each step: the promotion finishes and every side effect happens once', () => {
  let h: Harness;
  let worker: ShipgateProcess | undefined;
  afterEach(async () => {
    await worker?.kill('SIGKILL');
    await h.close();
  });

  describe.each(WORKFLOW_POINTS)('workflow strategy: killed $name', (point) => {
    it('resumes and finishes', async () => {
      h = await startHarness('kill9-wf', { role: 'web', config: BASE_CONFIG });
      const r = await killAt(h, point, async () => {
        const p = await h.request('markets-pipeline prod', USERS.rm1);
        await h.click(p, 'promotion_approve', USERS.rm2);
        return p;
      });
      worker = r.worker;
      const done = await settled(h, r.p.id);
      expect(done.state).toBe('succeeded');
      expect(sideEffects(h, done)).toEqual({ dispatches: 1, pulls: 0, merges: 0, reviews: 0, deployments: 1, statuses: 1, duplicatePosts: [] });
      const audit = (await h.app.audit.forPromotion(done.id)).map((e) => e.type);
      expect(audit.filter((t) => t === 'started')).toHaveLength(1);
      expect(audit.filter((t) => t === 'succeeded')).toHaveLength(1);
      expect(done.evidence.deployments).toHaveLength(1);
      expect((await h.app.history.list('markets-pipeline', 'prod')).filter((x) => x.promotionId === done.id)).toHaveLength(1);
    });
  });

  describe.each(BRANCH_POINTS)('branch strategy: killed $name', (point) => {
    it('resumes and finishes', async () => {
      h = await startHarness('kill9-br', { role: 'web', config: BRANCH_CONFIG });
      seedPlatform(h);
      const r = await killAt(h, point, async () => {
        const p = await h.request('databricks-jobs prod', USERS.rm1);
        await h.click(p, 'promotion_approve', USERS.rm2);
        return p;
      });
      worker = r.worker;
      const done = await settled(h, r.p.id);
      expect(done.state).toBe('succeeded');
      expect(sideEffects(h, done)).toEqual({ dispatches: 0, pulls: 1, merges: 1, reviews: 1, deployments: 1, statuses: 1, duplicatePosts: [] });
      expect(done.evidence.mergeSha).toBe(h.github.branchHead('acme/platform', 'prod'));
      const audit = (await h.app.audit.forPromotion(done.id)).map((e) => e.type);
      expect(audit.filter((t) => t === 'succeeded')).toHaveLength(1);
    });
  });
});
