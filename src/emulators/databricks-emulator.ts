/**
 * Databricks emulator: Jobs API 2.1/2.2 (`POST /api/2.1/jobs/run-now` with job_parameters and
 * idempotency_token, `GET /api/2.1/jobs/runs/get`, `GET /api/2.1/jobs/list?name=`,
 * `GET /api/2.1/jobs/get`) and the Files API on Unity Catalog volumes
 * (`GET /api/2.0/fs/files/Volumes/…`), behind bearer-token auth.
 *
 * Runs advance on the emulator clock (PENDING → RUNNING → TERMINATED with each task's result)
 * or by test controls: `completeRun` (task results), `failTask`, `endRun` (INTERNAL_ERROR, …),
 * `holdRun` (stays RUNNING until a control ends it). Faults: `inject` (emulator-base).
 */
import { EmulatorBase, type EmulatorOptions, type RequestContext } from './emulator-base';
import { FilesApi } from './databricks/files-api';
import { Gateway } from './databricks/gateway';
import { JobsApi } from './databricks/jobs-api';
import { Pages } from './databricks/pages';
import { runPageUrl } from './databricks/render';
import { DatabricksState, type JobDefinition, type LifeCycleState, type ResultState, type RunRecord, type RunView, type TaskOutcome } from './databricks/state';

export type { JobDefinition, LifeCycleState, ResultState, RunRecord, RunView, TaskOutcome } from './databricks/state';

export interface DatabricksEmulatorOptions extends EmulatorOptions {
  /** Personal access tokens accepted (`Authorization: Bearer …`); default `["dapi-test-token"]`. */
  tokens?: string[];
}

export interface DatabricksSnapshotView {
  url: string;
  jobs: Array<{ jobId: number; name: string; runs: Array<{ runId: number; numberInJob: number; state: string; tasks: string; url: string; parameters: Record<string, string> }> }>;
  files: string[];
}

export class DatabricksEmulator extends EmulatorBase {
  private readonly state: DatabricksState;
  private readonly gateway: Gateway;

  constructor(options: DatabricksEmulatorOptions = {}) {
    super(options);
    this.state = new DatabricksState(() => this.now());
    const pages = new Pages(this.state);
    this.gateway = new Gateway(new Set(options.tokens ?? ['dapi-test-token']), (ctx) => pages.servePage(ctx));
    const host = { url: () => this.url, record: (type: string, data: unknown) => this.record(type, data) };
    new JobsApi(this.state, host).register(this.gateway.routes);
    new FilesApi(this.state).register(this.gateway.routes);
  }

  // ================================================================ seeding

  /** A job with its tasks (run in order), run durations on the emulator clock and the tasks that fail. */
  addJob(input: { name: string; jobId?: number; tasks?: string[]; durations?: { pendingMs?: number; runningMs?: number }; failTasks?: string[]; parameters?: Record<string, string> }): JobDefinition {
    const job = this.state.addJob(input);
    this.emit('change');
    return job;
  }

  /** Makes the job's later runs fail at these tasks (none: succeed). */
  setFailTasks(jobId: number, tasks: string[]): void {
    const job = this.state.jobs.get(jobId);
    if (!job) throw new Error(`DatabricksEmulator: no job ${jobId}`);
    job.failTasks = [...tasks];
  }

  /** A file in a Unity Catalog volume (`/Volumes/<catalog>/<schema>/<volume>/…`). */
  putFile(path: string, content: string | Buffer | object): void {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    this.state.files.set(path, data);
    this.emit('change');
  }

  deleteFile(path: string): void {
    this.state.files.delete(path);
  }

  // ================================================================ controls

  /** Keeps a run RUNNING (after its pending time) until `completeRun`, `failTask` or `endRun`. */
  holdRun(runId: number): void {
    this.state.run(runId).held = true;
  }

  /** Ends a run now with these task results (default SUCCESS; tasks after a failed one UPSTREAM_FAILED). */
  completeRun(runId: number, results: Record<string, ResultState | TaskOutcome> = {}): void {
    this.state.complete(runId, results);
    this.record('run_terminated', { runId, ...this.view(runId) });
    this.emit('change');
  }

  /** Ends a run now with `task` FAILED (earlier tasks SUCCESS, later ones UPSTREAM_FAILED). */
  failTask(runId: number, task: string, message?: string): void {
    if (!this.state.run(runId).tasks.some((t) => t.key === task)) throw new Error(`DatabricksEmulator: run ${runId} has no task ${task}`);
    this.completeRun(runId, { [task]: { result: 'FAILED', ...(message ? { message } : {}) } });
  }

  /** Ends a run now in another life cycle (INTERNAL_ERROR, SKIPPED) or result (TIMEDOUT, CANCELED). */
  endRun(runId: number, lifeCycle: LifeCycleState, message: string, result?: ResultState): void {
    this.state.endRun(runId, lifeCycle, message, result);
    this.record('run_terminated', { runId, ...this.view(runId) });
    this.emit('change');
  }

  // ================================================================ queries

  /** Every run, oldest first. */
  runs(jobId?: number): RunRecord[] {
    return [...this.state.runs.values()].filter((r) => jobId === undefined || r.jobId === jobId);
  }

  /** The run's state now. */
  view(runId: number): RunView {
    return this.state.view(this.state.run(runId));
  }

  job(jobId: number): JobDefinition | undefined {
    return this.state.jobs.get(jobId);
  }

  runPageUrl(run: Pick<RunRecord, 'jobId' | 'runId'>): string {
    return runPageUrl(this.url, run);
  }

  /** Jobs, runs and files for a UI (the sandbox's side panel); `'change'` is emitted when something changes. */
  snapshot(): DatabricksSnapshotView {
    return {
      url: this.url,
      jobs: [...this.state.jobs.values()].map((job) => ({
        jobId: job.jobId,
        name: job.name,
        runs: this.runs(job.jobId).map((r) => {
          const v = this.state.view(r);
          return {
            runId: r.runId,
            numberInJob: r.numberInJob,
            state: [v.lifeCycle, v.result].filter(Boolean).join('/'),
            tasks: v.tasks.map((t) => `${t.key}: ${t.result ?? t.lifeCycle}`).join(', '),
            url: runPageUrl(this.url, r),
            parameters: { ...r.parameters },
          };
        }),
      })),
      files: [...this.state.files.keys()],
    };
  }

  // ================================================================ HTTP

  protected override async handle(ctx: RequestContext): Promise<void> {
    await this.gateway.handle(ctx);
  }
}
