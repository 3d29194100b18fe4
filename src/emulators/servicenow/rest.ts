/**
 * The ServiceNow REST plumbing the rooms share: stored rows, the `{"error":…,"status":"failure"}`
 * answer as an exception, the route handler shape, and the `sysparm_*` readers.
 */
import { isRecord, type RequestContext } from '../emulator-base';
import type { RouteParams, RouteTable } from '../route-table';

export type Row = Record<string, string>;
export type DisplayMode = 'false' | 'true' | 'all';
export type AclOperation = 'read' | 'write' | 'create';

export const ERR_AUTH = { message: 'User Not Authenticated', detail: 'Required to provide Auth information' };
export const ERR_NO_RECORD = { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" };

export class SnHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: { message: string; detail: string | null },
    readonly headers: Record<string, string> = {},
  ) {
    super(error.message);
  }
}

export interface SnRequest {
  ctx: RequestContext;
  params: RouteParams;
  body: unknown;
  user: string;
}

export interface SnResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type SnHandler = (q: SnRequest) => SnResult;

export type SnRoutes = RouteTable<SnHandler>;

export function failure(error: { message: string; detail: string | null }): { error: { message: string; detail: string | null }; status: 'failure' } {
  return { error, status: 'failure' };
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw new SnHttpError(400, { message: 'Exception while reading request', detail: 'The payload is not valid JSON.' });
  return body;
}

export function displayMode(v: string | undefined): DisplayMode {
  return v === 'true' || v === 'all' ? v : 'false';
}

export function fieldList(v: string | undefined): string[] | undefined {
  if (!v) return undefined;
  const list = v
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}

export function httpReason(status: number): string {
  return (
    (
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        429: 'Too Many Requests',
        500: 'Internal Server Error',
        502: 'Bad Gateway',
        503: 'Service Unavailable',
        504: 'Gateway Timeout',
      } as Record<number, string>
    )[status] ?? `HTTP ${status}`
  );
}
