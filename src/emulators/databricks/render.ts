/** Jobs API 2.1 answer shapes of the emulator's jobs and runs (what `jobs/list` and `runs/get` return). */
import type { JsonValue } from '../emulator-base';
import type { DatabricksState, JobDefinition, RunRecord } from './state';

export const WORKSPACE_ID = '1234567890123456';

export function runPageUrl(base: string, run: Pick<RunRecord, 'jobId' | 'runId'>): string {
  return `${base}/?o=${WORKSPACE_ID}#job/${run.jobId}/run/${run.runId}`;
}

export function renderJob(job: JobDefinition): { [key: string]: JsonValue } {
  return {
    job_id: job.jobId,
    creator_user_name: 'deployer@acme.test',
    created_time: job.createdAt,
    settings: {
      name: job.name,
      format: 'MULTI_TASK',
      max_concurrent_runs: 1,
      tasks: job.tasks.map((key, i) => ({ task_key: key, ...(i > 0 ? { depends_on: [{ task_key: job.tasks[i - 1]! }] } : {}), notebook_task: { notebook_path: '/Repos/ops/notebooks/run_dbt' } })),
      parameters: Object.entries(job.parameters).map(([name, def]) => ({ name, default: def })),
    },
  };
}

export function renderRun(state: DatabricksState, run: RunRecord, base: string): { [key: string]: JsonValue } {
  const job = state.jobs.get(run.jobId);
  const view = state.view(run);
  const stateOf = (s: { lifeCycle: string; result?: string; message: string }) => ({
    life_cycle_state: s.lifeCycle,
    ...(s.result ? { result_state: s.result } : {}),
    state_message: s.message,
    user_cancelled_or_timedout: s.result === 'CANCELED' || s.result === 'TIMEDOUT',
  });
  return {
    job_id: run.jobId,
    run_id: run.runId,
    number_in_job: run.numberInJob,
    original_attempt_run_id: run.runId,
    run_name: job?.name ?? `job ${run.jobId}`,
    run_type: 'JOB_RUN',
    trigger: 'ONE_TIME',
    creator_user_name: 'shipgate@acme.test',
    run_page_url: runPageUrl(base, run),
    start_time: view.startTime,
    end_time: view.endTime,
    setup_duration: 0,
    execution_duration: view.endTime && view.startTime ? view.endTime - view.startTime : 0,
    cleanup_duration: 0,
    state: stateOf(view),
    job_parameters: Object.entries(run.parameters).map(([name, value]) => ({ name, value, ...(job?.parameters[name] !== undefined ? { default: job.parameters[name] } : {}) })),
    tasks: view.tasks.map((t) => ({
      run_id: t.runId,
      task_key: t.key,
      run_page_url: runPageUrl(base, { jobId: run.jobId, runId: t.runId }),
      state: stateOf(t),
      start_time: t.startTime,
      end_time: t.endTime,
      attempt_number: 0,
    })),
  };
}
