import { countedRuns, cyclesGate, nextExpected, type CycleRunInput, type CyclesGateInput } from '../../../src/domain/gates/cycles-gate';

const SHA = 'abcdef1234567890abcdef1234567890abcdef12';
const DEPLOYED = new Date('2026-03-02T10:00:00.400Z');
const run = (id: number, at: string, runNumber = id): CycleRunInput => ({ id, runNumber, url: `https://github.test/acme/markets/actions/runs/${id}`, createdAt: new Date(at) });

function input(patch: Partial<CyclesGateInput>): CyclesGateInput {
  return {
    sha: SHA,
    from: 'int',
    to: 'prod',
    workflow: 'surveillance-pipeline.yml',
    count: 2,
    deployed: { at: DEPLOYED, source: 'shipgate', reference: 'p-1' },
    runs: [],
    now: new Date('2026-03-02T12:30:00Z'),
    timeZone: 'Europe/London',
    ...patch,
  };
}

describe('cycles gate (pure decision)', () => {
  it.each<[string, Partial<CyclesGateInput>, { status: string; code: string; have?: number; next?: string }]>([
    ['never deployed in the source: blocks', { deployed: undefined }, { status: 'block', code: 'cycles_never_deployed' }],
    ['no run yet: pending, no estimate', { runs: [] }, { status: 'pending', code: 'cycles_pending', have: 0 }],
    [
      'one run: pending, next = run + (run − deploy)',
      { runs: [run(1, '2026-03-02T11:00:00Z')] },
      { status: 'pending', code: 'cycles_pending', have: 1, next: '2026-03-02T12:00:00.000Z' },
    ],
    [
      'two runs of three: next = last + last interval',
      { count: 3, runs: [run(2, '2026-03-02T12:00:00Z'), run(1, '2026-03-02T11:00:00Z')] },
      { status: 'pending', code: 'cycles_pending', have: 2, next: '2026-03-02T13:00:00.000Z' },
    ],
    ['enough runs: pass', { runs: [run(1, '2026-03-02T11:00:00Z'), run(2, '2026-03-02T12:00:00Z')] }, { status: 'pass', code: 'cycles_ok', have: 2 }],
    ['more than enough: pass', { count: 1, runs: [run(1, '2026-03-02T11:00:00Z'), run(2, '2026-03-02T12:00:00Z')] }, { status: 'pass', code: 'cycles_ok', have: 2 }],
    [
      'runs before the deploy do not count',
      { runs: [run(1, '2026-03-02T09:59:59Z'), run(2, '2026-03-02T11:00:00Z')] },
      { status: 'pending', code: 'cycles_pending', have: 1, next: '2026-03-02T12:00:00.000Z' },
    ],
    ['a run in the second of the deploy counts (GitHub has whole seconds)', { count: 1, runs: [run(1, '2026-03-02T10:00:00Z')] }, { status: 'pass', code: 'cycles_ok', have: 1 }],
    ['the same run listed twice counts once', { runs: [run(1, '2026-03-02T11:00:00Z'), run(1, '2026-03-02T11:00:00Z')] }, { status: 'pending', code: 'cycles_pending', have: 1, next: '2026-03-02T12:00:00.000Z' }],
  ])('%s', (_name, patch, want) => {
    const r = cyclesGate(input(patch));
    expect(r).toMatchObject({ gate: 'cycles', status: want.status, code: want.code });
    if (want.have !== undefined) expect(r.details).toMatchObject({ have: want.have });
    if (r.code === 'cycles_pending') expect(r.details?.nextExpectedAt).toBe(want.next);
  });

  it('pending says "1 of 2 cycles" with the run link and when the next is expected, in the config zone', () => {
    const r = cyclesGate(input({ runs: [run(7, '2026-03-02T11:00:00Z', 3)], now: new Date('2026-03-02T11:30:00Z') }));
    expect(r.summary).toBe(
      '1 of 2 cycles: `surveillance-pipeline.yml` on `abcdef1` in `int` since it was deployed there Mon 2 Mar 10:00 GMT (2026-03-02T10:00:00.400Z): <https://github.test/acme/markets/actions/runs/7|#3>; next expected around Mon 2 Mar 12:00 GMT (in 30m)',
    );
  });

  it('an estimate in the past is reported as overdue; in the future with the time left', () => {
    const runs = [run(1, '2026-03-02T11:00:00Z')];
    expect(cyclesGate(input({ runs, now: new Date('2026-03-02T13:00:00Z') })).summary).toContain('next was expected around Mon 2 Mar 12:00 GMT (overdue)');
    expect(cyclesGate(input({ runs, now: new Date('2026-03-02T11:30:00Z') })).summary).toContain('next expected around Mon 2 Mar 12:00 GMT (in 30m)');
    expect(cyclesGate(input({ runs: [] })).summary).toContain('; no run yet');
  });

  it('pass lists the runs that counted', () => {
    const r = cyclesGate(input({ runs: [run(1, '2026-03-02T11:00:00Z'), run(2, '2026-03-02T12:00:00Z')] }));
    expect(r.summary).toContain('2 of 2 cycles: `surveillance-pipeline.yml` succeeded on `abcdef1` in `int`');
    expect(r.summary).toContain('<https://github.test/acme/markets/actions/runs/1|#1>, <https://github.test/acme/markets/actions/runs/2|#2>');
    expect(r.details).toMatchObject({ deployedAt: DEPLOYED.toISOString(), source: 'shipgate', reference: 'p-1', runs: [{ id: 1 }, { id: 2 }] });
  });

  it('a workflow name is text, never markup', () => {
    const r = cyclesGate(input({ workflow: '<!channel>.yml' }));
    expect(r.summary).toContain('&lt;!channel&gt;.yml');
  });

  it('helpers: counted runs oldest first, no estimate from a zero interval', () => {
    expect(countedRuns([run(2, '2026-03-02T12:00:00Z'), run(1, '2026-03-02T11:00:00Z')], DEPLOYED).map((r) => r.id)).toEqual([1, 2]);
    expect(nextExpected([run(1, '2026-03-02T11:00:00Z'), run(2, '2026-03-02T11:00:00Z')], DEPLOYED)).toBeUndefined();
    expect(nextExpected([], DEPLOYED)).toBeUndefined();
  });
});
