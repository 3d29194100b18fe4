import type { Logger } from '../../app/logger';
import { mrk, type Mrkdwn } from '../../shared/mrkdwn';
import { isShipgateError } from '../../shared/shipgate-error';

/**
 * The one place errors become what a person reads in Slack. A message is text (it may echo
 * what they typed, so it is escaped) unless the error carries markup (a mention, a link).
 */
export function userMessage(e: unknown, logger: Logger, context: Record<string, unknown> = {}): Mrkdwn {
  if (isShipgateError(e)) {
    if (e.code === 'internal' || e.code === 'redis_unavailable') logger.error({ ...context, code: e.code, err: e }, 'request failed');
    else logger.info({ ...context, code: e.code, reason: e.message }, 'request refused');
    const icon = e.code === 'not_authorized' || e.code === 'separation_of_duties' ? ':lock:' : ':warning:';
    return mrk`${icon} ${e.display}`;
  }
  const ref = Math.random().toString(36).slice(2, 8);
  logger.error({ ...context, ref, err: e }, 'unexpected error');
  return mrk`:boom: Something went wrong on shipgate's side (ref \`${ref}\`). Check the promotion's message before retrying, or ask an admin to check the logs for that ref.`;
}
