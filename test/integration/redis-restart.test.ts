import type { FaultRule } from '../../src/emulators/fault-plan';
import type { Promotion } from '../../src/domain/promotion';
import { BASE_CONFIG, CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { RedisServer } from '../helpers/redis-server';
import { ShipgateProcess } from '../helpers/shipgate-process';
import { waitUntil } from '../helpers/wait-until';
import { BRANCH_CONFIG, seedPlatform, settled, sideEffects } from '../helpers/engine-crash';

jest.setTimeout(90_000);

/**
 * How long Redis stays down: longer than the GitHub request timeout of the harness (1 s) plus
 * ioredis's three reconnect attempts, so the step in flight when Redis died comes back from
 * GitHub and hits the outage (a fault's length, not a synchronisation).
 */
const OUTAGE_MS = 2000;


/** How many audit entries of each of `types` the promotion has (an adopted side effect counts as its applied one). */
async function auditCounts(h: Harness, id: string, groups: Record<string, string[]>): Promise<Record<string, number>> {
  const types = (await h.app.audit.forPromotion(id)).map((e) => e.type);
  return Object.fromEntries(Object.entries(groups).map(([name, ts]) => [name, types.filter((t) => ts.includes(t)).length]));
}

/** Where in the promotion Redis goes away: a GitHub call held open, or an emulator call to watch for. */
type Point = { name: string; fault: FaultRule } | { name: string; after: (h: Harness) => boolean };

const WORKFLOW_POINTS: Point[] = [
  { name: 'while the dispatch call is in flight (GitHub applied it)', fault: { method: 'POST', path: /\/dispatches$/, mode: 'hang-after' } },
  { name: 'while the run is in progress (right after the dispatch)', after: (h) => h.github.dispatches.length > 0 },
];

const BRANCH_POINTS: Point[] = [
  { name: 'right after the PR was opened', after: (h) => h.github.calls.some((c) => c.method === 'POST' && /\/pulls$/.test(c.path) && c.status === 201) },
  { name: 'while the environment review call is in flight (GitHub took it)', fault: { method: 'POST', path: /\/pending_deployments$/, mode: 'hang-after' } },
];

type Restart = 'kill -9' | 'graceful SHUTDOWN';

/** Approves through the web bot, takes Redis down at the point for OUTAGE_MS, brings it back on the same port and dir. */
async function restartAt(h: Harness, redis: RedisServer, point: Point, how: Restart, approve: () => Promise<Promotion>): Promise<Promotion> {
  const fault = 'fault' in point ? h.github.inject(point.fault) : undefined;
  const p = await approve();
  if (fault) await fault.hit;
  else if ('after' in point) await waitUntil(`the promotion to reach: ${point.name}`, () => point.after(h), 10_000, 2);
  if (how === 'kill -9') await redis.kill();
  else await redis.shutdown();
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await redis.start();
  return p;
}

describe('Redis restarted in the middle of a promotion (AOF on): it finishes, nothing lost, nothing twice', () => {
  let redis: RedisServer;
  let h: Harness | undefined;
  let worker: ShipgateProcess | undefined;
  beforeEach(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await worker?.kill('SIGKILL');
    worker = undefined;
    await h?.close();
    h = undefined;
    await redis.stop();
  });

  describe.each<Restart>(['kill -9', 'graceful SHUTDOWN'])('Redis %s', (how) => {
    it.each(WORKFLOW_POINTS)('workflow strategy, $name', async (point) => {
      h = await startHarness('redis-restart-wf', { role: 'web', config: BASE_CONFIG, redisUrl: redis.url });
      const hh = h;
      worker = await ShipgateProcess.start(hh, 'worker');
      const p = await restartAt(hh, redis, point, how, async () => {
        const req = await hh.request('markets-pipeline prod', USERS.rm1);
        await hh.click(req, 'promotion_approve', USERS.rm2);
        return req;
      });
      const done = await settled(hh, p.id, 30_000);
      expect(done.state).toBe('succeeded');
      expect(sideEffects(hh, done)).toEqual({ dispatches: 1, pulls: 0, merges: 0, reviews: 0, deployments: 1, statuses: 1, duplicatePosts: [] });
      expect(
        await auditCounts(hh, done.id, {
          requested: ['requested'],
          approved: ['approved'],
          started: ['started'],
          dispatched: ['workflow_dispatched', 'run_adopted'],
          succeeded: ['succeeded'],
          failures: ['failed', 'step_failed'],
        }),
      ).toEqual({ requested: 1, approved: 1, started: 1, dispatched: 1, succeeded: 1, failures: 0 });
      expect(done.evidence.deployments).toHaveLength(1);
      expect((await hh.app.history.list('markets-pipeline', 'prod')).filter((x) => x.promotionId === done.id)).toHaveLength(1);
      expect(hh.slack.message(CHANNEL, done.messageTs!)?.text).toContain('succeeded');
    });

    it.each(BRANCH_POINTS)('branch strategy with environment review, $name', async (point) => {
      h = await startHarness('redis-restart-br', { role: 'web', config: BRANCH_CONFIG, redisUrl: redis.url });
      const hh = h;
      seedPlatform(hh);
      worker = await ShipgateProcess.start(hh, 'worker');
      const p = await restartAt(hh, redis, point, how, async () => {
        const req = await hh.request('databricks-jobs prod', USERS.rm1);
        await hh.click(req, 'promotion_approve', USERS.rm2);
        return req;
      });
      const done = await settled(hh, p.id, 30_000);
      expect(done.state).toBe('succeeded');
      expect(sideEffects(hh, done)).toEqual({ dispatches: 0, pulls: 1, merges: 1, reviews: 1, deployments: 1, statuses: 1, duplicatePosts: [] });
      expect(done.evidence.mergeSha).toBe(hh.github.branchHead('acme/platform', 'prod'));
      expect(
        await auditCounts(hh, done.id, {
          requested: ['requested'],
          approved: ['approved'],
          started: ['started'],
          pr: ['pull_request_opened', 'pull_request_reused'],
          merged: ['merged', 'merge_adopted'],
          review: ['environment_approved', 'review_adopted'],
          succeeded: ['succeeded'],
          failures: ['failed', 'step_failed'],
        }),
      ).toEqual({ requested: 1, approved: 1, started: 1, pr: 1, merged: 1, review: 1, succeeded: 1, failures: 0 });
      expect(hh.slack.message(CHANNEL, done.messageTs!)?.text).toContain('succeeded');
    });
  });
});
