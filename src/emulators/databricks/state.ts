/**
 * The Databricks emulator's workspace: jobs (with their tasks), runs and Unity Catalog volume
 * files. A run's state is computed from the emulator clock: PENDING for `pendingMs`, RUNNING
 * for `runningMs`, then TERMINATED with each task's result (the tasks named in `failTasks`
 * fail, the tasks after a failed one are skipped as UPSTREAM_FAILED). Test controls end a run
 * at once (`complete`, `failTask`, `endRun`) or hold it RUNNING (`hold`).
 */

export type LifeCycleState = 'QUEUED' | 'PENDING' | 'RUNNING' | 'TERMINATING' | 'TERMINATED' | 'SKIPPED' | 'INTERNAL_ERROR' | 'BLOCKED' | 'WAITING_FOR_RETRY';
export type ResultState = 'SUCCESS' | 'FAILED' | 'TIMEDOUT' | 'CANCELED' | 'UPSTREAM_FAILED' | 'UPSTREAM_CANCELED' | 'EXCLUDED' | 'SUCCESS_WITH_FAILURES';

export interface JobDefinition {
  jobId: number;
  name: string;
  /** Task keys, run in order. */
  tasks: string[];
  durations: { pendingMs: number; runningMs: number };
  /** Tasks whose runs fail (default none). */
  failTasks: string[];
  /** Parameters the job declares, with their defaults (`job_parameters` override them). */
  parameters: Record<string, string>;
  createdAt: number;
}

export interface TaskOutcome {
  result: ResultState;
  message?: string;
}

/** A run ended by a control: its life cycle and result, and each task's result. */
interface Forced {
  at: number;
  lifeCycle: LifeCycleState;
  result?: ResultState;
  message: string;
  tasks: Record<string, TaskOutcome>;
}

export interface RunRecord {
  runId: number;
  jobId: number;
  numberInJob: number;
  idempotencyToken?: string;
  /** The job's parameters with the run's overrides. */
  parameters: Record<string, string>;
  createdAt: number;
  durations: { pendingMs: number; runningMs: number };
  failTasks: string[];
  tasks: Array<{ key: string; runId: number }>;
  /** Held RUNNING until a control ends it. */
  held: boolean;
  forced?: Forced;
}

export interface TaskView {
  key: string;
  runId: number;
  lifeCycle: LifeCycleState;
  result?: ResultState;
  message: string;
  startTime: number;
  endTime: number;
}

export interface RunView {
  lifeCycle: LifeCycleState;
  result?: ResultState;
  message: string;
  startTime: number;
  endTime: number;
  tasks: TaskView[];
}

export class DatabricksState {
  readonly jobs = new Map<number, JobDefinition>();
  readonly runs = new Map<number, RunRecord>();
  readonly files = new Map<string, Buffer>();
  private nextJobId = 1001;
  private nextRunId = 700_000_001;

  constructor(private readonly now: () => number) {}

  addJob(input: { name: string; jobId?: number; tasks?: string[]; durations?: Partial<JobDefinition['durations']>; failTasks?: string[]; parameters?: Record<string, string> }): JobDefinition {
    const jobId = input.jobId ?? this.nextJobId++;
    if (this.jobs.has(jobId)) throw new Error(`DatabricksEmulator: job ${jobId} exists`);
    const job: JobDefinition = {
      jobId,
      name: input.name,
      tasks: input.tasks?.length ? [...input.tasks] : ['main'],
      durations: { pendingMs: input.durations?.pendingMs ?? 50, runningMs: input.durations?.runningMs ?? 150 },
      failTasks: [...(input.failTasks ?? [])],
      parameters: { ...(input.parameters ?? {}) },
      createdAt: this.now(),
    };
    this.jobs.set(jobId, job);
    return job;
  }

  /** Starts a run of `job`, or answers the run an earlier request with the same token started. */
  runNow(job: JobDefinition, parameters: Record<string, string>, token: string | undefined): { run: RunRecord; created: boolean } {
    if (token !== undefined) {
      const earlier = [...this.runs.values()].find((r) => r.jobId === job.jobId && r.idempotencyToken === token);
      if (earlier) return { run: earlier, created: false };
    }
    const runId = this.nextRunId++;
    const numberInJob = [...this.runs.values()].filter((r) => r.jobId === job.jobId).length + 1;
    const run: RunRecord = {
      runId,
      jobId: job.jobId,
      numberInJob,
      ...(token !== undefined ? { idempotencyToken: token } : {}),
      parameters: { ...job.parameters, ...parameters },
      createdAt: this.now(),
      durations: { ...job.durations },
      failTasks: [...job.failTasks],
      tasks: job.tasks.map((key) => ({ key, runId: this.nextRunId++ })),
      held: false,
    };
    this.runs.set(runId, run);
    return { run, created: true };
  }

