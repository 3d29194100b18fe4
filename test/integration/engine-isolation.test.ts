/**
 * A long deploy never holds a worker: while one promotion follows a run that lasts 10 minutes
 * on the GitHub emulator's clock, another promotion is dispatched at once, even with a single
 * worker slot. The emulator's clock is driven forward to end both runs (no real waiting).
 */
import type { Promotion } from '../../src/domain/promotion';
import { BASE_CONFIG, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(60_000);

const TEN_MINUTES = 10 * 60_000;

const CONFIG = `${BASE_CONFIG}  - name: risk-engine
    repo: acme/risk
    pipeline: [int, prod]
    strategy:
      type: workflow
      workflow: deploy.yml
      ref: main
      inputs: { environment: "{{env}}", sha: "{{sha}}", promotion: "{{promotion}}" }
`;

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

describe('a long deploy does not delay another promotion', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('promotion B is dispatched while promotion A follows a 10-minute run, with one worker slot', async () => {
    // the GitHub emulator's clock: real time plus a skew the test moves forward
    let skew = 0;
    h = await startHarness('isolation', {
      config: CONFIG,
      githubNow: () => Date.now() + skew,
      workflowDurations: { queuedMs: 50, inProgressMs: TEN_MINUTES },
      env: { WORKER_CONCURRENCY: '1' },
    });
    h.github.addRepo('acme/risk', { defaultBranch: 'main' });
    h.github.addCommit('acme/risk', 'main', { message: 'initial' });
    const riskSha = h.github.addCommit('acme/risk', 'main', { message: 'feat: faster VaR' });
    h.github.addWorkflow('acme/risk', { file: 'deploy.yml', name: 'deploy', durations: { queuedMs: 50, inProgressMs: TEN_MINUTES } });
    const dispatchesOf = (repo: string) => h.github.dispatches.filter((d) => d.repo === repo);

    // A: approved, dispatched, and its follower has seen the run in progress (10 emulator-minutes to go)
    const a = await h.request('markets-pipeline prod', USERS.rm1);
    const b = await h.request('risk-engine prod', USERS.rm1);
    await h.click(a, 'promotion_approve', USERS.rm2);
    const aDispatch = await waitUntil('A dispatched', () => dispatchesOf('acme/markets')[0]);
    await waitUntil('A to follow its run in progress', async () => {
      const p = await h.app.repo.get(a.id);
      return p?.state === 'running' && p.evidence.runs.find((r) => r.id === aDispatch.runId)?.status === 'in_progress';
    });

    // B: approved now; its dispatch must not wait for A's run (a held slot would make it wait 10 minutes)
    const clickedAt = Date.now();
    await h.click(b, 'promotion_approve', USERS.rm2);
    const bDispatch = await waitUntil('B dispatched while A still runs', () => dispatchesOf('acme/risk')[0], 5000);
    const clickToDispatchMs = Date.now() - clickedAt;
    const aRunNow = h.github.run(aDispatch.runId) as { status: string; run_started_at: string };
    const aNow = await h.app.repo.get(a.id);
    expect(aRunNow.status).toBe('in_progress');
    expect(aNow!.state).toBe('running');
    // on the emulator's clock, B's dispatch came long before A's run could end
    expect(bDispatch.at).toBeLessThan(Date.parse(aRunNow.run_started_at) + TEN_MINUTES);
    expect(bDispatch.at - aDispatch.at).toBeLessThan(10_000);
    expect(clickToDispatchMs).toBeLessThan(5000);
    expect(bDispatch.inputs).toMatchObject({ environment: 'prod', sha: riskSha, promotion: b.id });
    process.stdout.write(`[engine-isolation] click -> dispatch of B while A runs: ${clickToDispatchMs} ms\n`);

    // both runs end when the emulator's clock passes their 10 minutes
    skew += TEN_MINUTES + 60_000;
    const [doneA, doneB] = await Promise.all([settled(h, a.id), settled(h, b.id)]);
    expect(doneA.state).toBe('succeeded');
    expect(doneB.state).toBe('succeeded');
    expect(dispatchesOf('acme/markets')).toHaveLength(1);
    expect(dispatchesOf('acme/risk')).toHaveLength(1);
    expect(h.github.dispatches).toHaveLength(2);
    expect(doneA.evidence.runs.map((r) => [r.id, r.conclusion])).toEqual([[aDispatch.runId, 'success']]);
    expect(doneB.evidence.runs.map((r) => [r.id, r.conclusion])).toEqual([[bDispatch.runId, 'success']]);
  });
});
