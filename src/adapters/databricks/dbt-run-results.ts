import { z } from 'zod';
import type { DbtRunResults, DbtRunResultsFile } from '../../app/ports/dbt-run-results';
import { ShipgateError } from '../../shared/shipgate-error';
import { databricksRequest, type DatabricksHttpOptions } from './databricks-http';

/** dbt's run_results.json (schema v4–v6) as shipgate reads it: each node's unique_id and status. */
const runResultsFile = z.looseObject({
  metadata: z.looseObject({ invocation_id: z.string().optional(), dbt_schema_version: z.string().optional() }).optional(),
  elapsed_time: z.number().optional(),
  results: z.array(
    z.looseObject({
      unique_id: z.string().regex(/^[a-z_]+\./, 'expected a dbt unique_id such as "model.project.name"'),
      status: z.enum(['success', 'error', 'skipped', 'pass', 'fail', 'warn', 'runtime error', 'no-op', 'partial success']),
      message: z.string().nullable().optional(),
    }),
  ),
});

/** dbt's run_results.json downloaded through the Files API (`GET /api/2.0/fs/files/Volumes/…`) and validated. */
export class DbtRunResultsFromVolume implements DbtRunResults {
  constructor(private readonly o: DatabricksHttpOptions) {}

  async read(path: string): Promise<DbtRunResultsFile> {
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    const res = await databricksRequest(this.o, 'GET', `/api/2.0/fs/files${encoded}`, `the file ${path}`);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ShipgateError('databricks_error', `${path} is not JSON`);
    }
    const parsed = runResultsFile.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ShipgateError('databricks_error', `${path} is not a dbt run_results.json (${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'invalid'})`);
    }
    return {
      results: parsed.data.results.map((r) => ({ uniqueId: r.unique_id, status: r.status, ...(r.message ? { message: r.message } : {}) })),
      ...(parsed.data.metadata?.invocation_id ? { invocationId: parsed.data.metadata.invocation_id } : {}),
      ...(parsed.data.elapsed_time !== undefined ? { elapsedSeconds: parsed.data.elapsed_time } : {}),
    };
  }
}
