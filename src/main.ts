import type { Worker } from 'bullmq';
import { ShipgateError } from './shared/shipgate-error';
import { buildAdapters } from './wiring/build-adapters';
import { buildSharedUseCases, buildWebUseCases, buildWorkerUseCases } from './wiring/build-use-cases';
import { buildSlackApp, type SlackApp } from './wiring/build-slack-app';
import { startWorkers } from './wiring/build-workers';
import { buildHttp } from './wiring/build-http';
import { InflightWork, within } from './wiring/inflight-work';
import type { Shipgate, ShipgateOptions } from './wiring/shipgate-options';

export type { Shipgate, ShipgateOptions } from './wiring/shipgate-options';
export { commitUrlFor } from './adapters/github/commit-url';

/**
 * The composition root: builds the adapters and use-cases once (src/wiring/) for a role, starts
 * the Slack app, the workers and the HTTP server, and returns a bounded close().
 */
export async function startShipgate(o: ShipgateOptions): Promise<Shipgate> {
  const { env, logger } = o;
  const a = buildAdapters(o);
  const shared = buildSharedUseCases(a, o);
  const inflight = new InflightWork();
  let slack: SlackApp | undefined;
  let workers: Worker[] = [];
  if (o.role !== 'worker') slack = buildSlackApp(a, buildWebUseCases(a, shared, o), o, inflight.track);
  if (o.role !== 'web') workers = await startWorkers(a, shared, buildWorkerUseCases(a, shared, o), o, inflight.track);
  const server = buildHttp(a, shared, o, slack?.route, slack?.socketConnected);

  const grace = o.shutdownGraceMs ?? 3000;
  /**
   * Bounded whatever Slack, GitHub or Redis do: stop taking work, give what runs `grace` ms,
   * then close Redis (so abandoned work cannot record anything half-done) and abort the
   * outbound calls still waiting for an answer.
   */
  const close = async (listening: boolean) => {
    a.slack.auth.stop();
    const stopping: Array<Promise<unknown>> = [];
    if (listening) stopping.push(server.close());
    if (slack?.socketMode) stopping.push(slack.stop());
    for (const w of workers) stopping.push(w.pause(true)); // no new jobs; running ones keep going
    await within(1000, Promise.allSettled(stopping));
    if (!(await inflight.settled(grace))) {
      logger.warn({ abandoned: inflight.size, outboundCallsWaiting: a.outbound.inFlight, graceMs: grace }, 'work still running at shutdown is abandoned (a worker job is resumed by the next worker)');
    }
    await within(1500, Promise.allSettled(workers.map((w) => w.close(true))));
    await within(1000, a.queue.close());
    a.disconnect();
  };
  let port: number;
  const host = o.host ?? env.HOST;
  try {
    port = await server.listen(env.PORT, host);
    if (slack?.socketMode) await slack.app.start();
  } catch (e) {
    // nothing may keep the process alive after a failed start (port taken, Socket Mode refused)
    await close(false);
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'EADDRINUSE' ? new ShipgateError('internal', `port ${env.PORT} is already in use: stop what uses it or set PORT`) : e;
  }
  logger.info({ host, port, role: o.role, socketMode: Boolean(env.SLACK_APP_TOKEN) }, 'shipgate started');

  const { redis, keys, repo, audit, history, queue } = a;
  const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { url: `http://${local}:${port}`, port, redis, keys, repo, audit, history, queue, workers, slackAuth: a.slack.auth, close: () => close(true) };
}
