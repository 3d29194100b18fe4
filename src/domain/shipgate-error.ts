/** Every failure shipgate reports to a person carries one of these codes. */
export type ErrorCode =
  | 'config_invalid'
  | 'env_invalid'
  | 'bad_command'
  | 'unknown_service'
  | 'unknown_environment'
  | 'bad_path'
  | 'bad_option'
  | 'not_authorized'
  | 'separation_of_duties'
  | 'not_found'
  | 'invalid_state'
  | 'locked'
  | 'github_error'
  | 'slack_error'
  | 'servicenow_error'
  | 'redis_unavailable'
  /** A service did not answer or answered 5xx/429 (transient: the step is retried). */
  | 'unavailable'
  | 'internal';

/** The one coded error type of shipgate. `message` is written for the person who will read it. */
export class ShipgateError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ShipgateError';
  }
}

export function isShipgateError(e: unknown): e is ShipgateError {
  return e instanceof ShipgateError;
}
