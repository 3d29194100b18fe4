import { emptyEvidence } from '../../src/domain/evidence';
import type { Promotion } from '../../src/domain/promotion';
import { execJobId } from '../../src/adapters/queue/bullmq-job-queue';
import { STALE_REQUEST_REASON } from '../../src/app/sweep-promotions';
import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { ShipgateProcess } from '../helpers/shipgate-process';
import { TestClock } from '../helpers/test-clock';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(60_000);

const SWEEP_EVERY_MS = 250;

/** Sweep runs completed so far (every replica's, through the one job scheduler). */
async function sweepsDone(h: Harness): Promise<number> {
  return (await h.app.queue.queue.getCompleted(0, -1)).filter((j) => j.name === 'sweep').length;
}

/** Waits until `n` more sweeps than now have completed. */
async function moreSweeps(h: Harness, n: number): Promise<void> {
  const before = await sweepsDone(h);
  await waitUntil(`${n} more sweeper runs`, async () => (await sweepsDone(h)) >= before + n, 15_000);
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

describe('the sweeper', () => {
  let h: Harness;
  const workers: ShipgateProcess[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    await h.close();
  });

  it('re-enqueues a promotion stored `approved` whose job was lost, and two sweeping worker replicas execute it exactly once', async () => {
    h = await startHarness('sweeper-approved', { role: 'web' });
    // a worker evaluates the gates, then goes away: from here on only the web bot runs
    const evaluator = await h.startAnother('worker');
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await evaluator.close();
    await h.click(p, 'promotion_approve', USERS.rm2);
    await h.waitState(p.id, 'approved');
    // the crash between storing `approved` and enqueuing: the execution job never reached BullMQ
    const job = await waitUntil('the execution job the approval enqueued', () => h.app.queue.queue.getJob(execJobId(p.id)));
    await job.remove();
    expect(await h.app.queue.queue.getJob(execJobId(p.id))).toBeUndefined();
    expect((await h.app.repo.get(p.id))?.state).toBe('approved');

    workers.push(...(await Promise.all([0, 1].map(() => ShipgateProcess.start(h, 'worker', { options: { sweepEveryMs: SWEEP_EVERY_MS } })))));
    const done = await settled(h, p.id);
    expect(done.state).toBe('succeeded');
    // sweeps keep running on both replicas after the end: nothing is executed again
    await moreSweeps(h, 4);
    expect(h.github.dispatches).toHaveLength(1);
    expect(h.github.calls.filter((c) => c.method === 'POST' && /\/deployments$/.test(c.path))).toHaveLength(1);
    const audit = (await h.app.audit.forPromotion(done.id)).map((e) => e.type);
    expect(audit.filter((t) => t === 'started')).toHaveLength(1);
    expect(audit.filter((t) => t === 'workflow_dispatched' || t === 'run_adopted')).toHaveLength(1);
    expect(audit.filter((t) => t === 'succeeded')).toHaveLength(1);
    expect((await h.app.history.list('markets-pipeline', 'prod')).filter((x) => x.promotionId === done.id)).toHaveLength(1);
  });

  it('cancels a request whose approval message was never posted once it is older than the grace, freeing its lock; a younger one is left alone', async () => {
    const clock = new TestClock('2026-12-15T10:00:00Z');
    h = await startHarness('sweeper-requested', { role: 'web', clock });
    /** What a request stores (holding the lock) before it posts its approval message: the process died right there. */
    const storeCrashedRequest = async (id: string, service: string, from: string, env: string, ageMs: number): Promise<Promotion> => {
      const at = new Date(clock.now().getTime() - ageMs).toISOString();
      const p: Promotion = {
        id,
        kind: 'promotion',
        service,
        repo: 'acme/markets',
        from,
        env,
        requester: { id: USERS.engineer },
        channel: CHANNEL,
        state: 'requested',
        createdAt: at,
        updatedAt: at,
        requiredApprovals: 1,
        approvals: [],
        gates: [],
        steps: {},
        evidence: emptyEvidence(),
        version: 0,
      };
      expect(await h.app.repo.createLocked(p)).toEqual({ ok: true });
      await h.app.audit.append({ at, promotionId: id, type: 'requested', actor: USERS.engineer, data: { kind: 'promotion', service, from, env } });
      return p;
    };
    const stale = await storeCrashedRequest('p-20261215-stale2', 'markets-pipeline', 'int', 'prod', 3 * 60_000);
    const young = await storeCrashedRequest('p-20261215-young2', 'databricks-jobs', 'dev', 'test', 10_000);

    // the stuck request holds the lock: a new /promote is refused
    const refused = await h.promote('markets-pipeline prod', USERS.rm1);
    expect(refused.status).toBe(200);
    await waitUntil('the refusal of the second /promote', () => h.ephemeralsFor(USERS.rm1).find((t) => t.includes(stale.id)));
    expect((await h.app.repo.recent(10)).map((x) => x.id).sort()).toEqual([stale.id, young.id].sort());

    await h.startAnother('worker', clock, { sweepEveryMs: SWEEP_EVERY_MS });
    const cancelled = await h.waitState(stale.id, 'cancelled');
    expect(cancelled.cancellation).toMatchObject({ by: 'shipgate', reason: STALE_REQUEST_REASON });
    const audit = await h.app.audit.forPromotion(stale.id);
    expect(audit.map((e) => e.type)).toEqual(['requested', 'cancelled']);
    expect(audit[1]).toMatchObject({ actor: 'shipgate', data: { reason: STALE_REQUEST_REASON, requestedAt: stale.createdAt } });

    // the younger one may still be posting its message: several sweeps later it is untouched
    await moreSweeps(h, 3);
    expect(await h.app.repo.get(young.id)).toMatchObject({ state: 'requested', version: 0 });
    expect((await h.app.audit.forPromotion(young.id)).map((e) => e.type)).toEqual(['requested']);

    // the lock is free: a new /promote of the same service and environment goes through
    const again = await h.request('markets-pipeline prod', USERS.rm1);
    expect(again.id).not.toBe(stale.id);
    expect(again.state).toBe('awaiting_approval');

    // the grace is measured on the injected clock: once the younger one is past it, it is cancelled too
    clock.set(new Date(clock.now().getTime() + 3 * 60_000).toISOString());
    expect((await h.waitState(young.id, 'cancelled')).cancellation?.reason).toBe(STALE_REQUEST_REASON);
    expect((await h.app.repo.get(again.id))?.state).toBe('awaiting_approval');
  });
});
