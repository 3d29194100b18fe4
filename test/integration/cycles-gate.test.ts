/**
 * The cycles gate through the whole bot over real HTTP (signed Slack requests, the GitHub
 * emulator with webhooks, real Redis): the candidate was deployed to `int` by shipgate; one
 * surveillance run has succeeded on it, so the card says "1 of 2 cycles"; after approval the
 * pre-execution re-check waits (nothing dispatched); a failed run and a run on another SHA do
 * not count; the second successful run's webhook wakes the promotion, the re-check passes and
 * the deploy is dispatched once. Also: the emulator's run listing filters (head_sha, status,
 * created) as GitHub documents them, never-deployed and unreadable GitHub block (fail closed).
 */
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import type { Promotion } from '../../src/domain/promotion';
import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { githubAsPerson } from '../helpers/platform';
import { waitUntil } from '../helpers/wait-until';

const CONFIG = `
timezone: Europe/London
environments:
  - name: int
  - name: prod
    deployers: [S0RELEASEMGRS, ${USERS.engineer}]
    approvers: [S0RELEASEMGRS]
    cycles: { workflow: surveillance-pipeline, count: 2 }
services:
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [int, prod]
    strategy: { type: workflow, workflow: deploy.yml, ref: main, inputs: { environment: "{{env}}", sha: "{{sha}}" } }
`;

const WEBHOOK_SECRET = 'cycles-webhook-secret';

