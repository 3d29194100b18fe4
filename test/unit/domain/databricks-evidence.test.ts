import { databricksCard, databricksLines, databricksPlainLines, dbtLine, failingTasks, runFailure, runOutcome, summarizeDbt, type DatabricksEvidence } from '../../../src/domain/databricks-evidence';
import { databricksMarkdown } from '../../../src/domain/databricks-evidence-markdown';

describe('runOutcome', () => {
  it.each([
    ['PENDING', undefined, 'running'],
    ['QUEUED', undefined, 'running'],
    ['RUNNING', undefined, 'running'],
    ['TERMINATING', undefined, 'running'],
    ['BLOCKED', undefined, 'running'],
    ['WAITING_FOR_RETRY', undefined, 'running'],
    ['TERMINATED', 'SUCCESS', 'succeeded'],
    ['TERMINATED', 'FAILED', 'failed'],
    ['TERMINATED', 'TIMEDOUT', 'failed'],
    ['TERMINATED', 'CANCELED', 'failed'],
    ['TERMINATED', 'SUCCESS_WITH_FAILURES', 'failed'],
    ['TERMINATED', undefined, 'failed'],
    ['INTERNAL_ERROR', undefined, 'failed'],
    ['INTERNAL_ERROR', 'FAILED', 'failed'],
    ['SKIPPED', undefined, 'failed'],
  ] as const)('%s / %s → %s', (life, result, expected) => {
    expect(runOutcome(life, result)).toBe(expected);
  });
});

const run = (tasks: DatabricksEvidence['tasks'], extra: Partial<DatabricksEvidence> = {}): DatabricksEvidence => ({
  jobId: 5678,
  jobName: 'risk prod',
  runId: 42,
  runPageUrl: 'https://dbc.example/?o=1#job/5678/run/42',
  parameters: { target: 'prod' },
  lifeCycleState: 'TERMINATED',
  resultState: 'FAILED',
  tasks,
  ...extra,
});

describe('failingTasks / runFailure', () => {
  it.each([
    ['a failed task, its downstream skipped', [{ key: 'build', lifeCycleState: 'TERMINATED', resultState: 'FAILED' }, { key: 'smoke', lifeCycleState: 'SKIPPED', resultState: 'UPSTREAM_FAILED' }], ['build']],
    ['a timed-out and a cancelled task', [{ key: 'a', lifeCycleState: 'TERMINATED', resultState: 'TIMEDOUT' }, { key: 'b', lifeCycleState: 'TERMINATED', resultState: 'CANCELED' }], ['a', 'b']],
    ['an internal error', [{ key: 'a', lifeCycleState: 'INTERNAL_ERROR' }], ['a']],
    ['all succeeded', [{ key: 'a', lifeCycleState: 'TERMINATED', resultState: 'SUCCESS' }], []],
  ])('%s', (_n, tasks, keys) => {
    expect(failingTasks(run(tasks)).map((t) => t.key)).toEqual(keys);
  });

  it('names the failing task with its message, and the run link', () => {
    const why = runFailure(run([{ key: 'prod_build', lifeCycleState: 'TERMINATED', resultState: 'FAILED', message: 'Workload failed' }]));
    expect(why.text).toBe('Databricks <https://dbc.example/?o=1#job/5678/run/42|run 42> of job risk prod ended TERMINATED/FAILED: task `prod_build` FAILED (Workload failed)');
  });

  it('says the run\'s state message when no task says why', () => {
    expect(runFailure(run([], { lifeCycleState: 'INTERNAL_ERROR', resultState: undefined, stateMessage: 'Cluster <failed>' })).text).toContain('ended INTERNAL_ERROR (Cluster &lt;failed&gt;)');
  });
});

