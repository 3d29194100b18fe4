import type { DatabricksRunInfo, DatabricksRuns } from '../../app/ports/databricks-runs';
import { ShipgateError } from '../../shared/shipgate-error';

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
      throw new ShipgateError('internal', `Databricks could not be reached (${this.host}): ${e instanceof Error ? e.message : String(e)}`);
    }
    if (res.status === 401 || res.status === 403) throw new ShipgateError('internal', `Databricks refused the token (${res.status}): check DATABRICKS_TOKEN`);
    if (res.status === 404 || res.status === 400) throw new ShipgateError('not_found', `Databricks has no run ${runId}`);
    if (!res.ok) throw new ShipgateError('internal', `Databricks answered ${res.status} for run ${runId}`);
    const body = (await res.json()) as { run_id?: number; run_page_url?: string; state?: { life_cycle_state?: string; result_state?: string } };
    const state = [body.state?.life_cycle_state, body.state?.result_state].filter(Boolean).join('/') || 'UNKNOWN';
    return { runId, state, ...(body.run_page_url ? { url: body.run_page_url } : {}) };
  }
}
