import { createHmac } from 'node:crypto';

/**
 * Slack request signature (v0): `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{rawBody}`
 * keyed with the app's signing secret. Sent as `x-slack-signature` together with
 * `x-slack-request-timestamp` (unix seconds).
 */
export function signSlackRequest(signingSecret: string, timestampSeconds: number, rawBody: string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestampSeconds}:${rawBody}`);
  return `v0=${hmac.digest('hex')}`;
}
