/**
 * The Slack client side: what a user does in Slack reaches the bot as Slack sends it — a
 * signed slash command (form-encoded, with response_url and trigger_id), a `block_actions`
 * click on a stored message, ephemeral or modal, a `view_submission` — within Slack's 3 s
 * ack timeout; the ack's body is applied as Slack would (a message, or the modal's
 * `response_action`).
 */
import { performance } from 'node:perf_hooks';
import { isRecord } from '../emulator-base';
import { signSlackRequest } from '../slack-signature';
import { findAction } from './blocks';
import type { EnvelopeType, SocketModeRoom } from './socket-mode';
import type { ChatRoom } from './chat';
import type { SlackBlock, SlackView } from './shapes';
import { key, type SlackState } from './state';
import type { ViewsRoom } from './views';
import { optStr, safeJson } from './web-api';
import { stateValuesFor, type ViewInputs } from './view-state';

/** What the bot answered to a request the emulator sent it. */
export interface BotResponse {
  status: number;
  body: unknown;
  /** Wall-clock time until the bot's HTTP response (ms). */
  ackMs: number;
  headers: Record<string, string>;
  /** The payload sent (slash command fields, or the parsed interaction payload). */
  payload: Record<string, unknown>;
  triggerId: string;
  responseUrl?: string;
  /** Set when no HTTP answer arrived: `operation_timeout`, or the network error. */
  error?: string;
  /** Socket Mode: delivery attempts (1 = acked the first time) and the envelope ids sent. */
  attempts?: number;
  envelopeIds?: string[];
}

export interface SignTamper {
  /** Sign with this secret instead of the configured one (forged signature). */
  signingSecret?: string;
  /** Unix seconds for `x-slack-request-timestamp` (stale timestamps). */
  timestamp?: number;
  /** Extra headers, e.g. `x-slack-retry-num`. */
  headers?: Record<string, string>;
}

export interface SlashCommandArgs {
  command?: string;
  text: string;
  userId: string;
  channelId: string;
  /** Send to this bot URL instead of `botUrl` (one replica of several). */
  url?: string;
}

export interface BlockActionArgs {
  userId: string;
  /** Send to this bot URL instead of `botUrl` (one replica of several). */
  url?: string;
  /** Channel of the message (omit for a modal action). */
  channelId?: string;
  /** ts of the channel message or ephemeral message holding the button. */
  messageTs?: string;
  /** Action inside a modal instead of a message. */
  viewId?: string;
  actionId: string;
  /** Defaults to the value of the element found in the stored blocks. */
  value?: string;
  /** Defaults to the block holding the element with `actionId`. */
  blockId?: string;
  /** Leave `message` out of the payload (Slack does not always send it); `container.message_ts` still names the message. */
  withoutMessage?: boolean;
}

export interface ViewSubmissionArgs {
  userId: string;
  viewId: string;
  /** `{ block_id: { action_id: { type, value | selected_user | … } } }` */
  values?: Record<string, Record<string, Record<string, unknown>>>;
  /** Instead of `values`: what the person entered per input block (ticked option values, typed text); state.values is built as Slack does. */
  inputs?: ViewInputs;
}

export interface BotClientConfig {
  /** Legacy verification token put in payloads (`token` field). */
  verificationToken: string;
  /** How long Slack waits for the bot's ack before giving up. */
  ackTimeoutMs: number;
  /** Clock of `x-slack-request-timestamp`. */
  requestNow: () => number;
  /** Where commands and interactions go (read at each send: tests repoint it). */
  botUrl: () => string | undefined;
  signingSecret: () => string | undefined;
  /** Lets the emulator's `stop()` wait for a request in flight. */
  track: <T>(promise: Promise<T>) => Promise<T>;
  /** Set in Socket Mode: commands and interactions go over the WebSocket instead of HTTP. */
  socket: () => SocketModeRoom | undefined;
}

export class BotClient {
  constructor(
    private readonly state: SlackState,
    private readonly chat: ChatRoom,
    private readonly views: ViewsRoom,
    private readonly config: BotClientConfig,
  ) {}

