import { verifyWithFallback } from '@octokit/webhooks-methods';

/**
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, rawBody)>`, checked with Octokit's
 * webhook methods (constant-time). `secrets` is the current secret first, then any previous
 * one still accepted while a rotation is under way (`GITHUB_WEBHOOK_SECRET_PREVIOUS`).
 */
export async function verifyWebhookSignature(secrets: string | readonly string[], rawBody: Buffer, header: string | undefined): Promise<boolean> {
  const [current, ...previous] = typeof secrets === 'string' ? [secrets] : secrets;
  if (!current || !header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  try {
    return await verifyWithFallback(current, rawBody.toString('utf8'), header, previous);
  } catch {
    return false;
  }
}
