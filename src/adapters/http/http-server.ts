import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../app/logger';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface Route {
  method: string;
  /** Exact path, or a prefix ending in `*`. */
  path: string;
  handler: RouteHandler;
}

/** One port for everything (SPEC §5): Slack, GitHub webhooks, health, metrics, the sandbox console. */
export class HttpServer {
  private readonly routes: Route[] = [];
  readonly server: http.Server;

  constructor(private readonly logger?: Logger) {
    this.server = http.createServer((req, res) => {
      void this.dispatch(req, res);
    });
    this.server.keepAliveTimeout = 5000;
  }

  route(method: string, path: string, handler: RouteHandler): this {
    this.routes.push({ method, path, handler });
    return this;
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = this.routes.find((r) => (r.method === req.method || r.method === '*') && (r.path.endsWith('*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path));
    if (!route) {
      const known = this.routes.some((r) => (r.path.endsWith('*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path));
      res.writeHead(known ? 405 : 404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: known ? 'method not allowed' : 'not found' }));
      return;
    }
    try {
      await route.handler(req, res);
    } catch (e) {
      // nothing a handler throws may take the process down: answer if nothing was answered yet, never write after the end
      this.logger?.error({ route: route.path, err: e }, 'HTTP handler failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal error' }));
      else if (!res.writableEnded) res.end();
    }
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** A request header that is present once and not empty. */
export function headerOf(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
