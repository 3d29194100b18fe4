/**
 * The sandbox's Prometheus emulator answers in the documented shape: read by the same adapter
 * (and zod schema) the bot uses against a real Prometheus.
 */
import { PrometheusMetricQueries, prometheusQueryResponse } from '../../src/adapters/prometheus/prometheus-metric-queries';
import { PrometheusEmulator } from '../../src/emulators/prometheus-emulator';

describe('Prometheus emulator', () => {
  const emu = new PrometheusEmulator({ now: () => Date.parse('2026-03-02T10:00:00Z') });
  let q: PrometheusMetricQueries;
  beforeAll(async () => {
    q = new PrometheusMetricQueries({ baseUrl: await emu.start() });
    emu.setVector('sum(rate(errors[1h]))', [{ value: 0.004 }]);
    emu.setVector('errors', [{ labels: { env: 'int' }, value: 1 }, { labels: { env: 'prod' }, value: NaN }]);
    emu.setScalar('scalar(x)', Infinity);
  });
  afterAll(async () => {
    await emu.stop();
  });

  it.each([
    ['sum(rate(errors[1h]))', { kind: 'vector', series: [{ labels: {}, value: 0.004 }] }],
    ['errors', { kind: 'vector', series: [{ labels: { env: 'int' }, value: 1 }, { labels: { env: 'prod' }, value: NaN }] }],
    ['scalar(x)', { kind: 'scalar', value: Infinity }],
    ['unknown_metric', { kind: 'vector', series: [] }],
    ['sum(rate(errors[1h])', { kind: 'failed', error: 'bad_data: invalid parameter "query": 1:21: parse error: unclosed "(" (HTTP 400)', transient: false }],
    ['x{env="int}', { kind: 'failed', error: 'bad_data: invalid parameter "query": 1:11: parse error: unterminated quoted string (HTTP 400)', transient: false }],
  ])('%s', async (query, reading) => {
    expect(await q.instantQuery(query)).toEqual(reading);
  });

  it('bodies match the documented shape, timestamps in unix seconds on its clock', async () => {
    const res = await fetch(`${emu.url}/api/v1/query?query=${encodeURIComponent('sum(rate(errors[1h]))')}`);
    const body: unknown = await res.json();
    expect(prometheusQueryResponse.safeParse(body).success).toBe(true);
    expect(body).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Date.parse('2026-03-02T10:00:00Z') / 1000, '0.004'] }] } });
  });
});
