import type http from 'node:http';
import getRawBody from 'raw-body';

export type BodyResult = { ok: true; raw: Buffer } | { ok: false; status: 400 | 413; error: string };

/**
 * Reads a request body of at most `limit` bytes. A declared Content-Length over the limit is refused
 * before a byte is read; a body that grows past it stops being read there (raw-body pauses the stream).
 * Either way the caller answers with {@link refuse}, which closes the connection instead of draining it.
 */
export async function readBody(req: http.IncomingMessage, limit: number): Promise<BodyResult> {
  try {
    const length = req.headers['content-length'];
    return { ok: true, raw: await getRawBody(req, { limit, ...(length !== undefined ? { length } : {}) }) };
  } catch (e) {
    const err = e as getRawBody.RawBodyError;
    if (err.type === 'entity.too.large') return { ok: false, status: 413, error: `body larger than ${limit} bytes` };
    return { ok: false, status: 400, error: `could not read the body (${err.type ?? err.message})` };
  }
}

/** How long a refused connection stays open so the client reads the answer before the connection is reset. */
const LINGER_MS = 1000;

/**
 * Answers a request whose body was not (fully) read, without reading more of it. Node would drain
 * (read and discard) an unread body once the answer is sent; `read(0)` marks the request as being
 * consumed and `pause()` stops it, so at most one buffer more is read. The connection is destroyed
 * shortly after the answer went out: closing at once, with the client's bytes still arriving, resets
 * the connection and the client may lose the answer.
 */
export function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  req.read(0);
  req.pause();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body), () => setTimeout(() => req.socket.destroy(), LINGER_MS).unref());
}
