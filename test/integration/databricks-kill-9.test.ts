import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import type { FaultRule } from '../../src/emulators/fault-plan';
import type { DatabricksEmulator } from '../../src/emulators/databricks-emulator';
import { startHarness, USERS, type Harness } from '../helpers/harness';
import { ShipgateProcess } from '../helpers/shipgate-process';
import { settled, sideEffects } from '../helpers/engine-crash';
import { DBX_CONFIG, databricksEnv, seedRisk, startDatabricks } from '../helpers/databricks-service';

jest.setTimeout(90_000);

const POINTS: Array<{ name: string; fault: FaultRule }> = [
  { name: 'in run-now, after Databricks started the run', fault: { method: 'POST', path: '/api/2.1/jobs/run-now', mode: 'hang-after' } },
  { name: 'while reading the run (runs/get)', fault: { method: 'GET', path: '/api/2.1/jobs/runs/get', mode: 'hang' } },
  { name: 'while reading dbt run_results.json', fault: { method: 'GET', path: /^\/api\/2\.0\/fs\/files\//, mode: 'hang' } },
];

describe('databricks strategy: kill -9 of the worker, a new worker resumes, exactly one job run exists', () => {
  let h: Harness;
  let dbx: DatabricksEmulator;
  let worker: ShipgateProcess | undefined;
  afterEach(async () => {
    await worker?.kill('SIGKILL');
    await h.close();
    await dbx.stop();
  });

  it.each(POINTS)('killed $name', async (point) => {
    dbx = await startDatabricks();
    h = await startHarness('dbx-kill9', { role: 'web', config: DBX_CONFIG, env: databricksEnv(dbx) });
    const { head } = seedRisk(h);
    worker = await ShipgateProcess.start(h, 'worker');
    const fault = dbx.inject(point.fault);
    const p = await h.request('risk-models prod', USERS.rm1);
    await h.click(p, ACTIONS.approve, USERS.rm2);
    await fault.hit;
    await worker.kill('SIGKILL');
    worker = await ShipgateProcess.start(h, 'worker');
    const done = await settled(h, p.id, 30_000);
    expect(done.state).toBe('succeeded');
    expect(dbx.runs()).toHaveLength(1);
    expect(dbx.runs()[0]!.parameters.git_commit).toBe(head);
    expect(done.evidence.databricks).toMatchObject({ runId: dbx.runs()[0]!.runId, lifeCycleState: 'TERMINATED', resultState: 'SUCCESS' });
    expect(done.evidence.databricks!.dbt).toMatchObject({ read: true });
    expect(sideEffects(h, done)).toMatchObject({ dispatches: 0, pulls: 0, merges: 0, deployments: 1, duplicatePosts: [] });
    const audit = (await h.app.audit.forPromotion(done.id)).map((e) => e.type);
    expect(audit.filter((t) => t === 'started')).toHaveLength(1);
    expect(audit.filter((t) => t === 'databricks_run_started')).toHaveLength(1);
    expect(audit.filter((t) => t === 'succeeded')).toHaveLength(1);
  });
});
