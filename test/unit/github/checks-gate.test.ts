import {
  checkLink,
  checksGate,
  latestCheckRuns,
  requiredCheckOutcomes,
  type ObservedCheckRun,
  type ObservedStatus,
} from '../../../src/domain/gates/checks-gate';

const SHA = '3f2a9c1d4e5b6a7980716253443526170819aabb';
const URL = (name: string, id = 1): string => `https://github.example/acme/markets/runs/${id}-${name}`;

let nextId = 100;
function run(name: string, status: string, conclusion: string | null = null, extra: Partial<ObservedCheckRun> = {}): ObservedCheckRun {
  nextId += 1;
  return { id: nextId, name, status, conclusion, url: URL(name, nextId), ...extra };
}
function status(context: string, state: string, extra: Partial<ObservedStatus> = {}): ObservedStatus {
  nextId += 1;
  return { id: nextId, context, state, url: `https://ci.example/${context}/${nextId}`, ...extra };
}

describe('checks gate', () => {
  it('passes with no_required_checks when the service requires none', () => {
    const r = checksGate([], { checkRuns: [run('x', 'completed', 'failure')], statuses: [] }, { sha: SHA });
    expect(r).toMatchObject({ gate: 'checks', status: 'pass', code: 'no_required_checks' });
  });

  type Row = [string, ObservedCheckRun[], ObservedStatus[], 'pass' | 'pending' | 'block', string];
  it.each<Row>([
    ['all green from check runs', [run('unit-tests', 'completed', 'success'), run('ci-test', 'completed', 'success')], [], 'pass', 'checks_ok'],
    ['neutral and skipped are green', [run('unit-tests', 'completed', 'neutral'), run('ci-test', 'completed', 'skipped')], [], 'pass', 'checks_ok'],
    ['green from commit statuses', [], [status('unit-tests', 'success'), status('ci-test', 'success')], 'pass', 'checks_ok'],
    ['one from each source', [run('unit-tests', 'completed', 'success')], [status('ci-test', 'success')], 'pass', 'checks_ok'],
    ['queued run → pending', [run('unit-tests', 'completed', 'success'), run('ci-test', 'queued')], [], 'pending', 'checks_pending'],
    ['in_progress run → pending', [run('unit-tests', 'in_progress'), run('ci-test', 'completed', 'success')], [], 'pending', 'checks_pending'],
    ['waiting run → pending', [run('unit-tests', 'waiting'), run('ci-test', 'completed', 'success')], [], 'pending', 'checks_pending'],
    ['pending status → pending', [run('unit-tests', 'completed', 'success')], [status('ci-test', 'pending')], 'pending', 'checks_pending'],
    ['missing check → pending (not failed)', [run('unit-tests', 'completed', 'success')], [], 'pending', 'checks_pending'],
    ['nothing reported at all → pending', [], [], 'pending', 'checks_pending'],
    ['failure → block', [run('unit-tests', 'completed', 'failure'), run('ci-test', 'completed', 'success')], [], 'block', 'checks_failed'],
    ['cancelled → block', [run('unit-tests', 'completed', 'cancelled'), run('ci-test', 'completed', 'success')], [], 'block', 'checks_failed'],
    ['timed_out → block', [run('unit-tests', 'completed', 'timed_out'), run('ci-test', 'completed', 'success')], [], 'block', 'checks_failed'],
    ['action_required → block', [run('unit-tests', 'completed', 'action_required'), run('ci-test', 'completed', 'success')], [], 'block', 'checks_failed'],
    ['stale → block', [run('unit-tests', 'completed', 'stale'), run('ci-test', 'completed', 'success')], [], 'block', 'checks_failed'],
    ['status failure → block', [run('unit-tests', 'completed', 'success')], [status('ci-test', 'failure')], 'block', 'checks_failed'],
    ['status error → block', [run('unit-tests', 'completed', 'success')], [status('ci-test', 'error')], 'block', 'checks_failed'],
    ['a failure wins over a pending one', [run('unit-tests', 'completed', 'failure'), run('ci-test', 'in_progress')], [], 'block', 'checks_failed'],
    [
      'unrelated failing checks do not matter',
      [run('unit-tests', 'completed', 'success'), run('ci-test', 'completed', 'success'), run('lint', 'completed', 'failure')],
      [status('docs', 'error')],
      'pass',
      'checks_ok',
    ],
  ])('%s', (_label, runs, statuses, expected, code) => {
    const r = checksGate(['unit-tests', 'ci-test'], { checkRuns: runs, statuses }, { sha: SHA });
    expect(r.status).toBe(expected);
    expect(r.code).toBe(code);
  });

  it('uses the latest check run per name (a re-run that passed overrides the failure, and the other way round)', () => {
    const failedThenPassed = [
      run('unit-tests', 'completed', 'failure', { startedAt: '2026-03-02T10:00:00Z' }),
      run('unit-tests', 'completed', 'success', { startedAt: '2026-03-02T10:05:00Z' }),
    ];
    expect(checksGate(['unit-tests'], { checkRuns: failedThenPassed, statuses: [] }, { sha: SHA }).status).toBe('pass');
    const passedThenRerunning = [...failedThenPassed, run('unit-tests', 'in_progress', null, { startedAt: '2026-03-02T10:10:00Z' })];
    expect(checksGate(['unit-tests'], { checkRuns: passedThenRerunning, statuses: [] }, { sha: SHA }).status).toBe('pending');
    // started_at decides over the id (GitHub lists newest first, but ids are not a clock)
    const older = run('unit-tests', 'completed', 'failure', { startedAt: '2026-03-02T09:00:00Z' });
    expect(
      latestCheckRuns([run('unit-tests', 'completed', 'success', { id: 1, startedAt: '2026-03-02T10:00:00Z' }), older]).get('unit-tests')?.conclusion,
    ).toBe('success');
  });

  it('uses the latest status per context', () => {
    const s = [status('ci-test', 'failure', { createdAt: '2026-03-02T10:00:00Z' }), status('ci-test', 'success', { createdAt: '2026-03-02T10:01:00Z' })];
    expect(checksGate(['ci-test'], { checkRuns: [], statuses: s }, { sha: SHA }).status).toBe('pass');
    const reversed = [status('ci-test', 'success', { createdAt: '2026-03-02T10:00:00Z' }), status('ci-test', 'failure', { createdAt: '2026-03-02T10:01:00Z' })];
    expect(checksGate(['ci-test'], { checkRuns: [], statuses: reversed }, { sha: SHA }).code).toBe('checks_failed');
  });

  it('a name reported as both a check run and a status must be green both ways', () => {
    const o = requiredCheckOutcomes(['ci'], { checkRuns: [run('ci', 'completed', 'success')], statuses: [status('ci', 'failure')] });
    expect(o[0]).toMatchObject({ name: 'ci', state: 'failed', source: 'both', detail: 'failure' });
    expect(requiredCheckOutcomes(['ci'], { checkRuns: [run('ci', 'completed', 'success')], statuses: [status('ci', 'pending')] })[0]?.state).toBe('pending');
    expect(requiredCheckOutcomes(['ci'], { checkRuns: [run('ci', 'completed', 'success')], statuses: [status('ci', 'success')] })[0]?.state).toBe('green');
  });

  it('names every failing check with its link, and what is still pending', () => {
    const unit = run('unit-tests', 'completed', 'failure');
    const ci = run('ci-test', 'completed', 'timed_out');
    const lint = run('lint', 'in_progress');
    const r = checksGate(['unit-tests', 'ci-test', 'lint', 'e2e'], { checkRuns: [unit, ci, lint], statuses: [] }, { sha: SHA });
    expect(r.status).toBe('block');
    expect(r.summary).toBe(
      `Required checks failing on \`3f2a9c1\`: <${unit.url}|unit-tests> (failure), <${ci.url}|ci-test> (timed out); still waiting for <${lint.url}|lint> (in progress), \`e2e\` (not reported yet)`,
    );
    expect(r.details).toMatchObject({ failing: ['unit-tests', 'ci-test'], pending: ['lint'], missing: ['e2e'] });
  });

  it('pending lists which, with links, and how many are green', () => {
    const unit = run('unit-tests', 'queued');
    const r = checksGate(
      ['unit-tests', 'ci-test', 'docs'],
      { checkRuns: [unit], statuses: [status('docs', 'success')] },
      { sha: SHA, commitUrl: 'https://github.example/c/3f2a' },
    );
    expect(r.summary).toBe(
      `Waiting for required checks on <https://github.example/c/3f2a|\`3f2a9c1\`>: <${unit.url}|unit-tests> (queued), \`ci-test\` (not reported yet) (1/3 green)`,
    );
  });

  it('a status without target_url is named without a link', () => {
    const r = checksGate(['deploy/ci'], { checkRuns: [], statuses: [status('deploy/ci', 'error', { url: null })] }, { sha: SHA });
    expect(r.summary).toBe('Required check failing on `3f2a9c1`: `deploy/ci` (error)');
  });

  it('escapes link labels and URLs for mrkdwn', () => {
    expect(checkLink('a|b<c>', 'https://x.example/a b').text).toBe('<https://x.example/a%20b|a¦b&lt;c&gt;>');
  });
});
