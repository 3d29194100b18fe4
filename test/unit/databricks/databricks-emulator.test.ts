import { DatabricksJobsApi } from '../../../src/adapters/databricks/databricks-jobs';
import { DatabricksJobsClient } from '../../../src/adapters/databricks/databricks-jobs-client';
import { DbtRunResultsFromVolume } from '../../../src/adapters/databricks/dbt-run-results';
import { DatabricksEmulator } from '../../../src/emulators/databricks-emulator';
import { isTransientError } from '../../../src/domain/transient-error';
import { ShipgateError } from '../../../src/shared/shipgate-error';

const TOKEN = 'dapi-unit-token';

describe('Databricks emulator (Jobs API 2.1, Files API) and the adapters against it', () => {
  let dbx: DatabricksEmulator;
  let t = 1_000_000;
  let api: DatabricksJobsApi;
  const raw = (path: string, init: RequestInit = {}) => fetch(`${dbx.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  beforeEach(async () => {
    t = 1_000_000;
    dbx = new DatabricksEmulator({ tokens: [TOKEN], now: () => t });
    await dbx.start();
    dbx.addJob({ jobId: 11, name: 'dbt prod build', tasks: ['prod_build', 'prod_smoke'], durations: { pendingMs: 1000, runningMs: 5000 }, parameters: { target: 'prod', select: 'tag:deploy' } });
    dbx.addJob({ jobId: 12, name: 'dbt staging build', tasks: ['stg_build'] });
    api = new DatabricksJobsApi({ host: dbx.url, token: TOKEN });
  });
  afterEach(() => dbx.stop());

  it('answers 401 without a token and 403 with an unknown one, in the REST error shape', async () => {
    const none = await fetch(`${dbx.url}/api/2.1/jobs/list`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error_code: 'UNAUTHENTICATED', message: expect.any(String) });
    const bad = await fetch(`${dbx.url}/api/2.1/jobs/list`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(403);
    await expect(new DatabricksJobsApi({ host: dbx.url, token: 'nope' }).jobsNamed('x')).rejects.toThrow('Databricks refused the token (403)');
  });

  it('run-now with the same idempotency token answers the same run and starts nothing new', async () => {
    const a = await api.runNow(11, { git_commit: 'abc' }, 'p-1');
    const b = await api.runNow(11, { git_commit: 'abc' }, 'p-1');
    const c = await api.runNow(11, { git_commit: 'def' }, 'p-2');
    expect(b).toEqual(a);
    expect(a.numberInJob).toBe(1);
    expect(c.runId).not.toBe(a.runId);
    expect(c.numberInJob).toBe(2);
    expect(dbx.runs(11)).toHaveLength(2);
    expect(dbx.runs(11)[0]!.parameters).toEqual({ target: 'prod', select: 'tag:deploy', git_commit: 'abc' });
  });

  it('refuses bad run-now bodies with 400 INVALID_PARAMETER_VALUE (permanent errors)', async () => {
    for (const body of [{ job_id: 999 }, { job_id: 'x' }, { job_id: 11, idempotency_token: 'x'.repeat(65) }, { job_id: 11, job_parameters: { a: 1 } }]) {
      const res = await raw('/api/2.1/jobs/run-now', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect((await res.json()) as { error_code: string }).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    const err = await api.runNow(999, {}, 'p-9').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShipgateError);
    expect(isTransientError(err)).toBe(false);
    expect(String(err)).toContain('Job 999 does not exist.');
  });

  it('advances a run on the emulator clock: PENDING → RUNNING → TERMINATED/SUCCESS with each task', async () => {
    const { runId } = await api.runNow(11, {}, 'p-1');
    expect(await api.run(runId)).toMatchObject({ runId, lifeCycleState: 'PENDING', numberInJob: 1 });
    t += 1500;
    const running = await api.run(runId);
    expect(running.lifeCycleState).toBe('RUNNING');
    expect(running.tasks.map((x) => [x.key, x.lifeCycleState])).toEqual([
      ['prod_build', 'RUNNING'],
      ['prod_smoke', 'RUNNING'],
    ]);
    t += 5000;
    const ended = await api.run(runId);
    expect(ended).toMatchObject({ lifeCycleState: 'TERMINATED', resultState: 'SUCCESS', runPageUrl: `${dbx.url}/?o=1234567890123456#job/11/run/${runId}` });
    expect(ended.tasks.map((x) => x.resultState)).toEqual(['SUCCESS', 'SUCCESS']);
    // the DatabricksRuns port (runs/get enrichment of run IDs found in deploy logs) reads the same run
    expect(await new DatabricksJobsClient(dbx.url, TOKEN).describe(String(runId))).toEqual({ runId: String(runId), state: 'TERMINATED/SUCCESS', url: ended.runPageUrl });
    const body = (await (await raw(`/api/2.1/jobs/runs/get?run_id=${runId}`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ job_id: 11, run_id: runId, number_in_job: 1, state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' }, start_time: 1_001_000, end_time: 1_006_000 });
    expect(body.job_parameters).toEqual([
      { name: 'target', value: 'prod', default: 'prod' },
      { name: 'select', value: 'tag:deploy', default: 'tag:deploy' },
    ]);
  });

  it('test controls: failTask (downstream skipped), completeRun, endRun INTERNAL_ERROR, holdRun, configured failing tasks', async () => {
    const a = await api.runNow(11, {}, 'a');
    dbx.failTask(a.runId, 'prod_build', 'dbt build failed');
    const fa = await api.run(a.runId);
    expect(fa).toMatchObject({ lifeCycleState: 'TERMINATED', resultState: 'FAILED' });
    expect(fa.stateMessage).toContain('Task prod_build failed with message: dbt build failed');
    expect(fa.tasks.map((x) => [x.key, x.lifeCycleState, x.resultState])).toEqual([
      ['prod_build', 'TERMINATED', 'FAILED'],
      ['prod_smoke', 'SKIPPED', 'UPSTREAM_FAILED'],
    ]);
    const b = await api.runNow(11, {}, 'b');
    dbx.completeRun(b.runId, { prod_smoke: 'TIMEDOUT' });
    expect((await api.run(b.runId)).resultState).toBe('TIMEDOUT');
    const c = await api.runNow(11, {}, 'c');
    dbx.endRun(c.runId, 'INTERNAL_ERROR', 'Cluster failed to start');
    expect(await api.run(c.runId)).toMatchObject({ lifeCycleState: 'INTERNAL_ERROR', stateMessage: 'Cluster failed to start' });
    const d = await api.runNow(11, {}, 'd');
    dbx.holdRun(d.runId);
    t += 60_000;
    expect((await api.run(d.runId)).lifeCycleState).toBe('RUNNING');
    dbx.completeRun(d.runId);
    expect((await api.run(d.runId)).resultState).toBe('SUCCESS');
    dbx.setFailTasks(11, ['prod_smoke']);
    const e = await api.runNow(11, {}, 'e');
    t += 10_000;
    expect((await api.run(e.runId)).tasks.map((x) => x.resultState)).toEqual(['SUCCESS', 'FAILED']);
    await expect(api.run(424242)).rejects.toThrow('Run 424242 does not exist.');
  });

  it('jobs/list filters by exact, case-insensitive name and pages', async () => {
    expect(await api.jobsNamed('DBT PROD BUILD')).toEqual([{ jobId: 11, name: 'dbt prod build' }]);
    expect(await api.jobsNamed('dbt prod')).toEqual([]);
    for (let i = 0; i < 120; i++) dbx.addJob({ name: 'many' });
    expect(await api.jobsNamed('many')).toHaveLength(120);
    const page = (await (await raw('/api/2.1/jobs/list?limit=2')).json()) as { jobs: Array<{ job_id: number; settings: { name: string } }>; has_more: boolean };
    expect(page.jobs.map((j) => j.job_id)).toEqual([11, 12]);
    expect(page.has_more).toBe(true);
    expect((await raw('/api/2.1/jobs/list?limit=101')).status).toBe(400);
  });

  it('5xx, 429 and unreachable are transient errors; a lost run-now answer replayed with its token is the same run', async () => {
    dbx.inject({ method: 'GET', path: '/api/2.1/jobs/runs/get', mode: 'before', status: 503 });
    const e1 = await api.run(1).catch((e: unknown) => e);
    expect(isTransientError(e1)).toBe(true);
    expect(String(e1)).toContain('Databricks answered 503');
    dbx.inject({ method: 'GET', path: '/api/2.1/jobs/list', mode: 'before', status: 429 });
    expect(isTransientError(await api.jobsNamed('x').catch((e: unknown) => e))).toBe(true);
    dbx.inject({ method: 'POST', path: '/api/2.1/jobs/run-now', mode: 'after', status: 502 });
    expect(isTransientError(await api.runNow(11, {}, 'lost').catch((e: unknown) => e))).toBe(true);
    const again = await api.runNow(11, {}, 'lost');
    expect(dbx.runs(11).map((r) => r.runId)).toEqual([again.runId]);
    const down = new DatabricksJobsApi({ host: 'http://127.0.0.1:1', token: TOKEN });
    const e2 = await down.run(1).catch((e: unknown) => e);
    expect(isTransientError(e2)).toBe(true);
    expect(String(e2)).toContain('Databricks could not be reached');
  });

  describe('Files API and dbt run_results.json', () => {
    const files = () => new DbtRunResultsFromVolume({ host: dbx.url, token: TOKEN });
    const path = '/Volumes/ops/dbt_meta/artifacts/prod/latest/run_results.json';

    it('streams a volume file; 404 when missing, 400 outside /Volumes', async () => {
      dbx.putFile('/Volumes/ops/dbt_meta/artifacts/a b/x.txt', 'hello');
      const ok = await raw('/api/2.0/fs/files/Volumes/ops/dbt_meta/artifacts/a%20b/x.txt');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/octet-stream');
      expect(await ok.text()).toBe('hello');
      expect((await raw('/api/2.0/fs/files/Volumes/ops/dbt_meta/artifacts/none.json')).status).toBe(404);
      expect((await raw('/api/2.0/fs/files/tmp/x.json')).status).toBe(400);
      expect((await fetch(`${dbx.url}/api/2.0/fs/files/Volumes/ops/dbt_meta/artifacts/a%20b/x.txt`)).status).toBe(401);
    });

    it('reads and validates run_results.json', async () => {
      dbx.putFile(path, { metadata: { invocation_id: 'inv-9' }, elapsed_time: 3.5, results: [{ unique_id: 'model.p.a', status: 'success' }, { unique_id: 'test.p.t', status: 'fail', message: '3 rows' }] });
      expect(await files().read(path)).toEqual({ invocationId: 'inv-9', elapsedSeconds: 3.5, results: [{ uniqueId: 'model.p.a', status: 'success' }, { uniqueId: 'test.p.t', status: 'fail', message: '3 rows' }] });
    });

    it.each([
      ['not JSON', 'results: nope', 'is not JSON'],
      ['no results', { metadata: {} }, 'is not a dbt run_results.json (results:'],
      ['unknown status', { results: [{ unique_id: 'model.p.a', status: 'great' }] }, 'is not a dbt run_results.json (results.0.status'],
      ['not a unique_id', { results: [{ unique_id: 'a', status: 'success' }] }, 'expected a dbt unique_id'],
    ])('refuses a file that is %s', async (_n, content, message) => {
      dbx.putFile(path, content);
      await expect(files().read(path)).rejects.toThrow(message);
    });

    it('a missing file is a permanent error saying so', async () => {
      const e = await files().read(path).catch((x: unknown) => x);
      expect(isTransientError(e)).toBe(false);
      expect(String(e)).toContain('The file being accessed is not found. (NOT_FOUND)');
    });
  });
});
