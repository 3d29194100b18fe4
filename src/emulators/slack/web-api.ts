/**
 * The Slack Web API's plumbing: the `{ ok: false, error }` answer as an exception, the
 * arguments of a call (form or JSON), the table of method handlers rooms register on, and
 * the small value readers every room uses.
 */
import { createHash } from 'node:crypto';
import { isRecord, parseBody } from '../emulator-base';

export type ApiResult = Record<string, unknown> & { ok: boolean };
export type Args = Record<string, unknown>;

/** One Web API method (`chat.postMessage`, …): arguments in, the JSON answer out. */
export type SlackMethod = (args: Args) => ApiResult | Promise<ApiResult>;

/** Method name → handler; each room adds the methods it holds. */
export type MethodTable = Map<string, SlackMethod>;

export interface SlackFault {
  /** `error` for an `{ok:false}` answer; status 429 answers with `Retry-After`. */
  error?: string;
  status?: number;
  retryAfter?: number;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'user_auth_blocks']);

/** Thrown by a handler: answered as `{ ok: false, error: code, ...extra }`. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export function optStr(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return str(value);
}

export function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    const parsed = safeJson(value);
    return Array.isArray(parsed) ? parsed : [];
  }
  return [];
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function shortHash(input: string, length = 6): string {
  return createHash('sha1').update(input).digest('hex').slice(0, length);
}

export function redactToken(args: Args): Args {
  if (!('token' in args)) return args;
  return { ...args, token: '[redacted]' };
}

/** Web API arguments from a form or JSON body (form fields like `blocks` hold JSON strings). */
export function parseApiArgs(raw: Buffer, contentType: string | undefined, query: Record<string, string>): Args {
  const parsed = parseBody(raw, contentType);
  const args: Args = { ...query };
  if (isRecord(parsed)) {
    const isForm = (contentType ?? '').toLowerCase().includes('x-www-form-urlencoded');
    for (const [k, v] of Object.entries(parsed)) {
      if (isForm && typeof v === 'string' && JSON_FIELDS.has(k)) {
        const json = safeJson(v);
        args[k] = json === undefined ? v : json;
      } else {
        args[k] = v;
      }
    }
  }
  return args;
}
