import { z } from 'zod';
import type { DatabricksJobRef, DatabricksJobs, DatabricksRunState } from '../../app/ports/databricks-jobs';
import { databricksJson, databricksRequest, type DatabricksHttpOptions } from './databricks-http';

/** Jobs API 2.1 answer shapes as shipgate reads them (other fields pass through). */
const runState = z.looseObject({ life_cycle_state: z.string().min(1), result_state: z.string().optional(), state_message: z.string().optional() });
const runNowAnswer = z.looseObject({ run_id: z.number().int(), number_in_job: z.number().int().optional() });
const runsGetAnswer = z.looseObject({
  run_id: z.number().int(),
  job_id: z.number().int().optional(),
  number_in_job: z.number().int().optional(),
  run_page_url: z.string().optional(),
  state: runState,
  tasks: z.array(z.looseObject({ task_key: z.string(), run_id: z.number().int().optional(), state: runState.partial().optional() })).default([]),
});
const jobsListAnswer = z.looseObject({
  jobs: z.array(z.looseObject({ job_id: z.number().int(), settings: z.looseObject({ name: z.string().optional() }).optional() })).default([]),
  has_more: z.boolean().optional(),
  next_page_token: z.string().optional(),
});

/** Jobs API 2.1 `run-now`, `runs/get` and `jobs/list` (DATABRICKS_HOST / DATABRICKS_TOKEN). */
export class DatabricksJobsApi implements DatabricksJobs {
  constructor(private readonly o: DatabricksHttpOptions) {}

  async jobsNamed(name: string): Promise<DatabricksJobRef[]> {
    const out: DatabricksJobRef[] = [];
    let offset = 0;
    for (let page = 0; page < 20; page++) {
      const res = await databricksRequest(this.o, 'GET', `/api/2.1/jobs/list?name=${encodeURIComponent(name)}&limit=100&offset=${offset}`, `the jobs named "${name}"`);
      const body = await databricksJson(res, jobsListAnswer, 'jobs/list');
      for (const j of body.jobs) if ((j.settings?.name ?? '').toLowerCase() === name.toLowerCase()) out.push({ jobId: j.job_id, name: j.settings?.name ?? name });
      if (!body.has_more || body.jobs.length === 0) break;
      offset += body.jobs.length;
    }
    return out;
  }

  async runNow(jobId: number, parameters: Record<string, string>, idempotencyToken: string): Promise<{ runId: number; numberInJob?: number }> {
    const res = await databricksRequest(this.o, 'POST', '/api/2.1/jobs/run-now', `run-now of job ${jobId}`, { job_id: jobId, job_parameters: parameters, idempotency_token: idempotencyToken });
    const body = await databricksJson(res, runNowAnswer, `run-now of job ${jobId}`);
    return { runId: body.run_id, ...(body.number_in_job !== undefined ? { numberInJob: body.number_in_job } : {}) };
  }

  async run(runId: number): Promise<DatabricksRunState> {
    const res = await databricksRequest(this.o, 'GET', `/api/2.1/jobs/runs/get?run_id=${runId}`, `run ${runId}`);
    const r = await databricksJson(res, runsGetAnswer, `run ${runId}`);
    return {
      runId: r.run_id,
      ...(r.job_id !== undefined ? { jobId: r.job_id } : {}),
      ...(r.number_in_job !== undefined ? { numberInJob: r.number_in_job } : {}),
      ...(r.run_page_url ? { runPageUrl: r.run_page_url } : {}),
      lifeCycleState: r.state.life_cycle_state,
      ...(r.state.result_state ? { resultState: r.state.result_state } : {}),
      ...(r.state.state_message ? { stateMessage: r.state.state_message } : {}),
      tasks: r.tasks.map((t) => ({
        key: t.task_key,
        ...(t.run_id !== undefined ? { runId: t.run_id } : {}),
        lifeCycleState: t.state?.life_cycle_state ?? 'UNKNOWN',
        ...(t.state?.result_state ? { resultState: t.state.result_state } : {}),
        ...(t.state?.state_message ? { message: t.state.state_message } : {}),
      })),
    };
  }
}
