import type { FilesUploadV2Arguments, WebClient } from '@slack/web-api';
import type { ChatDelivery, EvidenceFile } from '../../app/ports/chat-delivery';
import type { Mrkdwn } from '../../shared/mrkdwn';
import type { Promotion } from '../../domain/promotion';
import { ShipgateError } from '../../shared/shipgate-error';
import { promotionMessage, type RenderOptions } from './blocks/promotion-message';
import { slackRefusal } from './slack-refusal';
import { threadPostBlocks } from './blocks/rollback-offer';


const EVENT_TYPE = 'shipgate_thread_post';

/** A Slack Web API failure as a ShipgateError: `slack_error` when final, `unavailable` (retried) otherwise. */
function failure(e: unknown, what: string): ShipgateError {
  const err = e as { message?: string };
  const { code, final } = slackRefusal(e);
  if (code && final) {
    const hint = code === 'not_in_channel' || code === 'channel_not_found' ? ': invite the app with `/invite @shipgate`' : '';
    return new ShipgateError('slack_error', `Slack refused ${what} (${code})${hint}`, { slack: code });
  }
  return new ShipgateError('unavailable', `Slack did not take ${what}: ${code ?? err.message ?? String(e)}`, { slack: code });
}

type Reply = { ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> }; files?: Array<{ name?: string }> };

/**
 * Delivers a promotion's outbox on the Slack Web API. Thread posts carry message metadata
 * (promotion id and outbox key), so a post whose answer was lost is found with
 * `conversations.replies` instead of being posted twice.
 */
export class SlackChatDelivery implements ChatDelivery {
  constructor(
    private readonly client: WebClient,
    private readonly render: RenderOptions,
  ) {}

  async show(p: Promotion): Promise<void> {
    if (!p.messageTs) return;
    const msg = promotionMessage(p, this.render);
    try {
      await this.client.chat.update({ channel: p.channel, ts: p.messageTs, text: msg.text.text, blocks: msg.blocks });
    } catch (e) {
      throw failure(e, 'the message update');
    }
  }

  async post(p: Promotion, key: string, text: Mrkdwn): Promise<string> {
    const blocks = threadPostBlocks(p, key, text);
    try {
      const res = await this.client.chat.postMessage({
        channel: p.channel,
        thread_ts: p.messageTs!,
        text: text.text,
        ...(blocks ? { blocks } : {}),
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: EVENT_TYPE, event_payload: { promotion: p.id, key } },
      });
      return String(res.ts ?? '');
    } catch (e) {
      throw failure(e, 'the thread reply');
    }
  }

  async find(p: Promotion, key: string): Promise<string | undefined> {
    const hit = (await this.replies(p)).find((m) => m.metadata?.event_type === EVENT_TYPE && m.metadata.event_payload?.promotion === p.id && m.metadata.event_payload?.key === key);
    return hit?.ts;
  }

  async upload(p: Promotion, files: EvidenceFile[], comment: Mrkdwn): Promise<void> {
    try {
      const file_uploads = files.map((f) => ({ file: Buffer.from(f.content, 'utf8'), filename: f.filename, title: f.title }));
      const args: FilesUploadV2Arguments = p.messageTs
        ? { channel_id: p.channel, thread_ts: p.messageTs, initial_comment: comment.text, file_uploads }
        : { channel_id: p.channel, initial_comment: comment.text, file_uploads };
      await this.client.files.uploadV2(args);
    } catch (e) {
      throw failure(e, 'the evidence pack upload');
    }
  }

  async countUploads(p: Promotion, filename: string): Promise<number> {
    return (await this.replies(p)).filter((m) => (m.files ?? []).some((f) => f.name === filename)).length;
  }

  private async replies(p: Promotion): Promise<Reply[]> {
    if (!p.messageTs) return [];
    const out: Reply[] = [];
    let cursor: string | undefined;
    try {
      do {
        const res = await this.client.conversations.replies({ channel: p.channel, ts: p.messageTs, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
        out.push(...((res.messages ?? []) as Reply[]));
        cursor = res.response_metadata?.next_cursor || undefined;
      } while (cursor);
    } catch (e) {
      // without channels:history / groups:history the thread cannot be read: a post whose answer was
      // lost is then posted again (at most one duplicate) rather than never (README "Execution engine")
      if ((e as { data?: { error?: string } }).data?.error === 'missing_scope') return out;
      throw failure(e, 'reading the thread');
    }
    return out;
  }
}
