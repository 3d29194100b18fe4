import type { MetricReading } from '../../domain/gates/metrics-gate';

/**
 * Prometheus instant queries for the `metrics` gate. Never throws: whatever goes wrong (HTTP
 * error, `status: error`, timeout, unreachable, an answer that is not Prometheus's) is a
 * `failed` reading with the reason, so the gate blocks saying why.
 */
export interface MetricQueries {
  instantQuery(query: string): Promise<MetricReading>;
}
