/**
 * Jobs API 2.1 (2.2 answers the same for these calls): `POST jobs/run-now` (job_id,
 * job_parameters, idempotency_token ≤ 64 characters: the same token answers the run it
 * started and starts nothing), `GET jobs/runs/get?run_id=`, `GET jobs/list?name=` (exact,
 * case-insensitive name filter; limit ≤ 100, offset), `GET jobs/get?job_id=`.
 */
import { isRecord, sendJson } from '../emulator-base';
import type { RouteTable } from '../route-table';
import { renderJob, renderRun } from './render';
import { DbxHttpError, invalid, type DbxHandler } from './rest';
import type { DatabricksState } from './state';

interface Host {
  url: () => string;
  record: (type: string, data: unknown) => void;
}

function integer(value: unknown, name: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) throw invalid(`${name} must be a positive integer, got ${JSON.stringify(value ?? null)}`);
  return n;
}

export class JobsApi {
  constructor(
    private readonly state: DatabricksState,
    private readonly host: Host,
  ) {}

  register(routes: RouteTable<DbxHandler>): void {
    for (const v of ['2.1', '2.2']) {
      routes.add('POST', `/api/${v}/jobs/run-now`, (ctx) => this.runNow(ctx));
      routes.add('GET', `/api/${v}/jobs/runs/get`, (ctx) => this.getRun(ctx));
      routes.add('GET', `/api/${v}/jobs/list`, (ctx) => this.list(ctx));
      routes.add('GET', `/api/${v}/jobs/get`, (ctx) => this.getJob(ctx));
    }
  }

  private runNow(ctx: Parameters<DbxHandler>[0]): void {
    const body = ctx.body;
    if (!isRecord(body)) throw new DbxHttpError(400, 'MALFORMED_REQUEST', 'Could not parse request object: expected a JSON object');
    const jobId = integer(body.job_id, 'job_id');
    const job = this.state.jobs.get(jobId);
    if (!job) throw invalid(`Job ${jobId} does not exist.`);
    const token = body.idempotency_token;
    if (token !== undefined && (typeof token !== 'string' || token.length === 0 || token.length > 64)) throw invalid('idempotency_token must be a string of at most 64 characters');
    const params = body.job_parameters ?? {};
    if (!isRecord(params) || Object.values(params).some((x) => typeof x !== 'string')) throw invalid('job_parameters must be a map of string to string');
    const { run, created } = this.state.runNow(job, params as Record<string, string>, token);
    if (created) this.host.record('run_started', { runId: run.runId, jobId, numberInJob: run.numberInJob, parameters: run.parameters, idempotencyToken: token });
    else this.host.record('run_now_deduplicated', { runId: run.runId, jobId, idempotencyToken: token });
    sendJson(ctx.res, 200, { run_id: run.runId, number_in_job: run.numberInJob });
  }

  private getRun(ctx: Parameters<DbxHandler>[0]): void {
    const runId = integer(ctx.query.run_id, 'run_id');
    const run = this.state.runs.get(runId);
    if (!run) throw invalid(`Run ${runId} does not exist.`);
    sendJson(ctx.res, 200, renderRun(this.state, run, this.host.url()));
  }

  private list(ctx: Parameters<DbxHandler>[0]): void {
    const limit = ctx.query.limit === undefined ? 20 : integer(ctx.query.limit, 'limit');
    if (limit > 100) throw invalid('limit must be at most 100');
    const offset = ctx.query.offset === undefined ? 0 : Number(ctx.query.offset);
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalid('offset must be a non-negative integer');
    const name = ctx.query.name?.toLowerCase();
    const all = [...this.state.jobs.values()].filter((j) => name === undefined || j.name.toLowerCase() === name).sort((a, b) => a.jobId - b.jobId);
    const page = all.slice(offset, offset + limit);
    sendJson(ctx.res, 200, { ...(page.length ? { jobs: page.map(renderJob) } : {}), has_more: offset + limit < all.length });
  }

  private getJob(ctx: Parameters<DbxHandler>[0]): void {
    const jobId = integer(ctx.query.job_id, 'job_id');
    const job = this.state.jobs.get(jobId);
    if (!job) throw new DbxHttpError(400, 'INVALID_PARAMETER_VALUE', `Job ${jobId} does not exist.`);
    sendJson(ctx.res, 200, renderJob(job));
  }
}
