import type { Logger } from '../../app/logger';
import type { OnceGuard } from '../../app/ports/once-guard';
import type { ProtectionRuleEvent } from '../../app/ports/protection-rules';
import type { GitHubEvent } from '../../app/handle-github-event';
import { readGitHubEvent } from '../github/github-webhook-event';
import { githubWebhookPayload, protectionRuleEvent } from '../github/webhook-payload';
import { verifyWebhookSignature } from '../github/webhook-signature';
import { headerOf, sendJson, type RouteHandler } from './http-server';
import { readBody, refuse } from './read-body';

/** GitHub caps webhook payloads at 25 MB; nothing larger is read. */
export const GITHUB_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

export interface GitHubWebhookRouteDeps {
  /** `GITHUB_WEBHOOK_SECRET`; without it the route answers 503. */
  secret: string | undefined;
  /** `GITHUB_WEBHOOK_SECRET_PREVIOUS`: also accepted while the secret is being rotated. */
  previousSecret?: string | undefined;
  once: OnceGuard;
  /** Keeps what the event says and wakes the promotions waiting on it. */
  events: { handle(e: GitHubEvent): Promise<unknown> };
  protection: { handle(e: ProtectionRuleEvent): Promise<unknown> };
  logger: Logger;
  maxBodyBytes?: number;
}

/**
 * `POST /github/webhooks`. In order, each step before the next: a secret is configured; the request
 * carries `X-Hub-Signature-256` (else 401 without reading the body); the body fits in 25 MB (else 413
 * and it stops being read); the signature matches; the event and delivery headers and the payload are
 * what GitHub sends (zod; else 400). Only then 202, and the work after the answer never throws.
 */
export function githubWebhookRoute(d: GitHubWebhookRouteDeps): RouteHandler {
  const limit = d.maxBodyBytes ?? GITHUB_MAX_PAYLOAD_BYTES;
  return async (req, res) => {
    if (!d.secret) return refuse(req, res, 503, { error: 'GITHUB_WEBHOOK_SECRET is not set; webhooks are disabled' });
    const signature = headerOf(req, 'x-hub-signature-256');
    if (!signature) return refuse(req, res, 401, { error: 'missing X-Hub-Signature-256' });
    const body = await readBody(req, limit);
    if (!body.ok) return refuse(req, res, body.status, { error: body.error });
    const delivery = headerOf(req, 'x-github-delivery');
    if (!(await verifyWebhookSignature(d.previousSecret ? [d.secret, d.previousSecret] : [d.secret], body.raw, signature))) {
      d.logger.warn({ delivery }, 'refused a GitHub webhook with a bad signature');
      return sendJson(res, 401, { error: 'bad signature' });
    }
    const event = headerOf(req, 'x-github-event');
    if (!event || !/^[a-z_]{1,64}$/.test(event)) return sendJson(res, 400, { error: 'missing or malformed X-GitHub-Event' });
    if (!delivery || !/^[\w.-]{1,200}$/.test(delivery)) return sendJson(res, 400, { error: 'missing or malformed X-GitHub-Delivery' });
    let json: unknown;
    try {
      json = JSON.parse(body.raw.toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'body is not JSON' });
    }
    const parsed = githubWebhookPayload.safeParse(json);
    if (!parsed.success) return sendJson(res, 400, { error: `unexpected ${event} payload: ${parsed.error.issues.map((i) => i.path.join('.') || '(body)').join(', ')}` });
    const payload = parsed.data;
    let protection: ProtectionRuleEvent | undefined;
    if (event === 'deployment_protection_rule' && payload.action === 'requested') {
      protection = protectionRuleEvent(payload);
      if (!protection) return sendJson(res, 400, { error: 'a deployment_protection_rule request needs repository, environment, deployment.sha and deployment_callback_url' });
    }
    sendJson(res, 202, { accepted: event });
    try {
      if (!(await d.once.claim(`delivery:${delivery}`, 86_400_000))) return; // redelivery
      await d.events.handle(readGitHubEvent(event, payload, delivery)).catch((e: unknown) => d.logger.warn({ err: e }, 'webhook wake failed'));
      if (protection) await d.protection.handle(protection).catch((e: unknown) => d.logger.error({ err: e }, 'deployment protection rule answer failed'));
    } catch (e) {
      d.logger.error({ delivery, event, err: e }, 'GitHub webhook handling failed after it was accepted');
    }
  };
}
