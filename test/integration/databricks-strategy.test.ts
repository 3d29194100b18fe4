import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import type { Promotion } from '../../src/domain/promotion';
import type { DatabricksEmulator } from '../../src/emulators/databricks-emulator';
import { CHANNEL, INCIDENT_CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { settled } from '../helpers/engine-crash';
import { DBX_CONFIG, databricksEnv, RUN_RESULTS_PATH, runResults, seedRisk, startDatabricks } from '../helpers/databricks-service';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(60_000);

const runNows = (dbx: DatabricksEmulator) => dbx.calls.filter((c) => c.method === 'POST' && c.path === '/api/2.1/jobs/run-now');

describe('strategy: databricks (Jobs API run-now, runs/get, dbt run_results evidence)', () => {
  let h: Harness;
  let dbx: DatabricksEmulator;

  async function start(name: string, config = DBX_CONFIG): Promise<{ first: string; head: string }> {
    dbx = await startDatabricks();
    h = await startHarness(name, { config, env: databricksEnv(dbx) });
    return seedRisk(h);
  }

  async function promoteProd(text = 'risk-models prod'): Promise<Promotion> {
    const p = await h.request(text, USERS.rm1);
    await h.click(p, ACTIONS.approve, USERS.rm2);
    return p;
  }

  const threadText = (p: Promotion) => h.slack.thread(CHANNEL, p.messageTs!).map((m) => m.text).join('\n');

  afterEach(async () => {
    await h?.close();
    await dbx?.stop();
  });

  it('runs the prod job once with the templated parameters, follows it, and reports each task and the dbt results', async () => {
    const { head } = await start('dbx-ok');
    const p = await promoteProd();
    const done = await settled(h, p.id);
    expect(done.state).toBe('succeeded');
    const runs = dbx.runs(5678);
    expect(runs).toHaveLength(1);
    expect(dbx.runs()).toHaveLength(1);
    expect(runs[0]!.idempotencyToken).toBe(p.id);
    expect(runNows(dbx)[0]!.body).toEqual({ job_id: 5678, job_parameters: { target: 'prod', git_commit: head, select: 'tag:deploy' }, idempotency_token: p.id });
    const e = done.evidence.databricks!;
    expect(e).toMatchObject({ jobId: 5678, runId: runs[0]!.runId, lifeCycleState: 'TERMINATED', resultState: 'SUCCESS', runPageUrl: dbx.runPageUrl(runs[0]!) });
    expect(e.tasks.map((t) => [t.key, t.resultState])).toEqual([
      ['prod_build', 'SUCCESS'],
      ['prod_smoke', 'SUCCESS'],
    ]);
    expect(e.dbt).toMatchObject({
      path: RUN_RESULTS_PATH,
      read: true,
      invocationId: 'a1b2c3d4-0000-4000-8000-000000000001',
      models: { passed: 3, failed: 0, skipped: 1, warned: 0 },
      tests: { passed: 2, failed: 0, skipped: 0, warned: 1 },
      other: { passed: 1, failed: 0, skipped: 0, warned: 0 },
    });
    const thread = threadText(done);
    expect(thread).toContain(`Databricks job 5678 (5678) <${dbx.runPageUrl(runs[0]!)}|run ${runs[0]!.runId}>: TERMINATED/SUCCESS`);
    expect(thread).toContain('task `prod_build`: SUCCESS');
    expect(thread).toContain('dbt: models 3 passed, 0 failed, 1 skipped; tests 2 passed, 0 failed, 0 skipped, 1 warned; other 1 passed');
    expect(thread).toContain('target=`prod`');
    const audit = (await h.app.audit.forPromotion(done.id)).map((a) => a.type);
    expect(audit.filter((t) => t === 'databricks_run_started')).toHaveLength(1);
    expect(audit.filter((t) => t === 'databricks_run_ended')).toHaveLength(1);
    // the evidence pack (prod is the last environment): the job run, each task, dbt's summary; the journey links the run
    const md = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${p.id}.md`);
    expect(md.text).toContain('## Databricks job run');
    expect(md.text).toContain(`[run ${runs[0]!.runId}](${dbx.runPageUrl(runs[0]!)})`);
    expect(md.text).toContain('| `prod_build` | TERMINATED | SUCCESS |');
    expect(md.text).toContain('| models | 3 | 0 | 1 | 0 |');
    expect(md.text).toContain('| tests | 2 | 0 | 0 | 1 |');
    const json = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${p.id}.json`);
    expect((JSON.parse(json.text) as { databricksJob: unknown }).databricksJob).toMatchObject({ runId: runs[0]!.runId, dbt: { read: true } });
    // what now runs in prod is the commit the job was run at
    expect((await h.app.history.list('risk-models', 'prod')).find((r) => r.promotionId === done.id)?.sha).toBe(head);
  });

  it('a failed task fails the promotion with the task named on the card, in the thread and in the evidence', async () => {
    await start('dbx-fail');
    dbx.setFailTasks(5678, ['prod_build']);
    dbx.putFile(RUN_RESULTS_PATH, runResults([
      ['model.risk.positions', 'success'],
      ['model.risk.var_daily', 'error', 'Database Error: division by zero'],
      ['test.risk.unique_positions_id.3c4d', 'fail'],
      ['test.risk.not_null_var.9f9f', 'skipped'],
    ]));
    const p = await promoteProd();
    const done = await settled(h, p.id);
    expect(done.state).toBe('failed');
    expect(done.stateReason).toContain('task `prod_build` FAILED');
    expect(done.evidence.databricks!.tasks.map((t) => [t.key, t.lifeCycleState, t.resultState])).toEqual([
      ['prod_build', 'TERMINATED', 'FAILED'],
      ['prod_smoke', 'SKIPPED', 'UPSTREAM_FAILED'],
    ]);
    expect(done.evidence.databricks!.dbt).toMatchObject({ read: true, models: { passed: 1, failed: 1 }, tests: { failed: 1, skipped: 1 } });
    await waitUntil('the card to show the failed task', () => {
      const card = h.slack.message(CHANNEL, done.messageTs!)!;
      const shown = JSON.stringify(card.blocks);
      return shown.includes('task `prod_build` FAILED') && shown.includes('tasks: `prod_build` FAILED, `prod_smoke` UPSTREAM_FAILED');
    });
    const thread = threadText(done);
    expect(thread).toContain('task `prod_smoke`: UPSTREAM_FAILED');
    expect(thread).toContain('`model.risk.var_daily` error: Database Error: division by zero');
    expect(dbx.runs()).toHaveLength(1);
  });

  it('an INTERNAL_ERROR run fails the promotion with the state message', async () => {
    await start('dbx-internal');
    const p = await promoteProd();
    const run = await dbx.waitFor<{ runId: number }>('run_started');
    dbx.endRun(run.runId, 'INTERNAL_ERROR', 'Cluster failed to start: driver unreachable');
    const done = await settled(h, p.id);
    expect(done.state).toBe('failed');
    expect(done.stateReason).toContain('INTERNAL_ERROR');
    expect(done.stateReason).toContain('driver unreachable');
  });

  it('resolves a job given by name through jobs/list at request time and before run-now, and blocks a name that matches several jobs', async () => {
    const config = DBX_CONFIG.replace('prod: 5678', 'prod: "risk-models prod build"').replace('staging: 1234', 'staging: "risk-models staging"');
    await start('dbx-name', config);
    const p = await promoteProd();
    const done = await settled(h, p.id);
    expect(done.state).toBe('succeeded');
    expect(dbx.calls.some((c) => c.path === '/api/2.1/jobs/list' && c.query.name === 'risk-models prod build')).toBe(true);
    expect(dbx.runs(5678)).toHaveLength(1);
    expect(done.evidence.databricks).toMatchObject({ jobId: 5678, jobName: 'risk-models prod build' });

    expect(p.gates.find((g) => g.gate === 'databricksJob')).toMatchObject({ status: 'pass', code: 'job_resolved', details: { jobId: 5678, name: 'risk-models prod build' } });

    // two jobs named alike → blocked at request time, naming both ids; nothing runs
    dbx.addJob({ jobId: 9999, name: 'Risk-Models Prod Build' });
    h.github.addCommit('acme/risk', 'main', { message: 'fix: exposures' });
    const q = await h.request('risk-models prod', USERS.rm1, 'blocked');
    expect(q.gates.find((g) => g.gate === 'databricksJob')).toMatchObject({ status: 'block', code: 'job_ambiguous', details: { jobIds: [5678, 9999] } });
    expect(q.stateReason).toContain('2 Databricks jobs are named "risk-models prod build" (job ids 5678, 9999)');
    expect(dbx.runs()).toHaveLength(1);
  });

  it('a job that became ambiguous between approval and execution fails the promotion before anything runs', async () => {
    await start('dbx-name-late', DBX_CONFIG.replace('prod: 5678', 'prod: "risk-models prod build"'));
    const p = await h.request('risk-models prod', USERS.rm1);
    dbx.addJob({ jobId: 9999, name: 'risk-models prod build' });
    await h.click(p, ACTIONS.approve, USERS.rm2);
    const done = await settled(h, p.id);
    expect(done.state).toBe('failed');
    expect(done.stateReason).toContain('2 Databricks jobs are named "risk-models prod build"');
    expect(runNows(dbx)).toHaveLength(0);
  });

  it('a job name that matches no job blocks the request', async () => {
    await start('dbx-noname', DBX_CONFIG.replace('prod: 5678', 'prod: "nightly risk"'));
    const p = await h.request('risk-models prod', USERS.rm1, 'blocked');
    expect(p.gates.find((g) => g.gate === 'databricksJob')).toMatchObject({ status: 'block', code: 'job_not_found', details: { name: 'nightly risk' } });
    expect(p.stateReason).toContain('No Databricks job is named "nightly risk" (strategy.jobs.prod)');
    expect(runNows(dbx)).toHaveLength(0);
  });

  it('Databricks unreachable while the job name is checked blocks the request (fail closed)', async () => {
    await start('dbx-list-down', DBX_CONFIG.replace('prod: 5678', 'prod: "risk-models prod build"'));
    dbx.inject({ method: 'GET', path: '/api/2.1/jobs/list', mode: 'reset', times: Infinity });
    const p = await h.request('risk-models prod', USERS.rm1, 'blocked');
    expect(p.gates.find((g) => g.gate === 'databricksJob')).toMatchObject({ status: 'block', code: 'check_failed', details: { transient: true } });
    expect(p.stateReason).toContain('databricksJob could not be checked: Databricks could not be reached');
  });

  it('Databricks answering 5xx (and a lost run-now answer) is retried: the run starts once and is followed to the end', async () => {
    await start('dbx-5xx');
    const before = dbx.inject({ method: 'POST', path: '/api/2.1/jobs/run-now', mode: 'before', status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'The service is temporarily unavailable' } });
    const lost = dbx.inject({ method: 'POST', path: '/api/2.1/jobs/run-now', mode: 'after', status: 502 });
    const get = dbx.inject({ method: 'GET', path: '/api/2.1/jobs/runs/get', mode: 'before', status: 500 });
    const files = dbx.inject({ method: 'GET', path: /^\/api\/2\.0\/fs\/files\//, mode: 'reset' });
    const p = await promoteProd();
    // each transient failure is retried with the step engine's backoff (0.5 s, 1 s, 2 s, 4 s)
    const done = await settled(h, p.id, 40_000);
    expect(done.state).toBe('succeeded');
    expect(before.hits).toBe(1);
    expect(lost.hits).toBe(1);
    expect(get.hits).toBe(1);
    expect(files.hits).toBe(1);
    expect(runNows(dbx).length).toBe(3);
    expect(dbx.runs()).toHaveLength(1);
    expect(dbx.events.filter((e) => e.type === 'run_now_deduplicated')).toHaveLength(1);
    expect(done.evidence.databricks!.dbt).toMatchObject({ read: true, models: { passed: 3 } });
  });

  it('a 4xx from run-now fails the promotion with Databricks\' message', async () => {
    await start('dbx-4xx', DBX_CONFIG.replace('prod: 5678', 'prod: 4242'));
    const p = await promoteProd();
    const done = await settled(h, p.id);
    expect(done.state).toBe('failed');
    expect(done.stateReason).toContain('Job 4242 does not exist.');
    expect(runNows(dbx)).toHaveLength(1);
  });

  it('a missing run_results.json is said in the evidence and does not fail a successful deploy', async () => {
    await start('dbx-nofile');
    dbx.deleteFile(RUN_RESULTS_PATH);
    const p = await promoteProd();
    const done = await settled(h, p.id);
    expect(done.state).toBe('succeeded');
    expect(done.evidence.databricks!.dbt).toMatchObject({ path: RUN_RESULTS_PATH, read: false });
    expect(done.evidence.databricks!.dbt).toMatchObject({ reason: expect.stringContaining('The file being accessed is not found.') });
    expect(threadText(done)).toContain(`dbt run_results \`${RUN_RESULTS_PATH}\` not available`);
  });

  it('/rollback re-runs the prod job at the earlier commit', async () => {
    const { first, head } = await start('dbx-rollback');
    const a = await promoteProd(`risk-models prod ref=${first}`);
    expect((await settled(h, a.id)).state).toBe('succeeded');
    const b = await promoteProd(`risk-models prod ref=${head}`);
    expect((await settled(h, b.id)).state).toBe('succeeded');
    const r = await h.request('risk-models', USERS.oncall, 'awaiting_approval', '/rollback', INCIDENT_CHANNEL);
    expect(r.kind).toBe('rollback');
    expect(r.sha).toBe(first);
    await h.click(r, ACTIONS.approve, USERS.engineer);
    const done = await settled(h, r.id);
    expect(done.state).toBe('succeeded');
    const runs = dbx.runs(5678);
    expect(runs).toHaveLength(3);
    expect(runs.map((x) => x.parameters.git_commit)).toEqual([first, head, first]);
    expect(runs[2]!.idempotencyToken).toBe(r.id);
    await waitUntil('history shows the rollback', async () => (await h.app.history.list('risk-models', 'prod')).find((x) => x.promotionId === r.id && x.sha === first));
  });
});
