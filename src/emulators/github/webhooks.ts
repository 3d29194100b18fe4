/**
 * Signed webhook deliveries: each event is POSTed to the configured URL with GitHub's
 * headers and an `X-Hub-Signature-256` HMAC of the exact body, one at a time in the order
 * the events happened; every attempt is kept in `deliveries` with its answer or error.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Json } from './rest';
import { nodeId, type Shapes } from './shapes';
import type { GitHubState } from './state';

export interface WebhookDelivery {
  id: string;
  event: string;
  action?: string;
  payload: Json;
  at: number;
  status?: number;
  error?: string;
  /** Sent again with the id of an earlier delivery (GitHub's Redeliver). */
  redelivery?: boolean;
}

export interface WebhookTarget {
  url: string;
  secret: string;
}

export class Webhooks {
  /** Webhook deliveries attempted, oldest first. */
  readonly deliveries: WebhookDelivery[] = [];
  private deliveryChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: GitHubState,
    private readonly shapes: Shapes,
    /** The current target (`emu.webhook`, settable at any time); nothing is sent while unset. */
    private readonly target: () => WebhookTarget | undefined,
    /** When set, payloads carry `installation: { id }` like a GitHub App's. */
    private readonly installationId: number | undefined,
  ) {}

  send(event: string, payload: Json): void {
    const hook = this.target();
    if (!hook) return;
    const body = { ...payload };
    const repository = payload.repository as { owner?: { login?: string; type?: string } } | undefined;
    if (repository?.owner?.type === 'Organization' && body.organization === undefined) body.organization = this.shapes.orgJson(String(repository.owner.login));
    if (this.installationId !== undefined) body.installation = { id: this.installationId, node_id: nodeId('MDIz', this.installationId) };
    const delivery: WebhookDelivery = { id: randomUUID(), event, payload: body, at: this.state.now() };
    if (typeof payload.action === 'string') delivery.action = payload.action;
    this.deliver(hook, delivery);
  }

  /**
   * Sends an earlier delivery again, as GitHub's "Redeliver" does: the same event, payload and
   * `X-GitHub-Delivery` id (kept as a new attempt in `deliveries`). Returns the new attempt.
   */
  redeliver(id: string): WebhookDelivery {
    const hook = this.target();
    const first = this.deliveries.find((d) => d.id === id);
    if (!hook || !first) throw new Error(`no webhook delivery ${id} to redeliver`);
    const again: WebhookDelivery = { id: first.id, event: first.event, payload: first.payload, at: this.state.now(), redelivery: true };
    if (first.action !== undefined) again.action = first.action;
    this.deliver(hook, again);
    return again;
  }

  private deliver(hook: WebhookTarget, delivery: WebhookDelivery): void {
    const event = delivery.event;
    const raw = JSON.stringify(delivery.payload);
    this.deliveries.push(delivery);
    const signature = `sha256=${createHmac('sha256', hook.secret).update(raw).digest('hex')}`;
    const send = async (): Promise<void> => {
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'GitHub-Hookshot/emulator',
            'x-github-event': event,
            'x-github-delivery': delivery.id,
            'x-github-hook-id': '1',
            'x-github-hook-installation-target-type': this.installationId !== undefined ? 'integration' : 'repository',
            'x-hub-signature-256': signature,
          },
          body: raw,
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        delivery.status = res.status;
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
      }
      this.state.host.record('webhook', delivery);
    };
    this.deliveryChain = this.state.host.track(this.deliveryChain.then(send));
  }
}
