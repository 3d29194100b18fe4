import { ShipgateError } from '../shared/shipgate-error';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * Is this failure worth retrying (the service may answer next time), rather than a
 * permanent refusal? Transient: timeouts, resets and refused connections, HTTP 5xx and
 * 429, Redis connection loss, and ShipgateErrors coded `unavailable` / `redis_unavailable`.
 * Permanent: other 4xx answers and every other ShipgateError (a person must act).
 */
export function isTransientError(e: unknown): boolean {
  if (e instanceof ShipgateError) return e.code === 'unavailable' || e.code === 'redis_unavailable';
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { name?: unknown; code?: unknown; status?: unknown; message?: unknown; cause?: unknown };
  const message = typeof err.message === 'string' ? err.message : '';
  if (typeof err.status === 'number') return err.status >= 500 || err.status === 429 || err.status === 408 || (err.status === 403 && /rate limit/i.test(message));
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || err.name === 'MaxRetriesPerRequestError') return true;
  if (typeof err.code === 'string' && NETWORK_CODES.has(err.code)) return true;
  if (/Connection is closed|Stream isn't writeable|max retries per request|fetch failed|socket hang up|other side closed/i.test(message)) return true;
  return err.cause !== undefined && err.cause !== e && isTransientError(err.cause);
}