  /** Send a slash command to the bot exactly like Slack (form-encoded, signed). */
  async sendSlashCommand(args: SlashCommandArgs, tamper: SignTamper = {}): Promise<BotResponse> {
    const user = this.state.requireUser(args.userId);
    const channel = this.state.requireChannel(args.channelId);
    const triggerId = this.state.newTrigger(user.id);
    const responseUrl = this.state.newResponseUrl({ channel: channel.id, userId: user.id, isEphemeral: false });
    const fields: Record<string, string> = {
      token: this.config.verificationToken,
      team_id: this.state.identity.teamId,
      team_domain: this.state.identity.teamDomain,
      channel_id: channel.id,
      channel_name: channel.isIm ? 'directmessage' : channel.name,
      user_id: user.id,
      user_name: user.name,
      command: args.command ?? '/promote',
      text: args.text,
      api_app_id: this.state.identity.appId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    };
    const response = await this.postToBot(new URLSearchParams(fields).toString(), fields, triggerId, responseUrl, tamper, args.url, 'slash_commands');
    if (response.status === 200) this.applyAckBody(response.body, channel.id, user.id);
    this.state.record('sent', { kind: 'slash_command', response });
    return response;
  }

  /** Click a button: sends a `block_actions` payload for a stored message (or ephemeral, or modal). */
  async sendBlockAction(args: BlockActionArgs, tamper: SignTamper = {}): Promise<BotResponse> {
    const user = this.state.requireUser(args.userId);
    const triggerId = this.state.newTrigger(user.id);
    const actionTs = this.state.nextTs();
    let blocks: SlackBlock[] = [];
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: this.state.identity.teamId },
      api_app_id: this.state.identity.appId,
      token: this.config.verificationToken,
      trigger_id: triggerId,
      team: { id: this.state.identity.teamId, domain: this.state.identity.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
    };
    let responseUrl: string | undefined;
    if (args.viewId !== undefined) {
      const record = this.state.viewStore.get(args.viewId);
      if (!record) throw new Error(`SlackEmulator: unknown view ${args.viewId}`);
      blocks = record.view.blocks;
      payload.container = { type: 'view', view_id: record.view.id };
      payload.view = record.view;
    } else {
      if (args.channelId === undefined || args.messageTs === undefined) {
        throw new Error('SlackEmulator.sendBlockAction: channelId and messageTs (or viewId) are required');
      }
      const channel = this.state.requireChannel(args.channelId);
      const stored = this.state.messageStore.get(key(channel.id, args.messageTs));
      const ephemeral = this.state.ephemeralStore.find((e) => e.channel === channel.id && e.message_ts === args.messageTs && !e.deleted);
      if (stored && !stored.deleted) {
        blocks = stored.message.blocks;
        payload.container = {
          type: 'message',
          message_ts: stored.message.ts,
          channel_id: channel.id,
          is_ephemeral: false,
        };
        if (!args.withoutMessage) payload.message = stored.message;
        responseUrl = this.state.newResponseUrl({
          channel: channel.id,
          userId: user.id,
          messageTs: stored.message.ts,
          isEphemeral: false,
          threadTs: stored.message.thread_ts,
        });
      } else if (ephemeral) {
        blocks = ephemeral.blocks;
        payload.container = {
          type: 'message',
          message_ts: ephemeral.message_ts,
          channel_id: channel.id,
          is_ephemeral: true,
        };
        responseUrl = this.state.newResponseUrl({
          channel: channel.id,
          userId: user.id,
          messageTs: ephemeral.message_ts,
          isEphemeral: true,
        });
      } else {
        throw new Error(`SlackEmulator: no message ${args.messageTs} in ${args.channelId}`);
      }
      payload.channel = { id: channel.id, name: channel.isIm ? 'directmessage' : channel.name };
      payload.response_url = responseUrl;
    }
    const found = findAction(blocks, args.actionId, args.blockId);
    const element = found?.element ?? {};
    const action: Record<string, unknown> = {
      type: typeof element.type === 'string' ? element.type : 'button',
      block_id: args.blockId ?? found?.blockId ?? '',
      action_id: args.actionId,
      text: isRecord(element.text) ? element.text : { type: 'plain_text', text: args.actionId, emoji: true },
      value: args.value ?? (typeof element.value === 'string' ? element.value : undefined),
      action_ts: actionTs,
    };
    if (typeof element.style === 'string') action.style = element.style;
    payload.actions = [action];
    payload.state = { values: {} };
    const response = await this.postToBot(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      payload,
      triggerId,
      responseUrl,
      tamper,
      args.url,
      'interactive',
    );
    this.state.record('sent', { kind: 'block_actions', response });
    return response;
  }

  /** Submit a modal: sends a `view_submission` payload and applies the bot's `response_action`. */
  async sendViewSubmission(args: ViewSubmissionArgs, tamper: SignTamper = {}): Promise<BotResponse> {
    const user = this.state.requireUser(args.userId);
    const record = this.state.viewStore.get(args.viewId);
    if (!record) throw new Error(`SlackEmulator: unknown view ${args.viewId}`);
    const triggerId = this.state.newTrigger(user.id);
    const values = args.inputs ? stateValuesFor(record.view.blocks, args.inputs) : (args.values ?? {});
    const view: SlackView = { ...record.view, state: { values } };
    const payload: Record<string, unknown> = {
      type: 'view_submission',
      team: { id: this.state.identity.teamId, domain: this.state.identity.teamDomain },
      user: { id: user.id, username: user.name, name: user.name, team_id: this.state.identity.teamId },
      api_app_id: this.state.identity.appId,
      token: this.config.verificationToken,
      trigger_id: triggerId,
      view,
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const response = await this.postToBot(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), payload, triggerId, undefined, tamper, undefined, 'interactive');
    if (response.status === 200) this.views.applyViewAck(record, response.body);
    this.state.record('sent', { kind: 'view_submission', response });
    return response;
  }

  // ---------------------------------------------------------------- plumbing

  private async postToBot(
    rawBody: string,
    payload: Record<string, unknown>,
    triggerId: string,
    responseUrl: string | undefined,
    tamper: SignTamper,
    target: string | undefined,
    envelopeType: EnvelopeType,
  ): Promise<BotResponse> {
    const socket = this.config.socket();
    if (socket) {
      const base: Omit<BotResponse, 'status' | 'body' | 'ackMs' | 'headers'> = { payload, triggerId };
      if (responseUrl !== undefined) base.responseUrl = responseUrl;
      const d = await this.config.track(socket.deliver(envelopeType, payload, envelopeType !== 'events_api'));
      return { ...base, status: d.status, body: d.body, ackMs: d.ackMs, headers: {}, attempts: d.attempts, envelopeIds: d.envelopeIds, ...(d.error ? { error: d.error } : {}) };
    }
    const url = target ?? this.config.botUrl();
    if (!url) throw new Error('SlackEmulator: botUrl is not set');
    const secret = tamper.signingSecret ?? this.config.signingSecret();
    if (secret === undefined) throw new Error('SlackEmulator: signingSecret is not set');
    const timestamp = tamper.timestamp ?? Math.floor(this.config.requestNow() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(secret, timestamp, rawBody),
      ...tamper.headers,
    };
    const started = performance.now();
    const base: Omit<BotResponse, 'status' | 'body' | 'ackMs' | 'headers'> = { payload, triggerId };
    if (responseUrl !== undefined) base.responseUrl = responseUrl;
    try {
      const res = await this.config.track(fetch(url, { method: 'POST', headers, body: rawBody, signal: AbortSignal.timeout(this.config.ackTimeoutMs) }));
      const text = await res.text();
      const ackMs = performance.now() - started;
      const responseHeaders: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        responseHeaders[name] = value;
      });
      let body: unknown = text;
      if (text === '') body = '';
      else {
        const parsed = safeJson(text);
        if (parsed !== undefined) body = parsed;
      }
      return { ...base, status: res.status, body, ackMs, headers: responseHeaders };
    } catch (error) {
      const ackMs = performance.now() - started;
      const name = isRecord(error) || error instanceof Error ? String((error as { name?: unknown }).name) : '';
      const message =
        name === 'TimeoutError' || name === 'AbortError'
          ? 'operation_timeout'
          : error instanceof Error
            ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
            : String(error);
      return { ...base, status: 0, body: null, ackMs, headers: {}, error: message };
    }
  }

  /** A slash-command ack with a body shows as a message to the user (ephemeral unless `in_channel`). */
  private applyAckBody(body: unknown, channel: string, userId: string): void {
    let text = '';
    let blocks: SlackBlock[] = [];
    let inChannel = false;
    if (typeof body === 'string') text = body;
    else if (isRecord(body)) {
      text = optStr(body.text) ?? '';
      blocks = Array.isArray(body.blocks) ? (body.blocks as SlackBlock[]) : [];
      inChannel = body.response_type === 'in_channel';
    }
    if (text === '' && blocks.length === 0) return;
    if (inChannel) this.chat.storeMessage(channel, { text, blocks, source: 'ack' });
    else this.chat.storeEphemeral({ channel, user: userId, text, blocks, source: 'ack' });
  }
}