describe('cycles gate', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const card = (p: Promotion) => JSON.stringify(h.slack.message(CHANNEL, p.messageTs!)?.blocks ?? []);
  const thread = (p: Promotion) => h.slack.thread(CHANNEL, p.messageTs!).map((m) => m.text).join('\n');
  const deployDispatches = () => h.github.calls.filter((c) => c.method === 'POST' && c.path === '/repos/acme/markets/actions/workflows/deploy.yml/dispatches').length;

  async function start(name: string): Promise<void> {
    // webhook-driven: the re-check is woken by the run's workflow_run webhook, not by polling
    h = await startHarness(name, { config: CONFIG, webhookSecret: WEBHOOK_SECRET, changeRecheckMs: 120_000 });
    h.github.addWorkflow('acme/markets', { file: 'surveillance-pipeline.yml', name: 'surveillance', durations: { queuedMs: 20, inProgressMs: 60 } });
  }

  async function deployedToInt(sha: string, at: number): Promise<void> {
    await h.app.history.record({ service: 'markets-pipeline', env: 'int', sha, promotionId: 'p-20260302-int001', kind: 'promotion', outcome: 'succeeded', at: new Date(at).toISOString() });
  }

  /** Runs surveillance-pipeline on `ref` and waits until it completed; returns its id. */
  async function surveillanceRun(ref = 'main', conclusion: 'success' | 'failure' = 'success'): Promise<number> {
    h.github.setWorkflowOutcome('acme/markets', 'surveillance-pipeline.yml', conclusion);
    const res = await githubAsPerson(h, 'POST', '/repos/acme/markets/actions/workflows/surveillance-pipeline.yml/dispatches', { ref, return_run_details: true });
    const id = Number(res.workflow_run_id);
    await waitUntil(`surveillance run ${id} to complete`, () => h.github.run(id)?.status === 'completed');
    return id;
  }

  it('pending "1 of 2 cycles" → the second successful run completes → re-checked, passes, executes once', async () => {
    await start('cycles-flow');
    const sha = h.mainSha;
    await deployedToInt(sha, Date.now() - 5_000);
    const first = await surveillanceRun();

    const p = await h.request(`markets-pipeline prod ref=${sha}`, USERS.engineer);
    const g = p.gates.find((x) => x.gate === 'cycles')!;
    expect(g).toMatchObject({ status: 'pending', code: 'cycles_pending', details: { have: 1, count: 2, workflow: 'surveillance-pipeline.yml', source: 'shipgate', runs: [{ id: first }] } });
    expect(g.summary).toMatch(/^1 of 2 cycles: `surveillance-pipeline\.yml` on `[0-9a-f]{7}` in `int` since it was deployed there .*: <[^|]+\/actions\/runs\/\d+\|#1>; next (was )?expected around /);
    await waitUntil('the card to show "1 of 2 cycles"', () => card(p).includes('*cycles*: 1 of 2 cycles'));

    await h.click(p, ACTIONS.approve, USERS.rm1);
    await waitUntil('the re-check to wait for the cycles', () => thread(p).includes(':calendar: Waiting: 1 of 2 cycles'));
    expect((await h.app.repo.get(p.id))?.state).toBe('approved');

    // neither a failed run nor a run on another commit counts
    await surveillanceRun('main', 'failure');
    h.github.setBranch('acme/markets', 'other', sha);
    h.github.addCommit('acme/markets', 'other', { message: 'next change' });
    await surveillanceRun('other');
    expect((await h.app.repo.get(p.id))?.state).toBe('approved');
    expect(deployDispatches()).toBe(0);

    const second = await surveillanceRun();
    const done = await h.waitState(p.id, 'succeeded', 20_000);
    expect(done.gates.find((x) => x.gate === 'cycles')).toMatchObject({ status: 'pass', code: 'cycles_ok', details: { have: 2, runs: [{ id: first }, { id: second }] } });
    expect(deployDispatches()).toBe(1);
    const audit = await h.app.audit.forPromotion(p.id);
    expect(audit.find((a) => a.type === 'rescheduled')?.data).toMatchObject({ waitingFor: ['cycles_pending'] });
    expect(JSON.stringify(audit.find((a) => a.type === 'started')?.data)).toContain('"gate":"cycles","status":"pass","code":"cycles_ok"');
  });

  it('the emulator lists runs of a workflow filtered by head_sha, status and created, as GitHub does', async () => {
    await start('cycles-listing');
    const sha = h.mainSha;
    const ok = await surveillanceRun();
    const failed = await surveillanceRun('main', 'failure');
    const created = String(h.github.run(ok)?.created_at);
    const list = async (query: string) =>
      ((await githubAsPerson(h, 'GET', `/repos/acme/markets/actions/workflows/surveillance-pipeline.yml/runs?${query}`)) as { total_count: number; workflow_runs: Array<{ id: number; head_sha: string; conclusion: string }> }).workflow_runs.map((r) => r.id);
    expect(await list(`head_sha=${sha}`)).toEqual([failed, ok]);
    expect(await list(`head_sha=${sha}&status=success`)).toEqual([ok]);
    expect(await list(`head_sha=${sha}&status=failure`)).toEqual([failed]);
    expect(await list(`head_sha=${sha}&status=completed`)).toEqual([failed, ok]);
    expect(await list(`head_sha=${'0'.repeat(40)}`)).toEqual([]);
    expect(await list(`head_sha=${sha}&created=${encodeURIComponent(`>${new Date(Date.parse(created) + 60_000).toISOString()}`)}`)).toEqual([]);
    expect(await list(`head_sha=${sha}&status=success&created=${encodeURIComponent(`>=${created}`)}`)).toEqual([ok]);
  });

  it('never deployed in the source environment: blocked, saying so', async () => {
    await start('cycles-never');
    await surveillanceRun();
    const p = await h.request(`markets-pipeline prod ref=${h.mainSha}`, USERS.engineer, 'blocked');
    expect(p.gates.find((x) => x.gate === 'cycles')).toMatchObject({ status: 'block', code: 'cycles_never_deployed' });
    expect(p.stateReason).toContain('has never run successfully in `int`');
    expect(p.stateReason).toContain('it needs 2 successful runs of `surveillance-pipeline.yml` there before it can go to `prod`');
  });

  it('/promote help shows the cycles an environment needs', async () => {
    await start('cycles-help');
    const seen = h.slack.ephemerals(USERS.engineer).length;
    await h.promote('help');
    const e = await waitUntil('help', () => h.slack.ephemerals(USERS.engineer).slice(seen)[0]);
    expect(JSON.stringify(e.blocks)).toContain('2 cycles of surveillance-pipeline.yml');
  });

  it('GitHub cannot list the runs: blocked (fail closed) with the reason', async () => {
    await start('cycles-unreadable');
    await deployedToInt(h.mainSha, Date.now() - 5_000);
    h.github.inject({ method: 'GET', path: /\/actions\/workflows\/surveillance-pipeline\.yml\/runs$/, mode: 'before', status: 403, body: { message: 'Resource not accessible by integration' }, times: Infinity });
    const p = await h.request(`markets-pipeline prod ref=${h.mainSha}`, USERS.engineer, 'blocked');
    const g = p.gates.find((x) => x.gate === 'cycles')!;
    expect(g).toMatchObject({ status: 'block', code: 'cycles_unavailable' });
    expect(g.summary).toContain('could not be counted (GitHub Actions: GitHub denied access (403) while listing the successful runs of surveillance-pipeline.yml');
    expect(deployDispatches()).toBe(0);
  });
});
