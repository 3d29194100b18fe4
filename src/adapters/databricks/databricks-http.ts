import { z } from 'zod';
import { ShipgateError } from '../../shared/shipgate-error';

/** Every Databricks REST API error answers `{error_code, message}`. */
const errorAnswer = z.looseObject({ error_code: z.string().optional(), message: z.string().optional() });

export interface DatabricksHttpOptions {
  host: string;
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * One call to the workspace's REST API with the bearer token. Unreachable, timed out, 5xx or
 * 429: ShipgateError `unavailable` (transient, retried); 401/403: the token is refused; other
 * 4xx: `databricks_error` with Databricks' own message.
 */
export async function databricksRequest(o: DatabricksHttpOptions, method: 'GET' | 'POST', path: string, what: string, body?: unknown): Promise<Response> {
  const url = `${o.host.replace(/\/$/, '')}${path}`;
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, {
      method,
      headers: { authorization: `Bearer ${o.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
  } catch (e) {
    throw new ShipgateError('unavailable', `Databricks could not be reached for ${what} (${o.host}): ${e instanceof Error ? e.message : String(e)}`, { host: o.host });
  }
  if (res.ok) return res;
  const text = await res.text().catch(() => '');
  let parsed: z.output<typeof errorAnswer> | undefined;
  try {
    const r = errorAnswer.safeParse(JSON.parse(text));
    parsed = r.success ? r.data : undefined;
  } catch {
    parsed = undefined;
  }
  const said = parsed?.message ? `: ${parsed.message}${parsed.error_code ? ` (${parsed.error_code})` : ''}` : '';
  if (res.status >= 500 || res.status === 429) throw new ShipgateError('unavailable', `Databricks answered ${res.status} for ${what}${said}`, { status: res.status });
  if (res.status === 401 || res.status === 403) throw new ShipgateError('databricks_error', `Databricks refused the token (${res.status}) for ${what}${said}: check DATABRICKS_TOKEN`, { status: res.status });
  throw new ShipgateError('databricks_error', `Databricks refused ${what} (${res.status})${said}`, { status: res.status, ...(parsed?.error_code ? { errorCode: parsed.error_code } : {}) });
}

/** The answer's JSON validated by `schema`; a page that is not JSON or has another shape is a permanent `databricks_error`. */
export async function databricksJson<S extends z.ZodType>(res: Response, schema: S, what: string): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ShipgateError('databricks_error', `Databricks answered ${what} with a page that is not JSON (is DATABRICKS_HOST the workspace URL?)`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ShipgateError('databricks_error', `Databricks answered ${what} in an unexpected shape (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'})`);
  }
  return parsed.data;
}
