import type { Logger } from '../../app/logger';
import { ShipgateError } from '../../shared/shipgate-error';
import { tableList, tableRecord } from './servicenow-schemas';

/**
 * ServiceNow REST client (Table API and friends) on the global fetch.
 *
 * - Auth: basic (SERVICENOW_USERNAME / SERVICENOW_PASSWORD) or an OAuth bearer token
 *   (SERVICENOW_TOKEN). Credentials are only ever put in the Authorization header; they
 *   never appear in messages or logs.
 * - Every attempt has a timeout (AbortSignal.timeout, default 10 s).
 * - Retries with exponential backoff, honouring Retry-After: reads on 429, 5xx, timeouts
 *   and network errors; writes (which may not be idempotent: a work note appends a
 *   journal entry) only on 429, 503 and refused connections, where nothing was done.
 * - Every failure is a ShipgateError('servicenow_error') whose message says what to fix:
 *   401 names the variables to check, 403 names the table and the missing permission,
 *   an unreachable instance says "ServiceNow could not be reached (<url>)".
 */

export type ServiceNowAuth = { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export interface ServiceNowClientOptions {
  /** e.g. https://acme.service-now.com */
  instanceUrl: string;
  auth: ServiceNowAuth;
  /** Per attempt, default 10 s. */
  timeoutMs?: number;
  /** Retries after the first attempt, default 3. */
  maxRetries?: number;
  /** First backoff delay, doubled per retry (default 500 ms). */
  baseDelayMs?: number;
  /** Longest wait before a retry (default 30 s); a longer Retry-After ends the retries. */
  maxDelayMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  logger?: Logger;
}

export type DisplayValue = boolean | 'all';

export interface TableQueryOptions {
  /** Encoded query (`sysparm_query`), e.g. `number=CHG0030001`. */
  query?: string;
  fields?: readonly string[];
  displayValue?: DisplayValue;
  excludeReferenceLink?: boolean;
  limit?: number;
  offset?: number;
}

export type SnRecord = Record<string, unknown>;

export interface TablePage {
  records: SnRecord[];
  /** `X-Total-Count`, when sent. */
  total?: number;
}

type Operation = 'read' | 'create' | 'update' | 'delete';
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface CallOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Table the call touches (for 403 messages). */
  table?: string;
  op?: Operation;
  /** Resolve with undefined on 404 instead of failing. */
  allowNotFound?: boolean;
}

interface Attempt {
  kind: 'response' | 'network';
  status?: number;
  body?: unknown;
  text?: string;
  headers?: Headers;
  error?: string;
  /** Nothing was processed (safe to retry a write). */
  refused?: boolean;
}

const OP_VERB: Record<Operation, string> = { read: 'read', create: 'create records in', update: 'update', delete: 'delete records in' };

export class ServiceNowClient {
  readonly instanceUrl: string;
  private readonly authHeader: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly doFetch: typeof fetch;

