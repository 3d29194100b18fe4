/**
 * Channels and IMs: `conversations.info`, `conversations.open` (an IM per user),
 * `conversations.history` (newest first, `oldest`/`latest`/`limit`) and `conversations.replies`.
 */
import type { SlackState, StoredChannel } from './state';
import { SlackApiError, str, type ApiResult, type Args, type MethodTable } from './web-api';

export class ConversationsRoom {
  constructor(private readonly state: SlackState) {}

  register(methods: MethodTable): void {
    methods.set('conversations.info', (args) => ({ ok: true, channel: this.channelObject(this.state.channelArg(args.channel)) }));
    methods.set('conversations.open', (args) => {
      const users = str(args.users).split(',').filter(Boolean);
      const first = users[0];
      if (users.length !== 1 || first === undefined) throw new SlackApiError('not_enough_users');
      this.state.requireUserApi(first);
      return { ok: true, channel: { id: this.state.imChannelFor(first) } };
    });
    methods.set('conversations.history', (args) => this.history(args));
    methods.set('conversations.replies', (args) => {
      const channel = this.state.channelArg(args.channel);
      const ts = str(args.ts);
      const thread = this.state.thread(channel.id, ts);
      if (thread.length === 0) throw new SlackApiError('thread_not_found');
      return { ok: true, messages: thread, has_more: false };
    });
  }

  private history(args: Args): ApiResult {
    const channel = this.state.channelArg(args.channel);
    const limit = Number(args.limit ?? 100) || 100;
    const oldest = args.oldest === undefined ? undefined : Number(args.oldest);
    const latest = args.latest === undefined ? undefined : Number(args.latest);
    const list = this.state
      .messages(channel.id)
      .filter((m) => (oldest === undefined || Number(m.ts) > oldest) && (latest === undefined || Number(m.ts) < latest))
      .reverse();
    return { ok: true, messages: list.slice(0, limit), has_more: list.length > limit, pin_count: 0 };
  }

  private channelObject(channel: StoredChannel): Record<string, unknown> {
    if (channel.isIm) {
      return {
        id: channel.id,
        created: channel.created,
        is_im: true,
        is_org_shared: false,
        user: channel.imUser,
        is_user_deleted: false,
        priority: 0,
      };
    }
    return {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.isPrivate,
      is_group: channel.isPrivate,
      is_im: false,
      is_mpim: false,
      is_private: channel.isPrivate,
      created: channel.created,
      is_archived: false,
      is_general: false,
      unlinked: 0,
      name_normalized: channel.name,
      is_shared: false,
      is_org_shared: false,
      is_pending_ext_shared: false,
      is_ext_shared: false,
      is_member: true,
      creator: this.state.identity.botUserId,
      topic: { value: channel.topic, creator: '', last_set: 0 },
      purpose: { value: channel.purpose, creator: '', last_set: 0 },
      previous_names: [],
    };
  }
}
