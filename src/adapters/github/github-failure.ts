import { ShipgateError } from '../../shared/shipgate-error';
import { isTransientError } from '../../domain/transient-error';

export function statusOf(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'status' in e ? Number((e as { status: unknown }).status) : undefined;
}

/** GitHub's own words for a failed request (message and validation errors). */
export function messageOf(e: unknown): string {
  const data = (e as { response?: { data?: { message?: string; errors?: Array<{ message?: string } | string> } } }).response?.data;
  const errors = (data?.errors ?? []).map((x) => (typeof x === 'string' ? x : x.message));
  return [data?.message, ...errors].filter(Boolean).join(': ') || (e instanceof Error ? e.message : String(e));
}

/**
 * One ShipgateError for a failed GitHub request: `unavailable` (transient: 5xx, 429, a
 * timeout, a reset, a secondary rate limit; the step is retried, after a look when it was a
 * write) or `github_error` (GitHub refused: a person must act), with what was attempted.
 */
export function githubFailure(e: unknown, what: string): ShipgateError {
  if (e instanceof ShipgateError) return e;
  const status = statusOf(e);
  const msg = messageOf(e);
  if (isTransientError(e)) return new ShipgateError('unavailable', `${what}: GitHub did not answer in time or failed (${status ?? 'no answer'}: ${msg})`, { status });
  if (status === 401) return new ShipgateError('github_error', `${what}: GitHub refused the credentials (401): check GITHUB_TOKEN or the GitHub App variables`, { status });
  if (status === 403) return new ShipgateError('github_error', `${what}: GitHub denied access (403): ${msg}`, { status });
  return new ShipgateError('github_error', `${what}: ${msg}`, { status });
}