  run(runId: number): RunRecord {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`DatabricksEmulator: no run ${runId}`);
    return run;
  }

  /** Ends a run now: every task with its given result (default SUCCESS; tasks after a failed one UPSTREAM_FAILED). */
  complete(runId: number, results: Record<string, ResultState | TaskOutcome> = {}): void {
    const run = this.run(runId);
    const tasks: Record<string, TaskOutcome> = {};
    let failed: string | undefined;
    for (const t of run.tasks) {
      const given = results[t.key];
      const outcome: TaskOutcome = given === undefined ? { result: failed ? 'UPSTREAM_FAILED' : 'SUCCESS' } : typeof given === 'string' ? { result: given } : given;
      if (!failed && outcome.result !== 'SUCCESS' && outcome.result !== 'SUCCESS_WITH_FAILURES') failed = t.key;
      tasks[t.key] = outcome;
    }
    const failedTask = failed ? tasks[failed] : undefined;
    run.forced = {
      at: this.now(),
      lifeCycle: 'TERMINATED',
      result: failedTask ? (failedTask.result === 'UPSTREAM_FAILED' ? 'FAILED' : failedTask.result) : 'SUCCESS',
      message: failed ? failureMessage(failed, failedTask?.message) : '',
      tasks,
    };
  }

  /** Ends a run with an internal error (or another life cycle) and a message. */
  endRun(runId: number, lifeCycle: LifeCycleState, message: string, result?: ResultState): void {
    const run = this.run(runId);
    run.forced = { at: this.now(), lifeCycle, ...(result ? { result } : {}), message, tasks: {} };
  }

  /** The state of a run now. */
  view(run: RunRecord): RunView {
    const t = this.now();
    const startTime = run.createdAt + run.durations.pendingMs;
    const endAt = run.createdAt + run.durations.pendingMs + run.durations.runningMs;
    const forced = run.forced;
    if (forced) {
      return {
        lifeCycle: forced.lifeCycle,
        ...(forced.result ? { result: forced.result } : {}),
        message: forced.message,
        startTime: Math.min(startTime, forced.at),
        endTime: forced.at,
        tasks: run.tasks.map((task) => {
          const o = forced.tasks[task.key];
          const lifeCycle: LifeCycleState = o ? (o.result === 'UPSTREAM_FAILED' ? 'SKIPPED' : 'TERMINATED') : forced.lifeCycle;
          return { key: task.key, runId: task.runId, lifeCycle, ...(o ? { result: o.result } : forced.result ? { result: forced.result } : {}), message: o?.message ?? '', startTime: Math.min(startTime, forced.at), endTime: forced.at };
        }),
      };
    }
    if (t < startTime) return { lifeCycle: 'PENDING', message: 'Waiting for cluster', startTime: 0, endTime: 0, tasks: run.tasks.map((task) => ({ key: task.key, runId: task.runId, lifeCycle: 'PENDING', message: '', startTime: 0, endTime: 0 })) };
    if (t < endAt || run.held) {
      return { lifeCycle: 'RUNNING', message: 'In run', startTime, endTime: 0, tasks: run.tasks.map((task) => ({ key: task.key, runId: task.runId, lifeCycle: 'RUNNING', message: '', startTime, endTime: 0 })) };
    }
    const firstFailed = run.tasks.find((task) => run.failTasks.includes(task.key))?.key;
    let after = false;
    const tasks = run.tasks.map((task): TaskView => {
      if (after) return { key: task.key, runId: task.runId, lifeCycle: 'SKIPPED', result: 'UPSTREAM_FAILED', message: 'Upstream task failed.', startTime: 0, endTime: endAt };
      if (task.key === firstFailed) {
        after = true;
        return { key: task.key, runId: task.runId, lifeCycle: 'TERMINATED', result: 'FAILED', message: 'Workload failed, see run output for details', startTime, endTime: endAt };
      }
      return { key: task.key, runId: task.runId, lifeCycle: 'TERMINATED', result: 'SUCCESS', message: '', startTime, endTime: endAt };
    });
    return { lifeCycle: 'TERMINATED', result: firstFailed ? 'FAILED' : 'SUCCESS', message: firstFailed ? failureMessage(firstFailed) : '', startTime, endTime: endAt, tasks };
  }
}

function failureMessage(task: string, message = 'Workload failed, see run output for details'): string {
  return `Task ${task} failed with message: ${message}. This caused all downstream tasks to get skipped.`;
}
