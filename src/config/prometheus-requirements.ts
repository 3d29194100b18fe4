import type { ShipgateConfig } from './config-schema';

/**
 * What in a config needs Prometheus (`environments[].metrics`), and the warning `config
 * validate` prints when PROMETHEUS_URL is not set: the bot still starts, but every such gate
 * blocks with "PROMETHEUS_URL not set" (fail closed) until it is.
 */

/** `environments[i].metrics: error rate, latency (prod)` for each environment with metrics. */
export function metricsSettings(config: Pick<ShipgateConfig, 'environments'>): string[] {
  const lines: string[] = [];
  config.environments.forEach((e, i) => {
    if (e.metrics?.length) lines.push(`environments[${i}].metrics: ${e.metrics.map((m) => m.name).join(', ')} (${e.name})`);
  });
  return lines;
}

/** Warning lines (without the "warning: " prefix); empty when nothing needs Prometheus or PROMETHEUS_URL is set. */
export function prometheusWarnings(config: Pick<ShipgateConfig, 'environments'>, env: { PROMETHEUS_URL?: string | undefined }): string[] {
  const settings = metricsSettings(config);
  if (!settings.length || env.PROMETHEUS_URL) return [];
  return settings.map((s) => `${s}: PROMETHEUS_URL not set; this metrics gate blocks every promotion until it is`);
}
