import { gate } from '../domain/gates/gate-result';
import { metricsGate } from '../domain/gates/metrics-gate';
import type { GateCheck } from './gate-evaluator';
import type { MetricQueries } from './ports/metric-queries';

/**
 * The `metrics` gate (environments[].metrics): one Prometheus instant query per metric, asked
 * in parallel, each compared with its bounds (domain/gates/metrics-gate). Without Prometheus
 * (PROMETHEUS_URL not set) the gate blocks saying so: fail closed. Rollbacks are not gated (a
 * rollback is what one does when the metrics are bad).
 */
export function metricsGateCheck(prometheus: MetricQueries | undefined): GateCheck {
  return async ({ promotion: p, env }) => {
    const specs = env.metrics;
    if (!specs?.length) return undefined;
    const names = specs.map((m) => m.name);
    if (p.kind === 'rollback') return gate('metrics', 'pass', 'metrics_not_for_rollback', `Metrics (${names.join(', ')}) do not apply to a rollback`, { names });
    if (!prometheus) {
      return gate('metrics', 'block', 'metrics_not_configured', `Metrics (${names.join(', ')}) cannot be checked: PROMETHEUS_URL not set`, { names });
    }
    const readings = await Promise.all(specs.map((spec) => prometheus.instantQuery(spec.query)));
    return metricsGate(specs.map((spec, i) => ({ spec, reading: readings[i] ?? { kind: 'failed', error: 'no answer' } })));
  };
}
