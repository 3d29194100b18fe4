/**
 * A long deploy never holds a worker: while one promotion follows a run that lasts 10 minutes
 * on the GitHub emulator's clock, another promotion is dispatched at once, even with a single
 * worker slot. The emulator's clock is driven forward to end both runs (no real waiting).
 * And a worker killed while ServiceNow had applied the start work note but not answered: the
 * restarted worker finds the note instead of writing it again.
 */
import type { Promotion } from '../../src/domain/promotion';
import { BASE_CONFIG, CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { ShipgateProcess } from '../helpers/shipgate-process';
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

const SN_CONFIG = BASE_CONFIG.replace('    requiredApprovals: 1\n', '    requiredApprovals: 1\n    changeRecord: required\n').replace(
  '    repo: acme/markets\n',
  '    repo: acme/markets\n    servicenow: { ci: markets-pipeline }\n',
);

/** ServiceNow's UTC `YYYY-MM-DD HH:mm:ss`. */
const snTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

describe('kill -9 of the worker while ServiceNow applied the start work note but had not answered', () => {
  let h: Harness;
  let worker: ShipgateProcess | undefined;
  afterEach(async () => {
    await worker?.kill('SIGKILL');
    await h?.close();
  });

  it('the restarted worker writes no second note, and the promotion finishes with one dispatch', async () => {
    h = await startHarness('sn-note-kill', { role: 'web', config: SN_CONFIG, servicenow: true });
    h.servicenow.addCi({ name: 'markets-pipeline' });
    // the worker processes run on the real clock: a change window around now
    const now = Date.now();
    h.servicenow.addChange({ number: 'CHG0030001', state: '-2', type: 'normal', approval: 'approved', start_date: snTime(now - 3600_000), end_date: snTime(now + 3 * 3600_000), cmdb_ci: 'markets-pipeline' });
    worker = await ShipgateProcess.start(h, 'worker');
    const notes = () => h.servicenow.workNotes('CHG0030001');
    const startNotes = (p: Promotion) => notes().filter((n) => n.startsWith(`shipgate promotion ${p.id} started`));
    const fault = h.servicenow.inject({ method: 'PATCH', path: /^\/api\/now\/table\/change_request\/[^/]+$/, mode: 'hang-after' });

    const p = await h.request('markets-pipeline prod cr=CHG0030001', USERS.rm1);
    await h.click(p, 'promotion_approve', USERS.rm2);
    await fault.hit;
    // ServiceNow applied the note; its answer never comes: kill the worker mid-call
    await waitUntil('the start note applied by ServiceNow', () => startNotes(p).length === 1);
    expect(h.github.dispatches).toHaveLength(0);
    await worker.kill('SIGKILL');
    worker = await ShipgateProcess.start(h, 'worker');

    const done = await waitUntil(
      `promotion ${p.id} to finish all its work`,
      async () => {
        const x = await h.app.repo.get(p.id);
        const owed = (x?.outbox ?? []).some((i) => i.state !== 'sent');
        return x && (x.state === 'succeeded' || x.state === 'failed') && x.exec?.finalized && x.exec.mirrored && !owed ? x : undefined;
      },
      20_000,
    );
    expect(fault.hits).toBe(1);
    expect(done.state).toBe('succeeded');
    expect(startNotes(p)).toHaveLength(1);
    expect(notes().filter((n) => n.startsWith(`shipgate promotion ${p.id} SUCCEEDED`))).toHaveLength(1);
    expect(notes()).toHaveLength(2);
    expect(h.github.dispatches).toHaveLength(1);
    const thread = h.slack.thread(CHANNEL, p.messageTs!).slice(1);
    const keys = thread.map((m) => (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? `text:${m.text}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(thread.filter((m) => m.text.includes('start work note'))).toHaveLength(1);
    expect(thread.map((m) => m.text).join('\n')).not.toContain('Could not write');
  });
});
