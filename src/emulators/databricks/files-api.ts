/**
 * Files API 2.0 on Unity Catalog volumes: `GET /api/2.0/fs/files/Volumes/<catalog>/<schema>/<volume>/…`
 * streams the file (`application/octet-stream`), `HEAD` answers its length; a missing file is
 * 404 NOT_FOUND, a path outside `/Volumes/` is 400.
 */
import type { RouteTable } from '../route-table';
import { DbxHttpError, type DbxHandler } from './rest';
import type { DatabricksState } from './state';

export class FilesApi {
  constructor(private readonly state: DatabricksState) {}

  register(routes: RouteTable<DbxHandler>): void {
    routes.add('GET', '/api/2.0/fs/files/:path*', (ctx, params) => {
      const file = this.file(params.path ?? '');
      ctx.res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.length), 'last-modified': new Date(0).toUTCString() });
      ctx.res.end(file);
    });
    routes.add('HEAD', '/api/2.0/fs/files/:path*', (ctx, params) => {
      const file = this.file(params.path ?? '');
      ctx.res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.length) });
      ctx.res.end();
    });
  }

  private file(rest: string): Buffer {
    const path = `/${rest}`;
    if (!/^\/Volumes\/[^/]+\/[^/]+\/[^/]+\/.+/.test(path)) throw new DbxHttpError(400, 'INVALID_PARAMETER_VALUE', `Invalid path: ${path} (expected /Volumes/<catalog>/<schema>/<volume>/<path>)`);
    const file = this.state.files.get(path);
    if (!file) throw new DbxHttpError(404, 'NOT_FOUND', 'The file being accessed is not found.');
    return file;
  }
}
