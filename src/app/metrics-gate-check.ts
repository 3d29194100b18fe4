import { gate } from '../domain/gates/gate-result';
import { metricsGate, type MetricReading } from '../domain/gates/metrics-gate';
import type { GateCheck } from './gate-evaluator';
import type { MetricQueries } from './ports/metric-queries';
import { ShipgateError } from '../shared/shipgate-error';

/**
 * The `metrics` gate (environments[].metrics): one Prometheus instant query per metric, asked
 * in parallel, each compared with its bounds (domain/gates/metrics-gate). Without Prometheus
 * (PROMETHEUS_URL not set) the gate blocks saying so: fail closed. Rollbacks are not gated (a
 * rollback is what one does when the metrics are bad).
 *
 * Right before execution, when the only trouble is Prometheus not answering (timeout, refused
 * connection, 5xx) the check throws an `unavailable` error: the evaluator reports it as a
 * transient `check_failed` block, which the start step retries for a while instead of failing
 * the approved promotion at once. At request time it blocks with the reasons either way.
 */
export function metricsGateCheck(prometheus: MetricQueries | undefined): GateCheck {
  return async ({ promotion: p, env, phase }) => {
    const specs = env.metrics;
    if (!specs?.length) return undefined;
    const names = specs.map((m) => m.name);
    if (p.kind === 'rollback') return gate('metrics', 'pass', 'metrics_not_for_rollback', `Metrics (${names.join(', ')}) do not apply to a rollback`, { names });
    if (!prometheus) {
      return gate('metrics', 'block', 'metrics_not_configured', `Metrics (${names.join(', ')}) cannot be checked: PROMETHEUS_URL not set`, { names });
    }
    const readings: MetricReading[] = await Promise.all(specs.map((spec) => prometheus.instantQuery(spec.query)));
    const result = metricsGate(specs.map((spec, i) => ({ spec, reading: readings[i] ?? { kind: 'failed', error: 'no answer' } })));
    if (phase === 'execute' && result.code === 'metrics_unavailable') {
      const bad = readings.filter((r, i) => result.details?.metrics[i]?.outcome !== 'within');
      if (bad.every((r) => r.kind === 'failed' && r.transient === true)) {
        throw new ShipgateError('unavailable', `Prometheus did not answer: ${bad.map((r) => (r.kind === 'failed' ? r.error : '')).join('; ')}`);
      }
    }
    return result;
  };
}