  constructor(private readonly o: ServiceNowClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(o.instanceUrl);
    } catch {
      throw new ShipgateError('servicenow_error', 'SERVICENOW_INSTANCE_URL is not a URL (expected e.g. https://acme.service-now.com)');
    }
    if (parsed.username || parsed.password) {
      throw new ShipgateError(
        'servicenow_error',
        'SERVICENOW_INSTANCE_URL must not contain credentials: set SERVICENOW_USERNAME and SERVICENOW_PASSWORD (or SERVICENOW_TOKEN) instead',
      );
    }
    this.instanceUrl = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
    this.authHeader =
      o.auth.kind === 'basic' ? `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`, 'utf8').toString('base64')}` : `Bearer ${o.auth.token}`;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.maxRetries = o.maxRetries ?? 3;
    this.baseDelayMs = o.baseDelayMs ?? 500;
    this.maxDelayMs = o.maxDelayMs ?? 30_000;
    this.sleep = o.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.doFetch = o.fetch ?? ((input, init) => fetch(input, init));
  }

  /** `GET /api/now/table/{table}` → the records and `X-Total-Count`. */
  async list(table: string, q: TableQueryOptions = {}): Promise<TablePage> {
    const res = await this.send('GET', `/api/now/table/${encodeURIComponent(table)}`, { query: tableParams(q), table, op: 'read' });
    const page = tableList.safeParse(res.body);
    if (!page.success) throw this.shapeError(table, Array.isArray(resultOf(res.body)) ? 'a list of records in "result"' : 'a list in "result"');
    const total = Number(res.headers?.get('x-total-count') ?? Number.NaN);
    return { records: page.data.result, ...(Number.isFinite(total) ? { total } : {}) };
  }

  /** Pages through `list` (sysparm_offset) until every record is read or `max` is reached. */
  async listAll(table: string, q: TableQueryOptions = {}, pageSize = 500, max = 10_000): Promise<SnRecord[]> {
    const out: SnRecord[] = [];
    for (let offset = q.offset ?? 0; out.length < max; offset += pageSize) {
      const page = await this.list(table, { ...q, limit: pageSize, offset });
      out.push(...page.records);
      if (page.records.length < pageSize || (page.total !== undefined && offset + pageSize >= page.total)) break;
    }
    return out.slice(0, max);
  }

  /** `GET /api/now/table/{table}/{sys_id}`; undefined when there is no such record. */
  async get(table: string, sysId: string, q: Omit<TableQueryOptions, 'query' | 'limit' | 'offset'> = {}): Promise<SnRecord | undefined> {
    const res = await this.send('GET', `/api/now/table/${encodeURIComponent(table)}/${encodeURIComponent(sysId)}`, {
      query: tableParams(q),
      table,
      op: 'read',
      allowNotFound: true,
    });
    if (res.status === 404) return undefined;
    return this.recordOf(res.body, table, 'a record in "result"');
  }

  /** `POST /api/now/table/{table}` → the created record. */
  async create(table: string, fields: Record<string, string>, q: Omit<TableQueryOptions, 'query' | 'limit' | 'offset'> = {}): Promise<SnRecord> {
    const res = await this.send('POST', `/api/now/table/${encodeURIComponent(table)}`, { query: tableParams(q), body: fields, table, op: 'create' });
    return this.recordOf(res.body, table, 'the created record in "result"');
  }

  /** `PATCH /api/now/table/{table}/{sys_id}` → the updated record. */
  async update(table: string, sysId: string, fields: Record<string, string>, q: Omit<TableQueryOptions, 'query' | 'limit' | 'offset'> = {}): Promise<SnRecord> {
    const res = await this.send('PATCH', `/api/now/table/${encodeURIComponent(table)}/${encodeURIComponent(sysId)}`, {
      query: tableParams(q),
      body: fields,
      table,
      op: 'update',
    });
    return this.recordOf(res.body, table, 'the updated record in "result"');
  }

  /** Any other REST call (e.g. the Change Management API); returns the parsed JSON body, or undefined on an allowed 404. */
  async call(method: Method, path: string, opts: CallOptions = {}): Promise<unknown> {
    const res = await this.send(method, path, opts);
    return res.status === 404 ? undefined : res.body;
  }

  // ------------------------------------------------------------------ internals

  private async send(method: Method, path: string, opts: CallOptions): Promise<Attempt> {
    const url = new URL(`${this.instanceUrl}${path}`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const safe = method === 'GET';
    let last: Attempt | undefined;
    for (let attempt = 0; ; attempt++) {
      last = await this.attempt(method, url, opts.body);
      if (last.kind === 'response' && last.status !== undefined && (last.status < 300 || (last.status === 404 && opts.allowNotFound))) return last;
      const retryable =
        last.kind === 'network'
          ? safe || last.refused === true
          : last.status === 429 || last.status === 503 || (safe && last.status !== undefined && last.status >= 500 && last.status !== 501);
      if (!retryable || attempt >= this.maxRetries) break;
      const retryAfter = last.headers ? retryAfterMs(last.headers.get('retry-after')) : undefined;
      if (retryAfter !== undefined && retryAfter > this.maxDelayMs) {
        throw new ShipgateError(
          'servicenow_error',
          `ServiceNow is ${last.status === 429 ? 'rate limiting shipgate' : 'unavailable'} (HTTP ${last.status}) and asks to retry after ${Math.ceil(retryAfter / 1000)} s (${this.instanceUrl})`,
          { status: last.status, retryAfterMs: retryAfter },
        );
      }
      const delay = retryAfter ?? Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
      this.o.logger?.warn(
        { method, path: url.pathname, status: last.status, error: last.error, attempt: attempt + 1, delayMs: delay },
        'ServiceNow request failed; retrying',
      );
      await this.sleep(delay);
    }
    throw this.failure(method, url, last, opts);
  }

  private async attempt(method: Method, url: URL, body: unknown): Promise<Attempt> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: this.authHeader, 'user-agent': 'shipgate' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.doFetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
    } catch (e) {
      return { kind: 'network', ...describeNetworkError(e, this.timeoutMs) };
    }
    let text = '';
    try {
      text = await res.text();
    } catch (e) {
      return { kind: 'network', ...describeNetworkError(e, this.timeoutMs) };
    }
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = undefined;
      }
    }
    if (res.status < 300 && text !== '' && parsed === undefined) {
      return { kind: 'response', status: 502, text, headers: res.headers, error: 'not JSON' };
    }
    return { kind: 'response', status: res.status, body: parsed, text, headers: res.headers };
  }

  private failure(method: Method, url: URL, a: Attempt | undefined, opts: CallOptions): ShipgateError {
    const where = `${method} ${url.pathname}`;
    if (!a || a.kind === 'network') {
      return new ShipgateError('servicenow_error', `ServiceNow could not be reached (${this.instanceUrl}): ${a?.error ?? 'no answer'}`, {
        request: where,
        reason: a?.error,
      });
    }
    const status = a.status ?? 0;
    const { message, detail } = snError(a.body);
    const said = [message, detail].filter(Boolean).join(': ');
    const table = opts.table;
    const d = { request: where, status, ...(message ? { snMessage: message } : {}), ...(detail ? { snDetail: detail } : {}) };
    if (a.error === 'not JSON') {
      return new ShipgateError(
        'servicenow_error',
        `ServiceNow answered ${where} with a page that is not JSON (is ${this.instanceUrl} the instance URL, and is the instance awake?)`,
        d,
      );
    }
    if (status === 401) {
      const vars =
        this.o.auth.kind === 'basic'
          ? 'check SERVICENOW_USERNAME and SERVICENOW_PASSWORD (basic auth), or set SERVICENOW_TOKEN'
          : 'check SERVICENOW_TOKEN (an OAuth access token; it may have expired), or set SERVICENOW_USERNAME and SERVICENOW_PASSWORD';
      return new ShipgateError('servicenow_error', `ServiceNow rejected shipgate's credentials (HTTP 401${said ? ` ${said}` : ''}): ${vars}`, d);
    }
    if (status === 403) {
      const op = opts.op ?? (method === 'GET' ? 'read' : method === 'POST' ? 'create' : 'update');
      const target = table ? `table ${table}` : url.pathname;
      if (said && !/ACL|not authori[sz]ed|security constraints/i.test(said)) {
        // a data policy or business rule said no: the message says what it wants
        return new ShipgateError('servicenow_error', `ServiceNow refused to ${OP_VERB[op]} ${target} (HTTP 403 ${said})`, {
          ...d,
          ...(table ? { table } : {}),
          op,
        });
      }
      return new ShipgateError(
        'servicenow_error',
        `ServiceNow refused to let shipgate ${OP_VERB[op]} ${target} (HTTP 403${said ? ` ${said}` : ''}): give the ServiceNow integration user a role whose ACL allows ${op} on ${table ?? url.pathname}`,
        { ...d, ...(table ? { table } : {}), op },
      );
    }
    if (status === 404) {
      return new ShipgateError('servicenow_error', `ServiceNow has no ${table ? `such ${table} record` : url.pathname} (HTTP 404${said ? ` ${said}` : ''})`, d);
    }
    if (status === 400 && message && /^Invalid table/i.test(message)) {
      return new ShipgateError(
        'servicenow_error',
        `ServiceNow has no table ${table ?? url.pathname} (HTTP 400 ${said}): is the plugin that provides it active on ${this.instanceUrl}?`,
        d,
      );
    }
    if (status >= 300 && status < 400) {
      const location = a.headers?.get('location') ?? '';
      return new ShipgateError(
        'servicenow_error',
        `ServiceNow redirected ${where} (HTTP ${status}${location ? ` to ${location.split('?')[0]}` : ''}): check SERVICENOW_INSTANCE_URL (the instance's own https URL, not an SSO or portal address)`,
        d,
      );
    }
    if (status === 429 || status >= 500) {
      const tries = this.maxRetries + 1;
      return new ShipgateError(
        'servicenow_error',
        `ServiceNow answered HTTP ${status}${said ? ` (${said})` : ''} to ${where}${status === 429 || method === 'GET' ? ` after ${tries} attempt${tries === 1 ? '' : 's'}` : ''} (${this.instanceUrl})`,
        d,
      );
    }
    return new ShipgateError('servicenow_error', `ServiceNow refused ${where} (HTTP ${status}${said ? ` ${said}` : ''})`, d);
  }

  private recordOf(body: unknown, table: string, what: string): SnRecord {
    const r = tableRecord.safeParse(body);
    if (!r.success) throw this.shapeError(table, what);
    return r.data.result;
  }

  private shapeError(table: string, what: string): ShipgateError {
    return new ShipgateError('servicenow_error', `ServiceNow answered a ${table} request without ${what} (${this.instanceUrl})`, { table });
  }
}

