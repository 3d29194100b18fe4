/**
 * Slack's refusals that retrying cannot fix: the message itself or the channel is the problem.
 * Anything else (no answer, a 5xx, `ratelimited`, `internal_error`, `fatal_error`,
 * `service_unavailable`, `request_timeout`, credentials being rotated, a code Slack adds later)
 * may succeed on another try, and may even have been applied already.
 */
const FINAL = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'message_not_found',
  'cant_update_message',
  'restricted_action',
]);

export interface SlackRefusal {
  /** Slack's `error` code, when Slack answered with one. */
  code: string | undefined;
  /** True when retrying cannot help. */
  final: boolean;
}

/** How a Slack Web API failure is to be treated: the one classification every Slack adapter uses. */
export function slackRefusal(e: unknown): SlackRefusal {
  const code = (e as { data?: { error?: unknown } } | undefined)?.data?.error;
  const known = typeof code === 'string' ? code : undefined;
  return { code: known, final: known !== undefined && FINAL.has(known) };
}
