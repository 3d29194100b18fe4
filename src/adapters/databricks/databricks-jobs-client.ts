import { z } from 'zod';
import type { DatabricksRunInfo, DatabricksRuns } from '../../app/ports/databricks-runs';
import { ShipgateError } from '../../shared/shipgate-error';

/**
 * Jobs API 2.1 `runs/get` as shipgate reads it: `state.life_cycle_state` must be there
 * (`result_state` only once the run is over); `run_page_url` when sent.
 */
const runsGetAnswer = z.looseObject({
  run_id: z.number().optional(),
  run_page_url: z.string().optional(),
  state: z.looseObject({ life_cycle_state: z.string().min(1), result_state: z.string().optional(), state_message: z.string().optional() }),
});

/** What is wrong with a runs/get answer, naming the field (`without "state.life_cycle_state"`). */
function mismatch(error: z.ZodError, body: unknown): string {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  let at: unknown = body;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
  if (path.length === 0) return 'that is not a JSON object';
  const field = path.map(String).join('.');
  if (at === undefined) return `without "${field}"`;
  return `with an unreadable "${field}" (${at === null ? 'null' : Array.isArray(at) ? 'a list' : typeof at === 'string' ? 'an empty string' : `a ${typeof at}`})`;
}

/** Jobs API 2.1 `GET /api/2.1/jobs/runs/get?run_id=` with a bearer token (DATABRICKS_HOST / DATABRICKS_TOKEN). */
export class DatabricksJobsClient implements DatabricksRuns {
  constructor(
    private readonly host: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async describe(runId: string): Promise<DatabricksRunInfo> {
    const url = `${this.host.replace(/\/$/, '')}/api/2.1/jobs/runs/get?run_id=${encodeURIComponent(runId)}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new ShipgateError('databricks_error', `Databricks could not be reached (${this.host}): ${e instanceof Error ? e.message : String(e)}`);
    }
    if (res.status === 401 || res.status === 403) throw new ShipgateError('databricks_error', `Databricks refused the token (${res.status}): check DATABRICKS_TOKEN`);
    if (res.status === 404 || res.status === 400) throw new ShipgateError('not_found', `Databricks has no run ${runId}`);
    if (!res.ok) throw new ShipgateError('databricks_error', `Databricks answered ${res.status} for run ${runId}`);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new ShipgateError('databricks_error', `Databricks answered run ${runId} with a page that is not JSON (is ${this.host} the workspace URL?)`, { runId });
    }
    const run = runsGetAnswer.safeParse(body);
    if (!run.success) {
      const why = mismatch(run.error, body);
      throw new ShipgateError('databricks_error', `Databricks answered run ${runId} ${why} (${this.host})`, { runId, mismatch: why });
    }
    const state = [run.data.state.life_cycle_state, run.data.state.result_state].filter(Boolean).join('/');
    return { runId, state, ...(run.data.run_page_url ? { url: run.data.run_page_url } : {}) };
  }
}
