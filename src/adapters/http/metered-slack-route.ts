import type { ShipgateMetrics } from '../metrics/shipgate-metrics';
import type { RouteHandler } from './http-server';

/** `POST /slack/events` counted and timed: ack latency as Slack sees it (request arrival → HTTP response). */
export function meteredSlackRoute(slackRoute: RouteHandler, metrics: Pick<ShipgateMetrics, 'ack' | 'commands'>): RouteHandler {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const kind = String(req.headers['content-type'] ?? '').includes('json') ? 'event' : 'command_or_interaction';
    res.on('finish', () => metrics.ack.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9));
    metrics.commands.inc({ kind });
    return slackRoute(req, res);
  };
}
