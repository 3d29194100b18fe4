import type { Registry } from 'prom-client';
import type { RouteHandler } from './http-server';

/** `GET /metrics`: Prometheus text exposition of the registry. */
export function metricsRoute(registry: Registry): RouteHandler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
  };
}
