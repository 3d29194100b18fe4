import { DatabricksEmulator } from '../../src/emulators/databricks-emulator';
import { USERS, type Harness } from './harness';

export const DATABRICKS_TOKEN = 'dapi-test-0123456789';

/** The runbook-004 service: dbt on Databricks, staging and prod jobs, run_results.json published to a UC volume per target. */
export const DBX_CONFIG = `
timezone: Europe/London
environments:
  - { name: staging, deployers: ["*"] }
  - { name: prod, deployers: [S0RELEASEMGRS, ${USERS.engineer}], approvers: [S0RELEASEMGRS] }
services:
  - name: risk-models
    repo: acme/risk
    pipeline: [staging, prod]
    strategy:
      type: databricks
      jobs: { staging: 1234, prod: 5678 }
      parameters: { target: "{{env}}", git_commit: "{{sha}}", select: "tag:deploy" }
      evidence: { dbtRunResults: "/Volumes/ops/dbt_meta/artifacts/{{env}}/latest/run_results.json" }
incidents:
  channels: ["^inc-"]
  rollbackApprovers: [S0ONCALL]
`;

export const RUN_RESULTS_PATH = '/Volumes/ops/dbt_meta/artifacts/prod/latest/run_results.json';

/** A dbt run_results.json (schema v6) with these node statuses. */
export function runResults(nodes: Array<[string, string, string?]>): object {
  return {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json', dbt_version: '1.8.7', invocation_id: 'a1b2c3d4-0000-4000-8000-000000000001', generated_at: '2026-12-01T10:00:00Z' },
    elapsed_time: 42.5,
    args: { which: 'build', select: ['tag:deploy'] },
    results: nodes.map(([unique_id, status, message]) => ({ unique_id, status, message: message ?? null, execution_time: 1.2, thread_id: 'Thread-1', timing: [], adapter_response: {}, failures: status === 'fail' ? 3 : 0 })),
  };
}

export const GOOD_RESULTS = runResults([
  ['model.risk.positions', 'success'],
  ['model.risk.exposures', 'success'],
  ['model.risk.var_daily', 'success'],
  ['model.risk.heavy_backfill', 'skipped'],
  ['test.risk.not_null_positions_id.1a2b', 'pass'],
  ['test.risk.unique_positions_id.3c4d', 'pass'],
  ['test.risk.exposures_non_negative.5e6f', 'warn', 'Got 2 results, configured to warn if != 0'],
  ['seed.risk.currencies', 'success'],
]);

export async function startDatabricks(options: { now?: () => number } = {}): Promise<DatabricksEmulator> {
  const dbx = new DatabricksEmulator({ tokens: [DATABRICKS_TOKEN], ...options });
  await dbx.start();
  const durations = { pendingMs: 40, runningMs: 150 };
  dbx.addJob({ jobId: 1234, name: 'risk-models staging build', tasks: ['stg_build', 'stg_smoke'], durations, parameters: { target: 'stg', select: 'tag:deploy' } });
  dbx.addJob({ jobId: 5678, name: 'risk-models prod build', tasks: ['prod_build', 'prod_smoke'], durations, parameters: { target: 'prod', select: 'tag:deploy' } });
  dbx.putFile(RUN_RESULTS_PATH, GOOD_RESULTS);
  return dbx;
}

export function databricksEnv(dbx: DatabricksEmulator): Record<string, string> {
  return { DATABRICKS_HOST: dbx.url, DATABRICKS_TOKEN };
}

/** acme/risk on the GitHub emulator: two commits on main. */
export function seedRisk(h: Harness): { first: string; head: string } {
  h.github.addRepo('acme/risk', { defaultBranch: 'main' });
  const first = h.github.addCommit('acme/risk', 'main', { message: 'feat: positions model' });
  const head = h.github.addCommit('acme/risk', 'main', { message: 'feat: VaR daily model' });
  return { first, head };
}
