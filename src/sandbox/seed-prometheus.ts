/**
 * The sandbox's metrics: without PROMETHEUS_URL the sandbox starts the Prometheus emulator and
 * gives it the answer to the demo config's query (examples/sandbox/shipgate.yml, prod
 * `metrics`): an error rate of 0.004 in the source environments, so the prod card shows
 * "error rate 0.004 ≤ 0.01". Any other query (a changed config) gets no data, which blocks.
 */
import type { PrometheusEmulator } from '../emulators/prometheus-emulator';

export const DEMO_ERROR_RATE_QUERY = 'sum(rate(http_errors_total{env=~"int|test"}[1h])) / sum(rate(http_requests_total{env=~"int|test"}[1h]))';

export function seedPrometheus(prometheus: PrometheusEmulator): void {
  prometheus.setVector(DEMO_ERROR_RATE_QUERY, [{ value: 0.004 }]);
}
