/**
 * Messages: `chat.postMessage` (threads with reply counts), `chat.update` (each version
 * kept), `chat.delete`, `chat.postEphemeral` and `chat.getPermalink`, with the Block Kit
 * checks Slack answers `invalid_blocks` for. Other rooms (files, response_url, the bot's
 * acks) store their messages through this one.
 */
import { validateBlocks } from './blocks';
import type { SlackBlock, SlackEphemeral, SlackFile, SlackMessage } from './shapes';
import { key, type SlackState, type StoredMessage } from './state';
import { asArray, optStr, shortHash, SlackApiError, str, type ApiResult, type Args, type MethodTable } from './web-api';

export class ChatRoom {
  constructor(private readonly state: SlackState) {}

  register(methods: MethodTable): void {
    methods.set('chat.postMessage', (args) => this.postMessage(args));
    methods.set('chat.update', (args) => this.update(args));
    methods.set('chat.delete', (args) => this.delete(args));
    methods.set('chat.postEphemeral', (args) => this.postEphemeral(args));
    methods.set('chat.getPermalink', (args) => {
      const channel = this.state.channelArg(args.channel);
      const ts = str(args.message_ts);
      if (!this.state.messageStore.has(key(channel.id, ts))) throw new SlackApiError('message_not_found');
      return { ok: true, channel: channel.id, permalink: this.state.permalink(channel.id, ts) };
    });
  }

  /** Blocks checked against Slack's limits, each given a `block_id` when it has none. */
  validatedBlocks(value: unknown, max: number): SlackBlock[] {
    if (!Array.isArray(value)) throw new SlackApiError('invalid_blocks_format');
    const errors = validateBlocks(value, max);
    if (errors.length > 0) {
      throw new SlackApiError('invalid_blocks', {
        errors,
        response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
      });
    }
    const salt = this.state.nextCount();
    return value.map((block: SlackBlock, i) => (typeof block.block_id === 'string' ? block : { ...block, block_id: shortHash(`${salt}:${i}`, 5) }));
  }

  storeMessage(channel: string, input: { text: string; blocks: SlackBlock[]; threadTs?: string; source: string; files?: SlackFile[] }): SlackMessage {
    const { identity } = this.state;
    const ts = this.state.nextTs();
    const message: SlackMessage = {
      type: 'message',
      text: input.text,
      user: identity.botUserId,
      bot_id: identity.botId,
      app_id: identity.appId,
      team: identity.teamId,
      ts,
      blocks: input.blocks,
    };
    if (input.files) {
      message.files = input.files;
      message.upload = true;
    }
    if (input.threadTs !== undefined) {
      message.thread_ts = input.threadTs;
      const parent = this.state.messageStore.get(key(channel, input.threadTs));
      if (parent) {
        parent.message.thread_ts = parent.message.ts;
        parent.message.reply_count = (parent.message.reply_count ?? 0) + 1;
        const replyUsers = new Set(parent.message.reply_users ?? []);
        replyUsers.add(identity.botUserId);
        parent.message.reply_users = [...replyUsers];
        parent.message.reply_users_count = replyUsers.size;
        parent.message.latest_reply = ts;
        message.parent_user_id = parent.message.user;
      }
    }
    this.state.messageStore.set(key(channel, ts), {
      channel,
      message,
      history: [{ text: input.text, blocks: input.blocks, at: this.state.now(), source: input.source }],
      deleted: false,
    });
    this.state.record('message', { channel, ts, message });
    return message;
  }

  replaceMessage(stored: StoredMessage, text: string, blocks: SlackBlock[], source: string): void {
    stored.message.text = text;
    stored.message.blocks = blocks;
    stored.message.edited = { user: this.state.identity.botUserId, ts: this.state.nextTs() };
    stored.history.push({ text, blocks, at: this.state.now(), source });
    this.state.record('update', { channel: stored.channel, ts: stored.message.ts, message: stored.message, source });
  }

  storeEphemeral(input: { channel: string; user: string; text: string; blocks: SlackBlock[]; threadTs?: string; source: string }): SlackEphemeral {
    const ephemeral: SlackEphemeral = {
      channel: input.channel,
      user: input.user,
      message_ts: this.state.nextTs(),
      text: input.text,
      blocks: input.blocks,
      source: input.source,
      deleted: false,
      history: [{ text: input.text, blocks: input.blocks, at: this.state.now(), source: input.source }],
    };
    if (input.threadTs !== undefined) ephemeral.thread_ts = input.threadTs;
    this.state.ephemeralStore.push(ephemeral);
    this.state.record('ephemeral', ephemeral);
    return ephemeral;
  }

  private postMessage(args: Args): ApiResult {
    const channel = this.state.channelArg(args.channel);
    const { text, blocks } = this.messageContent(args);
    const threadTs = optStr(args.thread_ts);
    const message = this.storeMessage(channel.id, { text, blocks, threadTs, source: 'chat.postMessage' });
    if (args.attachments !== undefined) message.attachments = asArray(args.attachments);
    if (args.metadata !== undefined) message.metadata = args.metadata;
    return { ok: true, channel: channel.id, ts: message.ts, message };
  }

  private update(args: Args): ApiResult {
    const channel = this.state.channelArg(args.channel);
    const ts = str(args.ts);
    const stored = this.state.messageStore.get(key(channel.id, ts));
    if (!stored || stored.deleted) throw new SlackApiError('message_not_found');
    if (stored.message.user !== this.state.identity.botUserId) throw new SlackApiError('cant_update_message');
    const text = args.text === undefined ? stored.message.text : str(args.text);
    const blocks = args.blocks === undefined ? stored.message.blocks : this.validatedBlocks(args.blocks, 50);
    this.replaceMessage(stored, text, blocks, 'chat.update');
    // Slack's chat.update answer carries the message without its `ts` (the top-level `ts` names it)
    const message: Partial<typeof stored.message> = { ...stored.message };
    delete message.ts;
    return { ok: true, channel: channel.id, ts, text, message };
  }

  private delete(args: Args): ApiResult {
    const channel = this.state.channelArg(args.channel);
    const ts = str(args.ts);
    const stored = this.state.messageStore.get(key(channel.id, ts));
    if (!stored || stored.deleted) throw new SlackApiError('message_not_found');
    stored.deleted = true;
    this.state.record('delete', { channel: channel.id, ts });
    return { ok: true, channel: channel.id, ts };
  }

  private postEphemeral(args: Args): ApiResult {
    const channel = this.state.channelArg(args.channel);
    const userId = str(args.user);
    if (!this.state.users.has(userId)) throw new SlackApiError('user_not_in_channel');
    const { text, blocks } = this.messageContent(args);
    const ephemeral = this.storeEphemeral({
      channel: channel.id,
      user: userId,
      text,
      blocks,
      threadTs: optStr(args.thread_ts),
      source: 'chat.postEphemeral',
    });
    return { ok: true, message_ts: ephemeral.message_ts };
  }

  private messageContent(args: Args): { text: string; blocks: SlackBlock[] } {
    const blocks = args.blocks === undefined ? [] : this.validatedBlocks(args.blocks, 50);
    const text = optStr(args.text) ?? '';
    if (text === '' && blocks.length === 0 && args.attachments === undefined) throw new SlackApiError('no_text');
    if (text.length > 40000) throw new SlackApiError('msg_too_long');
    return { text, blocks };
  }
}
