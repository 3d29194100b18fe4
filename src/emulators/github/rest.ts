/**
 * What every room of the GitHub emulator shares to answer REST calls: the handler types
 * registered on the route table, GitHub's error answers (`GhError`, 422 "Validation Failed")
 * and helpers to read request values and paginate lists.
 */
import type { RequestContext } from '../emulator-base';
import type { RouteParams, RouteTable } from '../route-table';

export type Json = Record<string, unknown>;

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One REST call as a route handler sees it. */
export interface Req {
  ctx: RequestContext;
  params: RouteParams;
  query: Record<string, string>;
  body: Json;
  login: string;
}

export type Handler = (req: Req) => HandlerResult;
export type GitHubRoutes = RouteTable<Handler>;

export const DOCS = 'https://docs.github.com/rest';

/** A GitHub error answer: status, message, extra fields and the documentation URL. */
export class GhError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Json = {},
    readonly documentationUrl = DOCS,
  ) {
    super(message);
  }
}

export function validationFailed(errors: Json[]): GhError {
  return new GhError(422, 'Validation Failed', { errors });
}

export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export function optStr(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : str(value);
}

export function paginate<T>(list: T[], query: Record<string, string>): T[] {
  const perPage = Math.min(Math.max(Number(query.per_page ?? 30) || 30, 1), 100);
  const page = Math.max(Number(query.page ?? 1) || 1, 1);
  return list.slice((page - 1) * perPage, page * perPage);
}
