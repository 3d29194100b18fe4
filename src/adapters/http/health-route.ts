import { sendJson, type RouteHandler } from './http-server';

/** `GET /healthz`: the process answers (liveness), with its role. */
export function healthRoute(role: string): RouteHandler {
  return (_req, res) => sendJson(res, 200, { status: 'ok', role });
}
