import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabricksJobsClient } from '../../../src/adapters/databricks/databricks-jobs-client';
import type { ExecDeps } from '../../../src/app/execution/exec-deps';
import { collectStep } from '../../../src/app/execution/run-steps';
import type { StepKit } from '../../../src/app/execution/step-kit';
import type { Logger } from '../../../src/app/logger';
import type { Promotion } from '../../../src/domain/promotion';
import { ShipgateError } from '../../../src/shared/shipgate-error';
import { promotion } from '../servicenow/servicenow-fixtures';

describe('Databricks Jobs API runs/get', () => {
  let server: http.Server;
  let url = '';
  const seen: Array<{ path: string; auth?: string }> = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ path: req.url ?? '', ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
      const id = new URL(req.url ?? '', 'http://x').searchParams.get('run_id');
      if (req.headers.authorization !== 'Bearer dapi-test') return void res.writeHead(403).end('{"error_code":"PERMISSION_DENIED"}');
      if (id === '52002') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ run_id: 52002, run_page_url: 'https://adb-1.azuredatabricks.net/#job/1/run/52002', state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS', state_message: '' } }));
      }
      if (id === '52003') {
        // malformed: a state without its life cycle
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ run_id: 52003, run_page_url: 'https://adb-1.azuredatabricks.net/#job/1/run/52003', state: { result_state: 'SUCCESS' } }));
      }
      if (id === '52004') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ run_id: 52004, state: { life_cycle_state: 7 } }));
      }
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error_code":"INVALID_PARAMETER_VALUE","message":"Run 1 does not exist."}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('returns state and run page URL', async () => {
    const info = await new DatabricksJobsClient(url, 'dapi-test').describe('52002');
    expect(info).toEqual({ runId: '52002', state: 'TERMINATED/SUCCESS', url: 'https://adb-1.azuredatabricks.net/#job/1/run/52002' });
    expect(seen.at(-1)).toEqual({ path: '/api/2.1/jobs/runs/get?run_id=52002', auth: 'Bearer dapi-test' });
  });

  it('names the problem for a bad token or an unknown run', async () => {
    await expect(new DatabricksJobsClient(url, 'wrong').describe('52002')).rejects.toThrow('check DATABRICKS_TOKEN');
    await expect(new DatabricksJobsClient(url, 'dapi-test').describe('1')).rejects.toThrow('Databricks has no run 1');
  });

  it('a malformed runs/get answer is a databricks_error naming the field, not a made-up state', async () => {
    const client = new DatabricksJobsClient(url, 'dapi-test');
    const missing = await client.describe('52003').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ShipgateError);
    expect(missing).toMatchObject({ code: 'databricks_error', message: `Databricks answered run 52003 without "state.life_cycle_state" (${url})` });
    await expect(client.describe('52004')).rejects.toMatchObject({
      code: 'databricks_error',
      message: `Databricks answered run 52004 with an unreadable "state.life_cycle_state" (a number) (${url})`,
    });
  });

  it('collect: a run whose answer is malformed is kept unenriched (no state, no URL) and the warning names the field', async () => {
    const warnings: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
    const log: Logger = {
      info: () => undefined,
      debug: () => undefined,
      error: () => undefined,
      warn: (obj, msg) => void warnings.push({ obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) }),
      child: () => log,
    };
    const d = {
      config: { evidence: { patterns: [{ name: 'databricks_run_id', regex: 'run_id[=: ]+(\\d+)' }] } },
      github: { listJobs: async () => [{ id: 11, name: 'deploy', status: 'completed', conclusion: 'success', htmlUrl: 'https://gh.example/job/11' }] },
      logs: { jobLog: async () => 'submitted run_id=52002\nsubmitted run_id=52003\n' },
      databricks: new DatabricksJobsClient(url, 'dapi-test'),
    } as unknown as ExecDeps;
    const k = { log, done: async (p: Promotion, _name: string, _out: object, fn: (cur: Promotion) => Promotion) => fn(p) } as unknown as StepKit;
    const p = promotion({
      state: 'running',
      steps: { find_run: { name: 'find_run', status: 'done', startedAt: '2026-03-02T09:31:00.000Z', output: { runId: 900, workflow: 'deploy.yml' } } },
    });
    const after = await collectStep(d, k, p);
    expect(after.evidence.matches).toEqual([
      { name: 'databricks_run_id', value: '52002', source: 'deploy', state: 'TERMINATED/SUCCESS', url: 'https://adb-1.azuredatabricks.net/#job/1/run/52002' },
      { name: 'databricks_run_id', value: '52003', source: 'deploy' },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toBe('Databricks run not enriched');
    expect(warnings[0]!.obj.runId).toBe('52003');
    expect(warnings[0]!.obj.err).toMatchObject({ code: 'databricks_error', message: expect.stringContaining('without "state.life_cycle_state"') });
  });
});
