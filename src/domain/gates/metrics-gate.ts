import { joinMd, mrk, type Mrkdwn } from '../../shared/mrkdwn';
import type { MetricCheckDetails } from './gate-details';
import { gate, type GateResultFor } from './gate-result';

/**
 * `metrics: [{name, query, max?, min?}]`: Prometheus instant queries whose value must stay
 * within bounds (SPEC §9). The caller asks Prometheus; this decides, failing closed:
 *
 * - a `scalar`, or a `vector` with exactly one series: its value is compared (`value ≤ max`,
 *   `value ≥ min`, both inclusive);
 * - a vector with no series (no data), NaN (it compares with nothing), several series (which
 *   one?), another result type (matrix, string), or a failed query (HTTP error,
 *   `status: error`, timeout, unreachable) block with the reason. `+Inf`/`-Inf` are numbers
 *   and compare as such.
 */

/** One instant query's answer as the adapter read it. */
export type MetricReading =
  | { kind: 'vector'; series: Array<{ labels: Record<string, string>; value: number }> }
  | { kind: 'scalar'; value: number }
  | { kind: 'unsupported'; resultType: string }
  /** `transient`: a timeout, a refused connection, a 5xx (Prometheus may answer next time); not bad PromQL. */
  | { kind: 'failed'; error: string; transient?: boolean };

export interface MetricSpec {
  name: string;
  query: string;
  max?: number;
  min?: number;
}

/** A number as people read it: at most 6 significant digits, no float noise ("0.004", "1.25e-7"). */
export function formatMetricValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

/** Decides one metric. */
export function checkMetric(spec: MetricSpec, reading: MetricReading): MetricCheckDetails {
  const base: MetricCheckDetails = {
    name: spec.name,
    query: spec.query,
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    outcome: 'within',
  };
  if (reading.kind === 'failed') return { ...base, outcome: 'query_failed', error: reading.error };
  if (reading.kind === 'unsupported') return { ...base, outcome: 'unsupported_result', error: `result type ${reading.resultType}` };
  let value: number;
  let labels: Record<string, string> | undefined;
  if (reading.kind === 'scalar') value = reading.value;
  else {
    if (reading.series.length === 0) return { ...base, outcome: 'empty' };
    if (reading.series.length > 1) return { ...base, outcome: 'ambiguous', series: reading.series.length };
    const only = reading.series[0]!;
    value = only.value;
    labels = only.labels;
  }
  const withValue = { ...base, value, ...(labels && Object.keys(labels).length ? { labels } : {}) };
  if (Number.isNaN(value)) return { ...withValue, outcome: 'not_a_number' };
  if (spec.max !== undefined && value > spec.max) return { ...withValue, outcome: 'over_max' };
  if (spec.min !== undefined && value < spec.min) return { ...withValue, outcome: 'under_min' };
  return withValue;
}

/** "error rate 0.004 ≤ 0.01", "error rate 0.02 > 0.01 (max)" (`>`/`<` escaped for Slack), "error rate: no data …". */
export function describeMetric(m: MetricCheckDetails): Mrkdwn {
  const v = m.value !== undefined ? formatMetricValue(m.value) : '';
  switch (m.outcome) {
    case 'within':
      if (m.min !== undefined && m.max !== undefined) return mrk`${m.name} ${formatMetricValue(m.min)} ≤ ${v} ≤ ${formatMetricValue(m.max)}`;
      return m.max !== undefined ? mrk`${m.name} ${v} ≤ ${formatMetricValue(m.max)}` : mrk`${m.name} ${v} ≥ ${formatMetricValue(m.min ?? 0)}`;
    case 'over_max':
      return mrk`${m.name} ${v} &gt; ${formatMetricValue(m.max ?? 0)} (max)`;
    case 'under_min':
      return mrk`${m.name} ${v} &lt; ${formatMetricValue(m.min ?? 0)} (min)`;
    case 'empty':
      return mrk`${m.name}: no data (the query returned no series)`;
    case 'not_a_number':
      return mrk`${m.name}: the query returned NaN`;
    case 'ambiguous':
      return mrk`${m.name}: the query returned ${m.series ?? 0} series, expected one (aggregate it, e.g. with sum())`;
    case 'unsupported_result':
      return mrk`${m.name}: ${m.error ?? 'unsupported result'} (expected a vector or a scalar)`;
    case 'query_failed':
      return mrk`${m.name}: the query failed: ${m.error ?? 'unknown error'}`;
  }
}

const BLOCKED_UNREADABLE = new Set<MetricCheckDetails['outcome']>(['empty', 'not_a_number', 'ambiguous', 'unsupported_result', 'query_failed']);

export function metricsGate(
  checks: ReadonlyArray<{ spec: MetricSpec; reading: MetricReading }>,
): GateResultFor<'metrics', 'metrics_ok' | 'metrics_out_of_bounds' | 'metrics_unavailable'> {
  const metrics = checks.map((c) => checkMetric(c.spec, c.reading));
  const lines = joinMd(metrics.map(describeMetric), '; ');
  const unreadable = metrics.filter((m) => BLOCKED_UNREADABLE.has(m.outcome));
  if (unreadable.length) return gate('metrics', 'block', 'metrics_unavailable', mrk`Metrics could not be read (fail closed): ${lines}`, { metrics });
  if (metrics.some((m) => m.outcome !== 'within')) return gate('metrics', 'block', 'metrics_out_of_bounds', mrk`Metrics out of bounds: ${lines}`, { metrics });
  return gate('metrics', 'pass', 'metrics_ok', mrk`Metrics within bounds: ${lines}`, { metrics });
}
