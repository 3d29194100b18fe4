import { text, type Mrkdwn } from './mrkdwn';

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
  | 'databricks_error'
  | 'redis_unavailable'
  /** A service did not answer or answered 5xx/429 (transient: the step is retried). */
  | 'unavailable'
  | 'internal';

/**
 * The one coded error type of shipgate. `message` is written for the person who will read it:
 * a plain string is text (shown escaped: it may echo what they typed); markup (a mention, a
 * link) is given as `Mrkdwn` and kept in `markup`, with `message` its text for the logs.
 */
export class ShipgateError extends Error {
  readonly markup?: Mrkdwn;
  constructor(
    readonly code: ErrorCode,
    message: string | Mrkdwn,
    readonly details: Record<string, unknown> = {},
  ) {
    super(typeof message === 'string' ? message : message.text);
    if (typeof message !== 'string') this.markup = message;
    this.name = 'ShipgateError';
  }

  /** What the person reads in Slack. */
  get display(): Mrkdwn {
    return this.markup ?? text(this.message);
  }
}

export function isShipgateError(e: unknown): e is ShipgateError {
  return e instanceof ShipgateError;
}
