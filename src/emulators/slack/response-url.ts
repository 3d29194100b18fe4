/**
 * response_url: what a bot POSTs to the URL a slash command or click carried (replace or
 * delete the original, a new message in the channel, or an ephemeral), valid for 30 minutes
 * and 5 uses as Slack's.
 */
import { isRecord, sendJson, type RequestContext } from '../emulator-base';
import type { ChatRoom } from './chat';
import type { SlackBlock } from './shapes';
import { key, type SlackState } from './state';
import { optStr, safeJson, SlackApiError } from './web-api';

const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
const RESPONSE_URL_MAX_USES = 5;

export class ResponseUrlRoom {
  constructor(
    private readonly state: SlackState,
    private readonly chat: ChatRoom,
  ) {}

  /** `POST /response/<id>` (the body already parsed into `ctx.body`). */
  handle(ctx: RequestContext, id: string): void {
    const entry = this.state.responseUrls.get(id);
    if (!entry) {
      sendJson(ctx.res, 404, { ok: false, error: 'invalid_url' });
      return;
    }
    if (this.state.now() - entry.at > RESPONSE_URL_TTL_MS) {
      sendJson(ctx.res, 404, { ok: false, error: 'expired_url' });
      return;
    }
    if (entry.uses >= RESPONSE_URL_MAX_USES) {
      sendJson(ctx.res, 404, { ok: false, error: 'used_url' });
      return;
    }
    const body = isRecord(ctx.body) ? ctx.body : typeof ctx.body === 'string' ? { text: ctx.body } : {};
    const blocksArg = typeof body.blocks === 'string' ? safeJson(body.blocks) : body.blocks;
    let blocks: SlackBlock[];
    try {
      blocks = blocksArg === undefined ? [] : this.chat.validatedBlocks(blocksArg, 50);
    } catch (error) {
      const code = error instanceof SlackApiError ? error.code : 'invalid_blocks';
      sendJson(ctx.res, 400, { ok: false, error: code });
      return;
    }
    entry.uses += 1;
    const text = optStr(body.text) ?? '';
    const truthy = (v: unknown): boolean => v === true || v === 'true';
    if (truthy(body.delete_original)) {
      if (entry.messageTs === undefined) {
        sendJson(ctx.res, 404, { ok: false, error: 'message_not_found' });
        return;
      }
      if (entry.isEphemeral) {
        const eph = this.state.findEphemeral(entry.channel, entry.messageTs);
        if (eph) eph.deleted = true;
      } else {
        const stored = this.state.messageStore.get(key(entry.channel, entry.messageTs));
        if (stored) stored.deleted = true;
      }
      this.state.record('delete', { channel: entry.channel, ts: entry.messageTs, source: 'response_url' });
    } else if (truthy(body.replace_original) && entry.messageTs !== undefined) {
      if (entry.isEphemeral) {
        const eph = this.state.findEphemeral(entry.channel, entry.messageTs);
        if (eph) {
          eph.text = text;
          eph.blocks = blocks;
          eph.history.push({ text, blocks, at: this.state.now(), source: 'response_url' });
          this.state.record('ephemeral', eph);
        }
      } else {
        const stored = this.state.messageStore.get(key(entry.channel, entry.messageTs));
        if (!stored || stored.deleted) {
          sendJson(ctx.res, 404, { ok: false, error: 'message_not_found' });
          return;
        }
        this.chat.replaceMessage(stored, text, blocks, 'response_url');
      }
    } else if (body.response_type === 'in_channel') {
      this.chat.storeMessage(entry.channel, {
        text,
        blocks,
        threadTs: optStr(body.thread_ts) ?? entry.threadTs,
        source: 'response_url',
      });
    } else {
      this.chat.storeEphemeral({
        channel: entry.channel,
        user: entry.userId,
        text,
        blocks,
        threadTs: optStr(body.thread_ts) ?? entry.threadTs,
        source: 'response_url',
      });
    }
    sendJson(ctx.res, 200, { ok: true });
  }
}