describe('summarizeDbt', () => {
  it.each([
    ['model success', 'model.p.a', 'success', 'models', 'passed'],
    ['model error', 'model.p.a', 'error', 'models', 'failed'],
    ['model skipped', 'model.p.a', 'skipped', 'models', 'skipped'],
    ['test pass', 'test.p.t', 'pass', 'tests', 'passed'],
    ['test fail', 'test.p.t', 'fail', 'tests', 'failed'],
    ['test warn', 'test.p.t', 'warn', 'tests', 'warned'],
    ['test error', 'test.p.t', 'error', 'tests', 'failed'],
    ['unit test pass', 'unit_test.p.u', 'pass', 'tests', 'passed'],
    ['seed success', 'seed.p.s', 'success', 'other', 'passed'],
    ['snapshot error', 'snapshot.p.s', 'error', 'other', 'failed'],
  ] as const)('%s', (_n, uniqueId, status, bucket, field) => {
    const d = summarizeDbt('/Volumes/a/b/c/run_results.json', [{ uniqueId, status }]);
    if (!d.read) throw new Error('expected read');
    expect(d[bucket][field]).toBe(1);
    const total = (['models', 'tests', 'other'] as const).reduce((n, b) => n + d[b].passed + d[b].failed + d[b].skipped + d[b].warned, 0);
    expect(total).toBe(1);
    expect(d.failures.length).toBe(field === 'failed' ? 1 : 0);
  });

  it('renders one line, and says when the file was unavailable', () => {
    const d = summarizeDbt('/Volumes/a/b/c/r.json', [{ uniqueId: 'model.p.a', status: 'success' }, { uniqueId: 'test.p.t', status: 'fail' }]);
    expect(dbtLine(d).text).toBe('dbt: models 1 passed, 0 failed, 0 skipped; tests 0 passed, 1 failed, 0 skipped');
    expect(dbtLine({ path: '/Volumes/a/b/c/r.json', read: false, reason: 'not found' }).text).toBe('dbt run_results `/Volumes/a/b/c/r.json` not available: not found');
  });
});

describe('evidence of a Databricks run (thread lines and evidence pack)', () => {
  const e = run([{ key: 'prod_build', lifeCycleState: 'TERMINATED', resultState: 'FAILED', message: 'boom | <x>' }], {
    dbt: summarizeDbt('/Volumes/ops/dbt_meta/artifacts/prod/latest/run_results.json', [{ uniqueId: 'model.p.a', status: 'error', message: 'Database Error' }], { invocationId: 'inv-1' }),
  });

  it('thread lines: run link and state, each task, dbt summary and failed nodes', () => {
    expect(databricksLines(e).map((m) => m.text)).toEqual([
      '• Databricks job risk prod (5678) <https://dbc.example/?o=1#job/5678/run/42|run 42>: TERMINATED/FAILED',
      '    ◦ task `prod_build`: FAILED',
      '• dbt: models 0 passed, 1 failed, 0 skipped; tests 0 passed, 0 failed, 0 skipped',
      '    ◦ `model.p.a` error: Database Error',
    ]);
  });

  it('evidence pack section: tasks table, dbt table, failed nodes (markdown-safe)', () => {
    const md = databricksMarkdown(e).join('\n');
    expect(md).toContain('## Databricks job run');
    expect(md).toContain('[run 42](https://dbc.example/?o=1#job/5678/run/42)');
    expect(md).toContain('| `prod_build` | TERMINATED | FAILED |');
    expect(md).not.toContain('boom | <x>');
    expect(md).toContain('| models | 0 | 1 | 0 | 0 |');
    expect(md).toContain('(invocation `inv-1`)');
    expect(md).toContain('- `model.p.a` error: Database Error');
    expect(databricksMarkdown({ ...e, dbt: { path: '/Volumes/a/b/c/r.json', read: false, reason: 'not found' } }).join('\n')).toContain('**not available** (not found)');
    expect(databricksMarkdown(undefined)).toEqual([]);
  });

  it('card and ServiceNow work-note lines', () => {
    expect(databricksCard(e).text).toBe(
      '• <https://dbc.example/?o=1#job/5678/run/42|risk prod run 42>: TERMINATED/FAILED\n• tasks: `prod_build` FAILED\n• dbt: models 0 passed, 1 failed, 0 skipped; tests 0 passed, 0 failed, 0 skipped',
    );
    expect(databricksPlainLines(e)).toEqual([
      'Databricks job risk prod (5678) run 42: TERMINATED/FAILED https://dbc.example/?o=1#job/5678/run/42',
      '- task prod_build: FAILED',
      'dbt: models 0 passed, 1 failed, 0 skipped; tests 0 passed, 0 failed, 0 skipped',
    ]);
  });
});
