import type { WebClient } from '@slack/web-api';
import type { Chat } from '../../app/ports/chat';
import type { Mrkdwn } from '../../shared/mrkdwn';
import type { Promotion } from '../../domain/promotion';
import { ShipgateError } from '../../shared/shipgate-error';
import { promotionMessage, type RenderOptions } from './blocks/promotion-message';
import { slackRefusal } from './slack-refusal';

const CARD_EVENT = 'shipgate_promotion';

function slackError(e: unknown, what: string): ShipgateError {
  const code = (e as { data?: { error?: string } }).data?.error;
  if (code === 'not_in_channel' || code === 'channel_not_found') {
    return new ShipgateError('slack_error', `shipgate cannot post in this channel (${code}): invite the app with \`/invite @shipgate\`.`);
  }
  return new ShipgateError('slack_error', `Slack refused ${what}: ${code ?? (e instanceof Error ? e.message : String(e))}`);
}

/**
 * Chat port on the Slack Web API: one approval message updated in place, progress in its
 * thread. Every text it sends is `Mrkdwn` (user text in it already escaped, once).
 */
export class SlackChat implements Chat {
  constructor(
    private readonly client: WebClient,
    private readonly render: RenderOptions,
    /** A client that never retries by itself (the approval message is looked for before a second post). */
    private readonly cardClient?: WebClient,
  ) {}

  /**
   * Posts the approval message once. The message carries metadata (the promotion id), and the
   * client used here never retries by itself: after an answer that was lost (a 5xx, a timeout,
   * a reset) the channel is looked at first, so a message Slack applied is found, not posted twice.
   */
  async postPromotion(p: Promotion): Promise<string> {
    const msg = promotionMessage(p, this.render);
    const client = this.cardClient ?? this.client;
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) {
        const found = await this.findCard(p).catch(() => undefined);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt).unref());
      }
      try {
        const res = await client.chat.postMessage({
          channel: p.channel,
          text: msg.text.text,
          blocks: msg.blocks,
          unfurl_links: false,
          metadata: { event_type: CARD_EVENT, event_payload: { promotion: p.id } },
        });
        return res.ts as string;
      } catch (e) {
        last = e;
        // Slack's own refusals (no such channel, not invited, bad blocks) are final; anything else may have been applied
        if (slackRefusal(e).final) break;
      }
    }
    const found = await this.findCard(p).catch(() => undefined);
    if (found) return found;
    throw slackError(last, 'the approval message');
  }

  /** The approval message of `p` if Slack has it (posted by an attempt whose answer was lost). */
  private async findCard(p: Promotion): Promise<string | undefined> {
    const client = this.cardClient ?? this.client;
    const oldest = String(Math.floor(Date.parse(p.createdAt) / 1000) - 60);
    try {
      const res = await client.conversations.history({ channel: p.channel, oldest, limit: 50, include_all_metadata: true });
      const hit = (res.messages ?? []).find((m) => {
        const meta = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
        return meta?.event_type === CARD_EVENT && meta.event_payload?.promotion === p.id;
      });
      return hit?.ts;
    } catch (e) {
      // without channels:history / groups:history the channel cannot be read: nothing found
      if ((e as { data?: { error?: string } }).data?.error === 'missing_scope') return undefined;
      throw e;
    }
  }

  async postToChannel(channel: string, text: Mrkdwn): Promise<void> {
    try {
      await this.client.chat.postMessage({ channel, text: text.text, unfurl_links: false });
    } catch (e) {
      throw slackError(e, 'the announcement');
    }
  }

  async postEphemeral(channel: string, user: string, text: Mrkdwn): Promise<void> {
    await this.client.chat.postEphemeral({ channel, user, text: text.text });
  }
}
