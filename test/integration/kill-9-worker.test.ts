import type { FaultRule } from '../../src/emulators/fault-plan';
import type { Promotion } from '../../src/domain/promotion';
import { BASE_CONFIG, startHarness, USERS, type Harness } from '../helpers/harness';
import { ShipgateProcess } from '../helpers/shipgate-process';
import { BRANCH_CONFIG, seedPlatform, settled, sideEffects } from '../helpers/engine-crash';

jest.setTimeout(90_000);


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
