import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabricksJobsClient } from '../../../src/adapters/databricks/databricks-jobs-client';

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
});
