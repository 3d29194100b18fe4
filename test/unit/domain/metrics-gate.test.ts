import { checkMetric, formatMetricValue, metricsGate, type MetricReading, type MetricSpec } from '../../../src/domain/gates/metrics-gate';

const errRate: MetricSpec = { name: 'error rate', query: 'sum(rate(http_errors_total[1h]))', max: 0.01 };
const throughput: MetricSpec = { name: 'throughput', query: 'sum(rate(http_requests_total[5m]))', min: 10 };
const availability: MetricSpec = { name: 'availability', query: 'avg(up)', min: 0.99, max: 1 };
const vec = (...values: number[]): MetricReading => ({ kind: 'vector', series: values.map((value, i) => ({ labels: { instance: `i${i}` }, value })) });

describe('metrics gate (pure decision)', () => {
  it.each<[string, MetricSpec, MetricReading, string, string]>([
    ['one series under max', errRate, vec(0.004), 'within', 'error rate 0.004 ≤ 0.01'],
    ['exactly max passes', errRate, vec(0.01), 'within', 'error rate 0.01 ≤ 0.01'],
    ['over max', errRate, vec(0.02), 'over_max', 'error rate 0.02 &gt; 0.01 (max)'],
    ['scalar over min', throughput, { kind: 'scalar', value: 12.5 }, 'within', 'throughput 12.5 ≥ 10'],
    ['under min', throughput, vec(3), 'under_min', 'throughput 3 &lt; 10 (min)'],
    ['both bounds', availability, vec(0.995), 'within', 'availability 0.99 ≤ 0.995 ≤ 1'],
    ['both bounds, under', availability, vec(0.9), 'under_min', 'availability 0.9 &lt; 0.99 (min)'],
    ['+Inf is over any max', errRate, vec(Infinity), 'over_max', 'error rate Infinity &gt; 0.01 (max)'],
    ['empty vector: no data', errRate, vec(), 'empty', 'error rate: no data (the query returned no series)'],
    ['NaN', errRate, vec(NaN), 'not_a_number', 'error rate: the query returned NaN'],
    ['scalar NaN', errRate, { kind: 'scalar', value: NaN }, 'not_a_number', 'error rate: the query returned NaN'],
    ['several series', errRate, vec(0.001, 0.002), 'ambiguous', 'error rate: the query returned 2 series, expected one (aggregate it, e.g. with sum())'],
    ['matrix', errRate, { kind: 'unsupported', resultType: 'matrix' }, 'unsupported_result', 'error rate: result type matrix (expected a vector or a scalar)'],
    ['query failed', errRate, { kind: 'failed', error: 'bad_data: parse error' }, 'query_failed', 'error rate: the query failed: bad_data: parse error'],
  ])('%s', (_name, spec, reading, outcome, line) => {
    const m = checkMetric(spec, reading);
    expect(m.outcome).toBe(outcome);
    const g = metricsGate([{ spec, reading }]);
    expect(g.summary).toContain(line);
    const status = outcome === 'within' ? 'pass' : 'block';
    const code = outcome === 'within' ? 'metrics_ok' : outcome === 'over_max' || outcome === 'under_min' ? 'metrics_out_of_bounds' : 'metrics_unavailable';
    expect(g).toMatchObject({ gate: 'metrics', status, code });
  });

  it('every metric must pass; an unreadable one makes the gate "unavailable" even when another is out of bounds', () => {
    const ok = metricsGate([
      { spec: errRate, reading: vec(0.004) },
      { spec: throughput, reading: vec(20) },
    ]);
    expect(ok).toMatchObject({ status: 'pass', code: 'metrics_ok' });
    expect(ok.summary).toBe('Metrics within bounds: error rate 0.004 ≤ 0.01; throughput 20 ≥ 10');
    expect(ok.details?.metrics).toEqual([
      { name: 'error rate', query: errRate.query, max: 0.01, outcome: 'within', value: 0.004, labels: { instance: 'i0' } },
      { name: 'throughput', query: throughput.query, min: 10, outcome: 'within', value: 20, labels: { instance: 'i0' } },
    ]);
    const mixed = metricsGate([
      { spec: errRate, reading: vec(0.5) },
      { spec: throughput, reading: { kind: 'failed', error: 'Prometheus unreachable' } },
    ]);
    expect(mixed).toMatchObject({ status: 'block', code: 'metrics_unavailable' });
    expect(mixed.summary).toBe('Metrics could not be read (fail closed): error rate 0.5 &gt; 0.01 (max); throughput: the query failed: Prometheus unreachable');
  });

  it('names and errors are text, never markup', () => {
    const g = metricsGate([{ spec: { ...errRate, name: '<!here> rate' }, reading: { kind: 'failed', error: '<script>' } }]);
    expect(g.summary).toContain('&lt;!here&gt; rate: the query failed: &lt;script&gt;');
  });

  it.each([
    [0.004, '0.004'],
    [0.1 + 0.2, '0.3'],
    [1234567.89, '1234570'],
    [1.25e-7, '1.25e-7'],
    [42, '42'],
    [-Infinity, '-Infinity'],
  ])('formats %p as %p', (v, s) => expect(formatMetricValue(v)).toBe(s));
});
