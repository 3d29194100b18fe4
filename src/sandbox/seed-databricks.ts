/**
 * The runbook-004 service of the sandbox: `dbt-analytics`, dbt on Databricks. acme/risk on the
 * emulated GitHub (merged work on main), the staging and prod Databricks jobs (the shared
 * `run_dbt` notebook: build, then smoke tests) and dbt's run_results.json published to the
 * `ops.dbt_meta.artifacts` volume per target (`…/<env>/latest/run_results.json`). Staging
 * was deployed by CI two days ago and passed its smoke tests (the first environment: history only), so `/promote
 * dbt-analytics dbt-prod` has a candidate that has soaked. Its ServiceNow CI is `dbt-analytics`, with
 * an approved change (CHG0030040) whose window is open for two weeks.
 */
import type { DatabricksEmulator } from '../emulators/databricks-emulator';
import type { GitHubEmulator } from '../emulators/github-emulator';
import type { ServiceNowEmulator } from '../emulators/servicenow-emulator';
import type { SeededDeployment } from './seed-github';

export const DBT_REPO = 'acme/analytics';
export const DBT_JOBS = { 'dbt-staging': 1234, 'dbt-prod': 5678 } as const;
/** The approved change of the demo: `/promote dbt-analytics dbt-prod cr=CHG0030040`. */
export const DBT_CHANGE = 'CHG0030040';

export interface DatabricksSeed {
  deployments: SeededDeployment[];
  head: string;
}

const DAY = 86_400_000;

function runResults(target: string, nodes: Array<[string, string, string?]>): object {
  return {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json', dbt_version: '1.8.7', invocation_id: `sandbox-${target}-0001`, generated_at: '2026-11-30T09:00:00Z' },
    elapsed_time: 184.2,
    args: { which: 'build', target, select: ['tag:deploy'] },
    results: nodes.map(([unique_id, status, message]) => ({ unique_id, status, message: message ?? null, execution_time: 4.2, thread_id: 'Thread-1', timing: [], adapter_response: {}, failures: status === 'fail' ? 1 : 0 })),
  };
}

const NODES: Array<[string, string, string?]> = [
  ['model.risk.stg_positions', 'success'],
  ['model.risk.stg_trades', 'success'],
  ['model.risk.positions', 'success'],
  ['model.risk.exposures', 'success'],
  ['model.risk.var_daily', 'success'],
  ['model.risk.heavy_backfill', 'skipped'],
  ['test.risk.unique_positions_position_id.4f1c', 'pass'],
  ['test.risk.not_null_positions_book.7a2b', 'pass'],
  ['test.risk.relationships_exposures_book.9c3d', 'pass'],
  ['test.risk.assert_exposure_non_negative.1e5f', 'pass'],
  ['test.risk.assert_row_count_within_10pct.2d6e', 'warn', 'Got 1 result, configured to warn if != 0'],
  ['seed.risk.currencies', 'success'],
];

export function seedDatabricks(dbx: DatabricksEmulator, github: GitHubEmulator, servicenow: Pick<ServiceNowEmulator, 'addCi' | 'addChange'>, nowMs: number): DatabricksSeed {
  servicenow.addCi({ name: 'dbt-analytics' });
  servicenow.addChange({
    number: DBT_CHANGE,
    cmdb_ci: 'dbt-analytics',
    short_description: 'dbt-analytics: daily VaR model to prod (dbt build, tag:deploy)',
    state: '-2',
    approval: 'approved',
    assignment_group: 'Data Platform',
    start_date: nowMs - DAY,
    end_date: nowMs + 14 * DAY,
  });
  github.addRepo(DBT_REPO, { defaultBranch: 'main' });
  const author = { name: 'Dana Data', email: 'dana@acme.test', login: 'dana' };
  github.addCommit(DBT_REPO, 'main', { message: 'feat: positions and exposures models', author, date: nowMs - 5 * DAY });
  const head = github.addCommit(DBT_REPO, 'main', { message: 'feat: daily VaR model (tag:deploy)', author, date: nowMs - 3 * DAY });
  // runbook 004's staging smoke tests (schema tests, business assertions, freshness) after each staging build
  github.addWorkflow(DBT_REPO, {
    file: 'smoke.yml',
    name: 'smoke',
    jobName: 'smoke',
    stepName: 'dbt smoke tests',
    runName: 'smoke {{inputs.env}} {{inputs.promotion}}',
    durations: { queuedMs: 800, inProgressMs: 3000 },
    inputs: { env: { required: true }, sha: {}, promotion: {} },
    logLines: ['dbt test --select tag:contract --target stg: 14 passed', 'assert_totals_non_negative: pass', 'source freshness: positions 12m, trades 9m (ok)'],
  });
  const durations = { pendingMs: 3000, runningMs: 12_000 };
  dbx.addJob({ jobId: DBT_JOBS['dbt-staging'], name: 'dbt-analytics staging build', tasks: ['stg_build', 'stg_smoke'], durations, parameters: { cmd: 'build', target: 'dbt-staging', select: 'tag:deploy', exclude: 'tag:heavy', defer: 'false' } });
  dbx.addJob({ jobId: DBT_JOBS['dbt-prod'], name: 'dbt-analytics prod build', tasks: ['prod_build', 'prod_smoke'], durations, parameters: { cmd: 'build', target: 'dbt-prod', select: 'tag:deploy', defer: 'true', state_path: '/Volumes/ops/dbt_meta/artifacts/dbt-staging/latest/' } });
  for (const env of ['dbt-staging', 'dbt-prod']) dbx.putFile(`/Volumes/ops/dbt_meta/artifacts/${env}/latest/run_results.json`, runResults(env, NODES));
  const staged: SeededDeployment = { service: 'dbt-analytics', repo: DBT_REPO, from: 'main', env: 'dbt-staging', sha: head, at: new Date(nowMs - 2 * DAY), runs: [], pullRequests: [], matches: [], verified: true };
  return { deployments: [staged], head };
}