/** The Table API query parameters for `q`. */
export function tableParams(q: TableQueryOptions): Record<string, string | undefined> {
  return {
    sysparm_query: q.query,
    sysparm_fields: q.fields?.length ? q.fields.join(',') : undefined,
    sysparm_display_value: q.displayValue === undefined ? undefined : String(q.displayValue),
    sysparm_exclude_reference_link: q.excludeReferenceLink ? 'true' : undefined,
    sysparm_limit: q.limit === undefined ? undefined : String(q.limit),
    sysparm_offset: q.offset === undefined ? undefined : String(q.offset),
  };
}

function isObject(v: unknown): v is SnRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function resultOf(body: unknown): unknown {
  return isObject(body) ? body.result : undefined;
}

/** `{"error":{"message","detail"},"status":"failure"}` → its parts. */
export function snError(body: unknown): { message?: string; detail?: string } {
  if (!isObject(body) || !isObject(body.error)) return {};
  const m = body.error.message;
  const d = body.error.detail;
  return { ...(typeof m === 'string' && m ? { message: m } : {}), ...(typeof d === 'string' && d ? { detail: d } : {}) };
}

/** Retry-After as ms: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - nowMs);
}

function describeNetworkError(e: unknown, timeoutMs: number): { error: string; refused?: boolean } {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string; name?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.cause?.name === 'TimeoutError') {
    return { error: `no answer within ${timeoutMs / 1000} s` };
  }
  const code = err?.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return { error: 'connection refused', refused: true };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { error: 'host name not found', refused: true };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return { error: 'the connection was closed before an answer arrived' };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { error: 'connection timed out', refused: true };
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return { error: `TLS certificate problem (${code})`, refused: true };
    default:
      return { error: [err?.message, err?.cause?.code ?? err?.cause?.message].filter(Boolean).join(': ') || String(e) };
  }
}

/** A client from the SERVICENOW_* variables, or undefined when SERVICENOW_INSTANCE_URL is not set. */
export function serviceNowClientFromEnv(
  env: { SERVICENOW_INSTANCE_URL?: string; SERVICENOW_USERNAME?: string; SERVICENOW_PASSWORD?: string; SERVICENOW_TOKEN?: string },
  extra: Omit<ServiceNowClientOptions, 'instanceUrl' | 'auth'> = {},
): ServiceNowClient | undefined {
  if (!env.SERVICENOW_INSTANCE_URL) return undefined;
  let auth: ServiceNowAuth;
  if (env.SERVICENOW_TOKEN) auth = { kind: 'bearer', token: env.SERVICENOW_TOKEN };
  else if (env.SERVICENOW_USERNAME && env.SERVICENOW_PASSWORD) auth = { kind: 'basic', username: env.SERVICENOW_USERNAME, password: env.SERVICENOW_PASSWORD };
  else {
    throw new ShipgateError(
      'env_invalid',
      'SERVICENOW_INSTANCE_URL is set but no credentials: set SERVICENOW_USERNAME and SERVICENOW_PASSWORD, or SERVICENOW_TOKEN',
      {
        problems: ['SERVICENOW_USERNAME: missing (or set SERVICENOW_TOKEN)'],
      },
    );
  }
  return new ServiceNowClient({ instanceUrl: env.SERVICENOW_INSTANCE_URL, auth, ...extra });
}
