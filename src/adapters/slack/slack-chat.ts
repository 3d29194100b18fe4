import type { WebClient } from '@slack/web-api';
import type { Chat } from '../../app/ports/chat';
import type { Mrkdwn } from '../../domain/mrkdwn';
import type { Promotion } from '../../domain/promotion';
import { ShipgateError } from '../../domain/shipgate-error';
import { promotionMessage, type RenderOptions } from './blocks/promotion-message';

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
  ) {}

  async postPromotion(p: Promotion): Promise<string> {
    const msg = promotionMessage(p, this.render);
    try {
      const res = await this.client.chat.postMessage({ channel: p.channel, text: msg.text.text, blocks: msg.blocks, unfurl_links: false });
      return res.ts as string;
    } catch (e) {
      throw slackError(e, 'the approval message');
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
