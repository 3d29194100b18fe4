import { HttpServer } from '../adapters/http/http-server';
import { githubWebhookRoute } from '../adapters/http/github-webhook-route';
import { meteredSlackRoute } from '../adapters/http/metered-slack-route';
import { metricsRoute } from '../adapters/http/metrics-route';
import { healthRoute } from '../adapters/http/health-route';
import { readinessRoute } from '../adapters/http/readiness-route';
import type { RouteHandler } from '../adapters/http/http-server';
import type { Adapters } from './build-adapters';
import type { SharedUseCases } from './build-use-cases';
import type { ShipgateOptions } from './shipgate-options';

/** One port for every route (SPEC §5): Slack events (HTTP mode), GitHub webhooks, metrics, health, readiness, extras. */
export function buildHttp(a: Adapters, s: SharedUseCases, o: ShipgateOptions, slackRoute: RouteHandler | undefined, socketConnected?: () => boolean): HttpServer {
  const { env, logger } = o;
  const server = new HttpServer(logger);
  if (slackRoute) server.route('POST', '/slack/events', meteredSlackRoute(slackRoute, a.metrics));
  // answered by a worker job (retried when GitHub fails), never inline in the webhook request
  server.route(
    'POST',
    '/github/webhooks',
    githubWebhookRoute({
      secret: env.GITHUB_WEBHOOK_SECRET,
      previousSecret: env.GITHUB_WEBHOOK_SECRET_PREVIOUS,
      once: a.once,
      events: s.githubEvents,
      protection: { handle: (e) => a.queue.enqueueProtectionAnswer(e) },
      logger,
    }),
  );
  server.route('GET', '/metrics', metricsRoute(a.metrics.registry));
  server.route('GET', '/healthz', healthRoute(o.role));
  server.route('GET', '/readyz', readinessRoute({ ping: () => a.redis.ping(), slackAuth: a.slack.auth, services: o.config.services.length, ...(socketConnected ? { socketConnected } : {}) }));
  o.extraRoutes?.(server);
  return server;
}
