/**
 * Slack emulator: the Web API a bot calls (`POST /api/<method>`) with real
 * state (messages, threads, edits, ephemerals, modals, files), and a "Slack
 * client" that sends signed slash commands and interactions to the bot the way
 * Slack does (response_url, trigger_id, 3 s trigger expiry, ack handling).
 *
 * Used by integration tests and by the sandbox console.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EmulatorBase, type EmulatorOptions, type RequestContext, escapeHtml, isRecord, parseBody, sendJson, sendText } from './emulator-base';
import type { ActiveFault, FaultRule } from './fault-plan';
import { signSlackRequest } from './slack-signature';

export type SlackBlock = Record<string, unknown>;

export interface SlackUserSeed {
  id: string;
  name: string;
  realName?: string;
  /** IANA zone, default `Europe/London`. */
  tz?: string;
  email?: string;
  isBot?: boolean;
}

export interface SlackChannelSeed {
  id: string;
  name: string;
  isPrivate?: boolean;
  topic?: string;
  purpose?: string;
}

export interface SlackEmulatorOptions extends EmulatorOptions {
  /** Bot token the Web API accepts; when unset any `xoxb-`/`xoxp-` token is accepted. */
  token?: string;
  /** Signing secret used to sign requests sent to the bot. */
  signingSecret?: string;
  /** Where slash commands and interactions are POSTed, e.g. `http://127.0.0.1:3000/slack/events`. */
  botUrl?: string;
  users?: SlackUserSeed[];
  channels?: SlackChannelSeed[];
  /** Usergroup id → member user ids, e.g. `{ S0RELEASEMGRS: ['U1', 'U2'] }`. */
  usergroups?: Record<string, string[]>;
  botUserId?: string;
  botUserName?: string;
  botId?: string;
  appId?: string;
  teamId?: string;
  teamName?: string;
  teamDomain?: string;
  /** Legacy verification token put in payloads (`token` field). */
  verificationToken?: string;
  /** How long a trigger_id stays valid (Slack: 3 s). */
  triggerTtlMs?: number;
  /** How long Slack waits for the bot's ack before giving up (Slack: 3 s). */
  ackTimeoutMs?: number;
  /**
   * Clock of `x-slack-request-timestamp` on requests to the bot (ms epoch; default `now`). The
   * bot checks it against its real clock (> 5 min off is refused), so an emulator whose `now`
   * is moved (the sandbox's clock) still signs with real time.
   */
  requestNow?: () => number;
}

/** A message as the Web API returns it (`chat.postMessage` → `message`, `conversations.history`). */
export interface SlackMessage {
  type: 'message';
  subtype?: string;
  text: string;
  user: string;
  bot_id?: string;
  app_id?: string;
  team: string;
  ts: string;
  blocks: SlackBlock[];
  thread_ts?: string;
  parent_user_id?: string;
  reply_count?: number;
  reply_users?: string[];
  reply_users_count?: number;
  latest_reply?: string;
  edited?: { user: string; ts: string };
  files?: SlackFile[];
  upload?: boolean;
  attachments?: unknown[];
  metadata?: unknown;
}

export interface SlackMessageVersion {
  text: string;
  blocks: SlackBlock[];
  /** Emulator clock when this version was written. */
  at: number;
  /** What wrote it: `chat.postMessage`, `chat.update`, `response_url`, … */
  source: string;
}

export interface SlackEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  text: string;
  blocks: SlackBlock[];
  thread_ts?: string;
  /** `chat.postEphemeral`, `response_url`, or `ack` (body of the bot's HTTP ack). */
  source: string;
  deleted: boolean;
  history: SlackMessageVersion[];
}

export interface SlackView {
  id: string;
  team_id: string;
  type: string;
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: SlackBlock[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, unknown>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

export interface SlackViewRecord {
  view: SlackView;
  userId: string;
  open: boolean;
  openedAt: number;
  /** Errors returned by the bot on the last submission (`response_action: errors`). */
  errors?: Record<string, string>;
}

export interface SlackFile {
  id: string;
  created: number;
  timestamp: number;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  pretty_type: string;
  user: string;
  user_team: string;
  editable: boolean;
  size: number;
  mode: string;
  is_external: boolean;
  external_type: string;
  is_public: boolean;
  public_url_shared: boolean;
  display_as_bot: boolean;
  username: string;
  url_private: string;
  url_private_download: string;
  permalink: string;
  permalink_public: string;
  channels: string[];
  groups: string[];
  ims: string[];
  comments_count: number;
  alt_txt?: string;
  shares?: Record<string, Record<string, Array<{ ts: string; thread_ts?: string; channel_name: string }>>>;
}

export interface SlackFileRecord {
  file: SlackFile;
  content: Buffer;
  /** Content as UTF-8 text. */
  text: string;
  channel?: string;
  threadTs?: string;
  uploaded: boolean;
  completed: boolean;
}

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
}

export interface SlackFault {
  /** `error` for an `{ok:false}` answer; status 429 answers with `Retry-After`. */
  error?: string;
  status?: number;
  retryAfter?: number;
}

interface StoredMessage {
  channel: string;
  message: SlackMessage;
  history: SlackMessageVersion[];
  deleted: boolean;
}

interface StoredUser {
  id: string;
  name: string;
  realName: string;
  tz: string;
  email?: string;
  isBot: boolean;
}

interface StoredChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  imUser?: string;
  created: number;
  topic: string;
  purpose: string;
}

interface Trigger {
  at: number;
  userId: string;
  used: boolean;
}

interface ResponseUrlEntry {
  at: number;
  uses: number;
  channel: string;
  userId: string;
  messageTs?: string;
  isEphemeral: boolean;
  threadTs?: string;
}

type ApiResult = Record<string, unknown> & { ok: boolean };
type Args = Record<string, unknown>;

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'user_auth_blocks']);
const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
const RESPONSE_URL_MAX_USES = 5;

class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

export class SlackEmulator extends EmulatorBase {
  botUrl: string | undefined;
  signingSecret: string | undefined;
  readonly botUserId: string;
  readonly botUserName: string;
  readonly botId: string;
  readonly appId: string;
  readonly teamId: string;
  readonly teamName: string;
  readonly teamDomain: string;
  private readonly token: string | undefined;
  private readonly verificationToken: string;
  private readonly triggerTtlMs: number;
  private readonly ackTimeoutMs: number;
  private readonly requestNow: () => number;

  private readonly users = new Map<string, StoredUser>();
  private readonly channels = new Map<string, StoredChannel>();
  private readonly usergroups = new Map<string, string[]>();
  private readonly messageStore = new Map<string, StoredMessage>();
  private readonly ephemeralStore: SlackEphemeral[] = [];
  private readonly viewStore = new Map<string, SlackViewRecord>();
  private readonly fileStore = new Map<string, SlackFileRecord>();
  private readonly triggers = new Map<string, Trigger>();
  private readonly responseUrls = new Map<string, ResponseUrlEntry>();
  private readonly faults = new Map<string, SlackFault[]>();
  private lastTsMicros = 0;
  private counter = 0;

  constructor(options: SlackEmulatorOptions = {}) {
    super(options);
    this.token = options.token;
    this.signingSecret = options.signingSecret;
    this.botUrl = options.botUrl;
    this.requestNow = options.requestNow ?? (() => this.now());
    this.botUserId = options.botUserId ?? 'U0SHIPGATE';
    this.botUserName = options.botUserName ?? 'shipgate';
    this.botId = options.botId ?? 'B0SHIPGATE';
    this.appId = options.appId ?? 'A0SHIPGATE';
    this.teamId = options.teamId ?? 'T0SHIPGATE';
    this.teamName = options.teamName ?? 'Shipgate Sandbox';
    this.teamDomain = options.teamDomain ?? 'shipgate-sandbox';
    this.verificationToken = options.verificationToken ?? 'emulator-verification-token';
    this.triggerTtlMs = options.triggerTtlMs ?? 3000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    for (const user of options.users ?? []) this.addUser(user);
    for (const channel of options.channels ?? []) this.addChannel(channel);
    for (const [id, members] of Object.entries(options.usergroups ?? {})) this.setUsergroup(id, members);
    this.users.set(this.botUserId, {
      id: this.botUserId,
      name: this.botUserName,
      realName: this.botUserName,
      tz: 'Europe/London',
      isBot: true,
    });
  }

  // ---------------------------------------------------------------- seeding

  addUser(user: SlackUserSeed): void {
    this.users.set(user.id, {
      id: user.id,
      name: user.name,
      realName: user.realName ?? user.name,
      tz: user.tz ?? 'Europe/London',
      email: user.email,
      isBot: user.isBot ?? false,
    });
  }

  addChannel(channel: SlackChannelSeed): void {
    this.channels.set(channel.id, {
      id: channel.id,
      name: channel.name,
      isPrivate: channel.isPrivate ?? false,
      isIm: false,
      created: Math.floor(this.now() / 1000),
      topic: channel.topic ?? '',
      purpose: channel.purpose ?? '',
    });
  }

  setUsergroup(id: string, userIds: string[]): void {
    this.usergroups.set(id, [...userIds]);
  }

  /** The next call(s) to `method` fail as configured (rate limits, internal errors). */
  failNext(method: string, fault: SlackFault, times = 1): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(method, list);
  }

  /**
   * Makes matching requests fail (see FaultPlan), e.g. `{ method: 'POST', path: '/api/chat.postMessage',
   * mode: 'hang-after' }`: a Web API call applied then never answered, answered 500 after (`after`) or
   * instead of (`before`) applying it, never answered (`hang`), or unreachable (`reset`). Answers default
   * to Slack's shape: status 500, `{ ok: false, error: 'internal_error' }`. `failNext` still applies
   * (checked after the fault plan, on calls that reach the Web API).
   */
  override inject(rule: FaultRule): ActiveFault {
    return super.inject({ ...rule, status: rule.status ?? 500, body: rule.body ?? { ok: false, error: 'internal_error' } });
  }

  protected override recordedBody(ctx: RequestContext): unknown {
    return ctx.path.startsWith('/api/') ? redactToken(parseApiArgs(ctx.raw, ctx.headers['content-type'], ctx.query)) : super.recordedBody(ctx);
  }

  // ---------------------------------------------------------------- queries

  /** Top-level messages of a channel (latest version of each), oldest first. */
  messages(channel: string): SlackMessage[] {
    const id = this.resolveChannelId(channel) ?? channel;
    return this.storedIn(id)
      .filter((m) => m.message.thread_ts === undefined || m.message.thread_ts === m.message.ts)
      .map((m) => m.message);
  }

  /** A thread: the parent message then its replies, oldest first. */
  thread(channel: string, ts: string): SlackMessage[] {
    const id = this.resolveChannelId(channel) ?? channel;
    return this.storedIn(id)
      .filter((m) => m.message.ts === ts || m.message.thread_ts === ts)
      .map((m) => m.message);
  }

  /** One message (latest version), including thread replies. */
  message(channel: string, ts: string): SlackMessage | undefined {
    const id = this.resolveChannelId(channel) ?? channel;
    const stored = this.messageStore.get(key(id, ts));
    return stored && !stored.deleted ? stored.message : undefined;
  }

  /** Every version of a message, oldest first (the last one is current). */
  history(channel: string, ts: string): SlackMessageVersion[] {
    const id = this.resolveChannelId(channel) ?? channel;
    return [...(this.messageStore.get(key(id, ts))?.history ?? [])];
  }

  /** Ephemeral messages (visible to one user), oldest first. */
  ephemerals(userId?: string): SlackEphemeral[] {
    return this.ephemeralStore.filter((e) => !e.deleted && (userId === undefined || e.user === userId));
  }

  /** Every modal opened, oldest first (`open` false once closed). */
  views(): SlackViewRecord[] {
    return [...this.viewStore.values()];
  }

  /** Uploaded files with their content. */
  files(): SlackFileRecord[] {
    return [...this.fileStore.values()].filter((f) => f.completed);
  }

  /** IM channel id for a user (created on first use), as `conversations.open` returns. */
  imChannelFor(userId: string): string {
    for (const channel of this.channels.values()) {
      if (channel.isIm && channel.imUser === userId) return channel.id;
    }
    const id = `D${userId.replace(/^[UW]/, '')}`;
    this.channels.set(id, {
      id,
      name: userId,
      isPrivate: true,
      isIm: true,
      imUser: userId,
      created: Math.floor(this.now() / 1000),
      topic: '',
      purpose: '',
    });
    return id;
  }

  // ---------------------------------------------------------------- client side (Slack → bot)

  /** Send a slash command to the bot exactly like Slack (form-encoded, signed). */
  async sendSlashCommand(args: SlashCommandArgs, tamper: SignTamper = {}): Promise<BotResponse> {
    const user = this.requireUser(args.userId);
    const channel = this.requireChannel(args.channelId);
    const triggerId = this.newTrigger(user.id);
    const responseUrl = this.newResponseUrl({ channel: channel.id, userId: user.id, isEphemeral: false });
    const fields: Record<string, string> = {
      token: this.verificationToken,
      team_id: this.teamId,
      team_domain: this.teamDomain,
      channel_id: channel.id,
      channel_name: channel.isIm ? 'directmessage' : channel.name,
      user_id: user.id,
      user_name: user.name,
      command: args.command ?? '/promote',
      text: args.text,
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    };
    const response = await this.postToBot(new URLSearchParams(fields).toString(), fields, triggerId, responseUrl, tamper, args.url);
    if (response.status === 200) this.applyAckBody(response.body, channel.id, user.id);
    this.record('sent', { kind: 'slash_command', response });
    return response;
  }

  /** Click a button: sends a `block_actions` payload for a stored message (or ephemeral, or modal). */
  async sendBlockAction(args: BlockActionArgs, tamper: SignTamper = {}): Promise<BotResponse> {
    const user = this.requireUser(args.userId);
    const triggerId = this.newTrigger(user.id);
    const actionTs = this.nextTs();
    let blocks: SlackBlock[] = [];
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: this.teamId },
      api_app_id: this.appId,
      token: this.verificationToken,
      trigger_id: triggerId,
      team: { id: this.teamId, domain: this.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
    };
    let responseUrl: string | undefined;
    if (args.viewId !== undefined) {
      const record = this.viewStore.get(args.viewId);
      if (!record) throw new Error(`SlackEmulator: unknown view ${args.viewId}`);
      blocks = record.view.blocks;
      payload.container = { type: 'view', view_id: record.view.id };
      payload.view = record.view;
    } else {
      if (args.channelId === undefined || args.messageTs === undefined) {
        throw new Error('SlackEmulator.sendBlockAction: channelId and messageTs (or viewId) are required');
      }
      const channel = this.requireChannel(args.channelId);
      const stored = this.messageStore.get(key(channel.id, args.messageTs));
      const ephemeral = this.ephemeralStore.find((e) => e.channel === channel.id && e.message_ts === args.messageTs && !e.deleted);
      if (stored && !stored.deleted) {
        blocks = stored.message.blocks;
        payload.container = {
          type: 'message',
          message_ts: stored.message.ts,
          channel_id: channel.id,
          is_ephemeral: false,
        };
        if (!args.withoutMessage) payload.message = stored.message;
        responseUrl = this.newResponseUrl({
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
        responseUrl = this.newResponseUrl({
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
    const response = await this.postToBot(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), payload, triggerId, responseUrl, tamper, args.url);
    this.record('sent', { kind: 'block_actions', response });
    return response;
  }

  /** Submit a modal: sends a `view_submission` payload and applies the bot's `response_action`. */
  async sendViewSubmission(args: ViewSubmissionArgs, tamper: SignTamper = {}): Promise<BotResponse> {
    const user = this.requireUser(args.userId);
    const record = this.viewStore.get(args.viewId);
    if (!record) throw new Error(`SlackEmulator: unknown view ${args.viewId}`);
    const triggerId = this.newTrigger(user.id);
    const view: SlackView = { ...record.view, state: { values: args.values ?? {} } };
    const payload: Record<string, unknown> = {
      type: 'view_submission',
      team: { id: this.teamId, domain: this.teamDomain },
      user: { id: user.id, username: user.name, name: user.name, team_id: this.teamId },
      api_app_id: this.appId,
      token: this.verificationToken,
      trigger_id: triggerId,
      view,
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const response = await this.postToBot(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), payload, triggerId, undefined, tamper);
    if (response.status === 200) this.applyViewAck(record, response.body);
    this.record('sent', { kind: 'view_submission', response });
    return response;
  }

  // ---------------------------------------------------------------- HTTP

  protected override async handle(ctx: RequestContext): Promise<void> {
    const { path, method } = ctx;
    if (path.startsWith('/api/')) {
      await this.handleApi(ctx, path.slice('/api/'.length));
      return;
    }
    const response = /^\/response\/([A-Za-z0-9]+)$/.exec(path);
    if (response && method === 'POST') {
      ctx.body = parseBody(ctx.raw, ctx.headers['content-type']);
      this.handleResponseUrl(ctx, response[1] ?? '');
      return;
    }
    const upload = /^\/upload\/v1\/([A-Za-z0-9]+)$/.exec(path);
    if (upload && method === 'POST') {
      await this.handleUpload(ctx, upload[1] ?? '');
      return;
    }
    const file = /^\/files-pri\/[A-Z0-9]+-([A-Z0-9]+)\/.*$/.exec(path);
    if (file && method === 'GET') {
      const record = this.fileStore.get(file[1] ?? '');
      if (!record) {
        sendText(ctx.res, 404, 'file not found');
        return;
      }
      ctx.res.writeHead(200, {
        'content-type': record.file.mimetype,
        'content-length': String(record.content.length),
      });
      ctx.res.end(record.content);
      return;
    }
    if (method === 'GET' && (path === '/' || path.startsWith('/archives/'))) {
      this.renderArchive(ctx);
      return;
    }
    sendText(ctx.res, 404, 'Not Found');
  }

  private async handleApi(ctx: RequestContext, method: string): Promise<void> {
    const args = parseApiArgs(ctx.raw, ctx.headers['content-type'], ctx.query);
    ctx.body = redactToken(args);
    const fault = this.faults.get(method)?.shift();
    if (fault) {
      if (fault.status === 429 || fault.error === 'ratelimited') {
        sendJson(ctx.res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfter ?? 1) });
        return;
      }
      sendJson(ctx.res, fault.status ?? 200, { ok: false, error: fault.error ?? 'internal_error' });
      return;
    }
    let result: ApiResult;
    const auth = this.checkAuth(ctx.headers.authorization, args);
    if (auth) {
      result = { ok: false, error: auth };
    } else {
      try {
        result = await this.callMethod(method, args);
      } catch (error) {
        if (error instanceof SlackApiError) result = { ok: false, error: error.code, ...error.extra };
        else throw error;
      }
    }
    sendJson(ctx.res, 200, result, { 'x-slack-req-id': `emu-${this.calls.length + 1}` });
  }

  private checkAuth(header: string | undefined, args: Args): string | undefined {
    let token: string | undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (match) token = match[1];
    else if (typeof args.token === 'string') token = args.token;
    if (!token) return 'not_authed';
    if (this.token !== undefined) return token === this.token ? undefined : 'invalid_auth';
    return /^xox[bpe]-/.test(token) ? undefined : 'invalid_auth';
  }

  private async callMethod(method: string, args: Args): Promise<ApiResult> {
    switch (method) {
      case 'api.test':
        return { ok: true, args: redactToken(args) };
      case 'auth.test':
        return {
          ok: true,
          url: `https://${this.teamDomain}.slack.com/`,
          team: this.teamName,
          user: this.botUserName,
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.chatPostMessage(args);
      case 'chat.update':
        return this.chatUpdate(args);
      case 'chat.delete':
        return this.chatDelete(args);
      case 'chat.postEphemeral':
        return this.chatPostEphemeral(args);
      case 'chat.getPermalink': {
        const channel = this.channelArg(args.channel);
        const ts = str(args.message_ts);
        if (!this.messageStore.has(key(channel.id, ts))) throw new SlackApiError('message_not_found');
        return { ok: true, channel: channel.id, permalink: this.permalink(channel.id, ts) };
      }
      case 'conversations.info':
        return { ok: true, channel: this.channelObject(this.channelArg(args.channel)) };
      case 'conversations.open': {
        const users = str(args.users).split(',').filter(Boolean);
        const first = users[0];
        if (users.length !== 1 || first === undefined) throw new SlackApiError('not_enough_users');
        this.requireUserApi(first);
        return { ok: true, channel: { id: this.imChannelFor(first) } };
      }
      case 'conversations.history':
        return this.conversationsHistory(args);
      case 'conversations.replies': {
        const channel = this.channelArg(args.channel);
        const ts = str(args.ts);
        const thread = this.thread(channel.id, ts);
        if (thread.length === 0) throw new SlackApiError('thread_not_found');
        return { ok: true, messages: thread, has_more: false };
      }
      case 'users.info': {
        const user = this.requireUserApi(str(args.user));
        return { ok: true, user: this.userObject(user) };
      }
      case 'users.lookupByEmail': {
        const email = str(args.email).toLowerCase();
        const user = [...this.users.values()].find((u) => u.email?.toLowerCase() === email);
        if (!user) throw new SlackApiError('users_not_found');
        return { ok: true, user: this.userObject(user) };
      }
      case 'usergroups.users.list': {
        const members = this.usergroups.get(str(args.usergroup));
        if (!members) throw new SlackApiError('no_such_subteam');
        return { ok: true, users: [...members] };
      }
      case 'usergroups.list':
        return {
          ok: true,
          usergroups: [...this.usergroups.entries()].map(([id, users]) => ({
            id,
            team_id: this.teamId,
            is_usergroup: true,
            name: id,
            handle: id.toLowerCase(),
            user_count: users.length,
            ...(args.include_users === 'true' || args.include_users === true ? { users: [...users] } : {}),
          })),
        };
      case 'views.open':
        return this.viewsOpen(args, false);
      case 'views.push':
        return this.viewsOpen(args, true);
      case 'views.update':
        return this.viewsUpdate(args);
      case 'files.getUploadURLExternal':
        return this.filesGetUploadUrl(args);
      case 'files.completeUploadExternal':
        return this.filesComplete(args);
      case 'files.info': {
        const record = this.fileStore.get(str(args.file));
        if (!record || !record.completed) throw new SlackApiError('file_not_found');
        return { ok: true, file: record.file, content: record.text };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  // ---------------------------------------------------------------- chat.*

  private chatPostMessage(args: Args): ApiResult {
    const channel = this.channelArg(args.channel);
    const { text, blocks } = this.messageContent(args);
    const threadTs = optStr(args.thread_ts);
    const message = this.storeMessage(channel.id, { text, blocks, threadTs, source: 'chat.postMessage' });
    if (args.attachments !== undefined) message.attachments = asArray(args.attachments);
    if (args.metadata !== undefined) message.metadata = args.metadata;
    return { ok: true, channel: channel.id, ts: message.ts, message };
  }

  private chatUpdate(args: Args): ApiResult {
    const channel = this.channelArg(args.channel);
    const ts = str(args.ts);
    const stored = this.messageStore.get(key(channel.id, ts));
    if (!stored || stored.deleted) throw new SlackApiError('message_not_found');
    if (stored.message.user !== this.botUserId) throw new SlackApiError('cant_update_message');
    const text = args.text === undefined ? stored.message.text : str(args.text);
    const blocks = args.blocks === undefined ? stored.message.blocks : this.validatedBlocks(args.blocks, 50);
    this.replaceMessage(stored, text, blocks, 'chat.update');
    // Slack's chat.update answer carries the message without its `ts` (the top-level `ts` names it)
    const message: Partial<typeof stored.message> = { ...stored.message };
    delete message.ts;
    return { ok: true, channel: channel.id, ts, text, message };
  }

  private chatDelete(args: Args): ApiResult {
    const channel = this.channelArg(args.channel);
    const ts = str(args.ts);
    const stored = this.messageStore.get(key(channel.id, ts));
    if (!stored || stored.deleted) throw new SlackApiError('message_not_found');
    stored.deleted = true;
    this.record('delete', { channel: channel.id, ts });
    return { ok: true, channel: channel.id, ts };
  }

  private chatPostEphemeral(args: Args): ApiResult {
    const channel = this.channelArg(args.channel);
    const userId = str(args.user);
    if (!this.users.has(userId)) throw new SlackApiError('user_not_in_channel');
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

  private conversationsHistory(args: Args): ApiResult {
    const channel = this.channelArg(args.channel);
    const limit = Number(args.limit ?? 100) || 100;
    const oldest = args.oldest === undefined ? undefined : Number(args.oldest);
    const latest = args.latest === undefined ? undefined : Number(args.latest);
    const list = this.messages(channel.id)
      .filter((m) => (oldest === undefined || Number(m.ts) > oldest) && (latest === undefined || Number(m.ts) < latest))
      .reverse();
    return { ok: true, messages: list.slice(0, limit), has_more: list.length > limit, pin_count: 0 };
  }

  private messageContent(args: Args): { text: string; blocks: SlackBlock[] } {
    const blocks = args.blocks === undefined ? [] : this.validatedBlocks(args.blocks, 50);
    const text = optStr(args.text) ?? '';
    if (text === '' && blocks.length === 0 && args.attachments === undefined) throw new SlackApiError('no_text');
    if (text.length > 40000) throw new SlackApiError('msg_too_long');
    return { text, blocks };
  }

  private validatedBlocks(value: unknown, max: number): SlackBlock[] {
    if (!Array.isArray(value)) throw new SlackApiError('invalid_blocks_format');
    const errors = validateBlocks(value, max);
    if (errors.length > 0) {
      throw new SlackApiError('invalid_blocks', {
        errors,
        response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
      });
    }
    const salt = ++this.counter;
    return value.map((block: SlackBlock, i) => (typeof block.block_id === 'string' ? block : { ...block, block_id: shortHash(`${salt}:${i}`, 5) }));
  }

  private storeMessage(channel: string, input: { text: string; blocks: SlackBlock[]; threadTs?: string; source: string; files?: SlackFile[] }): SlackMessage {
    const ts = this.nextTs();
    const message: SlackMessage = {
      type: 'message',
      text: input.text,
      user: this.botUserId,
      bot_id: this.botId,
      app_id: this.appId,
      team: this.teamId,
      ts,
      blocks: input.blocks,
    };
    if (input.files) {
      message.files = input.files;
      message.upload = true;
    }
    if (input.threadTs !== undefined) {
      message.thread_ts = input.threadTs;
      const parent = this.messageStore.get(key(channel, input.threadTs));
      if (parent) {
        parent.message.thread_ts = parent.message.ts;
        parent.message.reply_count = (parent.message.reply_count ?? 0) + 1;
        const replyUsers = new Set(parent.message.reply_users ?? []);
        replyUsers.add(this.botUserId);
        parent.message.reply_users = [...replyUsers];
        parent.message.reply_users_count = replyUsers.size;
        parent.message.latest_reply = ts;
        message.parent_user_id = parent.message.user;
      }
    }
    this.messageStore.set(key(channel, ts), {
      channel,
      message,
      history: [{ text: input.text, blocks: input.blocks, at: this.now(), source: input.source }],
      deleted: false,
    });
    this.record('message', { channel, ts, message });
    return message;
  }

  private replaceMessage(stored: StoredMessage, text: string, blocks: SlackBlock[], source: string): void {
    stored.message.text = text;
    stored.message.blocks = blocks;
    stored.message.edited = { user: this.botUserId, ts: this.nextTs() };
    stored.history.push({ text, blocks, at: this.now(), source });
    this.record('update', { channel: stored.channel, ts: stored.message.ts, message: stored.message, source });
  }

  private storeEphemeral(input: { channel: string; user: string; text: string; blocks: SlackBlock[]; threadTs?: string; source: string }): SlackEphemeral {
    const ephemeral: SlackEphemeral = {
      channel: input.channel,
      user: input.user,
      message_ts: this.nextTs(),
      text: input.text,
      blocks: input.blocks,
      source: input.source,
      deleted: false,
      history: [{ text: input.text, blocks: input.blocks, at: this.now(), source: input.source }],
    };
    if (input.threadTs !== undefined) ephemeral.thread_ts = input.threadTs;
    this.ephemeralStore.push(ephemeral);
    this.record('ephemeral', ephemeral);
    return ephemeral;
  }

  // ---------------------------------------------------------------- views.*

  private viewsOpen(args: Args, push: boolean): ApiResult {
    const triggerId = str(args.trigger_id);
    const viewArg = args.view;
    if (!triggerId || viewArg === undefined) throw new SlackApiError('invalid_arguments');
    const trigger = this.triggers.get(triggerId);
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (this.now() - trigger.at > this.triggerTtlMs) throw new SlackApiError('expired_trigger_id');
    if (trigger.used) throw new SlackApiError('trigger_exchanged');
    const input = this.validatedView(viewArg);
    trigger.used = true;
    let root: SlackViewRecord | undefined;
    if (push) {
      root = [...this.viewStore.values()].reverse().find((r) => r.open && r.userId === trigger.userId);
      if (!root) throw new SlackApiError('view_not_found');
    }
    const id = this.newId('V');
    const view = this.buildView(id, input, root ? root.view.root_view_id : id, root ? root.view.id : null);
    const record: SlackViewRecord = { view, userId: trigger.userId, open: true, openedAt: this.now() };
    this.viewStore.set(id, record);
    this.record('view', { action: push ? 'push' : 'open', ...record });
    return { ok: true, view };
  }

  private viewsUpdate(args: Args): ApiResult {
    const viewId = optStr(args.view_id);
    const externalId = optStr(args.external_id);
    const record = [...this.viewStore.values()].find(
      (r) => (viewId !== undefined && r.view.id === viewId) || (externalId !== undefined && r.view.external_id === externalId),
    );
    if (!record) throw new SlackApiError('not_found');
    const hash = optStr(args.hash);
    if (hash !== undefined && hash !== record.view.hash) throw new SlackApiError('hash_conflict');
    if (args.view === undefined) throw new SlackApiError('invalid_arguments');
    const input = this.validatedView(args.view);
    record.view = this.buildView(record.view.id, input, record.view.root_view_id, record.view.previous_view_id);
    this.record('view', { action: 'update', ...record });
    return { ok: true, view: record.view };
  }

  private validatedView(value: unknown): Record<string, unknown> {
    const view = typeof value === 'string' ? safeJson(value) : value;
    if (!isRecord(view)) throw new SlackApiError('invalid_arguments');
    const messages: string[] = [];
    if (view.type !== 'modal' && view.type !== 'home') messages.push('must be a valid enum value [json-pointer:/view/type]');
    if (view.type === 'modal') {
      const title = view.title;
      if (!isRecord(title) || typeof title.text !== 'string') messages.push('must provide an object [json-pointer:/view/title]');
      else if (title.text.length > 24) messages.push('must be less than 25 characters [json-pointer:/view/title/text]');
    }
    if (!Array.isArray(view.blocks)) messages.push('must provide an array [json-pointer:/view/blocks]');
    else messages.push(...validateBlocks(view.blocks, 100).map((e) => e.replace('json-pointer:/blocks', 'json-pointer:/view/blocks')));
    if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) {
      messages.push('must be less than 3001 characters [json-pointer:/view/private_metadata]');
    }
    if (messages.length > 0) {
      throw new SlackApiError('invalid_arguments', { response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) } });
    }
    return view;
  }

  private buildView(id: string, input: Record<string, unknown>, rootId: string, previousId: string | null): SlackView {
    const view: SlackView = {
      id,
      team_id: this.teamId,
      type: str(input.type),
      blocks: (input.blocks as SlackBlock[]).map((b, i) => (typeof b.block_id === 'string' ? b : { ...b, block_id: shortHash(`${id}:${i}`) })),
      private_metadata: optStr(input.private_metadata) ?? '',
      callback_id: optStr(input.callback_id) ?? '',
      external_id: optStr(input.external_id) ?? '',
      state: { values: {} },
      hash: `${Math.floor(this.now() / 1000)}.${shortHash(`${id}:${++this.counter}`)}`,
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      root_view_id: rootId,
      previous_view_id: previousId,
      app_id: this.appId,
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    };
    if (input.title !== undefined) view.title = input.title;
    if (input.submit !== undefined) view.submit = input.submit;
    if (input.close !== undefined) view.close = input.close;
    return view;
  }

  private applyViewAck(record: SlackViewRecord, body: unknown): void {
    const ack = isRecord(body) ? body : {};
    const action = ack.response_action;
    if (action === 'errors' && isRecord(ack.errors)) {
      const errors: Record<string, string> = {};
      for (const [k, v] of Object.entries(ack.errors)) errors[k] = String(v);
      record.errors = errors;
      this.record('view', { action: 'errors', ...record });
      return;
    }
    delete record.errors;
    if (action === 'update' && isRecord(ack.view)) {
      record.view = this.buildView(record.view.id, this.validatedView(ack.view), record.view.root_view_id, record.view.previous_view_id);
      this.record('view', { action: 'update', ...record });
      return;
    }
    if (action === 'push' && isRecord(ack.view)) {
      const id = this.newId('V');
      const view = this.buildView(id, this.validatedView(ack.view), record.view.root_view_id, record.view.id);
      const pushed: SlackViewRecord = { view, userId: record.userId, open: true, openedAt: this.now() };
      this.viewStore.set(id, pushed);
      this.record('view', { action: 'push', ...pushed });
      return;
    }
    if (action === 'clear') {
      for (const r of this.viewStore.values()) {
        if (r.userId === record.userId && r.view.root_view_id === record.view.root_view_id && r.open) r.open = false;
      }
    }
    record.open = false;
    this.record('view', { action: 'close', ...record });
  }

  // ---------------------------------------------------------------- files

  private filesGetUploadUrl(args: Args): ApiResult {
    const filename = optStr(args.filename);
    const length = Number(args.length);
    if (!filename || !Number.isFinite(length) || length < 0) throw new SlackApiError('invalid_arguments');
    const id = this.newId('F');
    const created = Math.floor(this.now() / 1000);
    const { mimetype, filetype, prettyType } = fileType(filename);
    const file: SlackFile = {
      id,
      created,
      timestamp: created,
      name: filename,
      title: filename,
      mimetype,
      filetype,
      pretty_type: prettyType,
      user: this.botUserId,
      user_team: this.teamId,
      editable: false,
      size: length,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      url_private: `${this.url}/files-pri/${this.teamId}-${id}/${encodeURIComponent(filename)}`,
      url_private_download: `${this.url}/files-pri/${this.teamId}-${id}/download/${encodeURIComponent(filename)}`,
      permalink: `https://${this.teamDomain}.slack.com/files/${this.botUserId}/${id}/${encodeURIComponent(filename)}`,
      permalink_public: `https://slack-files.com/${this.teamId}-${id}-${shortHash(id)}`,
      channels: [],
      groups: [],
      ims: [],
      comments_count: 0,
    };
    if (typeof args.alt_text === 'string') file.alt_txt = args.alt_text;
    this.fileStore.set(id, { file, content: Buffer.alloc(0), text: '', uploaded: false, completed: false });
    return { ok: true, upload_url: `${this.url}/upload/v1/${id}`, file_id: id };
  }

  private async handleUpload(ctx: RequestContext, id: string): Promise<void> {
    const record = this.fileStore.get(id);
    if (!record) {
      sendText(ctx.res, 404, 'Not Found');
      return;
    }
    let content = ctx.raw;
    const type = ctx.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(ctx.raw, { headers: { 'content-type': type } }).formData();
      const blob = [...form.values()].find((v) => typeof v !== 'string');
      const field = form.get('body') ?? form.get('file');
      if (blob !== undefined && typeof blob !== 'string') content = Buffer.from(await blob.arrayBuffer());
      else if (typeof field === 'string') content = Buffer.from(field);
    }
    record.content = content;
    record.text = content.toString('utf8');
    record.file.size = content.length;
    record.uploaded = true;
    ctx.body = { fileId: id, bytes: content.length };
    sendText(ctx.res, 200, `OK - ${content.length}`);
  }

  private filesComplete(args: Args): ApiResult {
    const list = asArray(args.files);
    if (list.length === 0) throw new SlackApiError('invalid_arguments');
    const records: SlackFileRecord[] = [];
    for (const item of list) {
      const id = isRecord(item) ? optStr(item.id) : undefined;
      const record = id === undefined ? undefined : this.fileStore.get(id);
      if (!record || !record.uploaded) throw new SlackApiError('file_not_found');
      if (isRecord(item) && typeof item.title === 'string' && item.title !== '') record.file.title = item.title;
      records.push(record);
    }
    const channelArg = optStr(args.channel_id) ?? optStr(args.channels)?.split(',')[0];
    const threadTs = optStr(args.thread_ts);
    const files = records.map((r) => r.file);
    for (const record of records) record.completed = true;
    if (channelArg !== undefined) {
      const channel = this.channelArg(channelArg);
      const comment = optStr(args.initial_comment);
      const blocks = comment === undefined && args.blocks !== undefined ? this.validatedBlocks(args.blocks, 50) : [];
      const message = this.storeMessage(channel.id, {
        text: comment ?? '',
        blocks,
        threadTs,
        source: 'files.completeUploadExternal',
        files,
      });
      for (const record of records) {
        record.channel = channel.id;
        if (threadTs !== undefined) record.threadTs = threadTs;
        const bucket = channel.isPrivate ? 'private' : 'public';
        const share: { ts: string; thread_ts?: string; channel_name: string } = { ts: message.ts, channel_name: channel.name };
        if (threadTs !== undefined) share.thread_ts = threadTs;
        record.file.shares = { [bucket]: { [channel.id]: [share] } };
        if (channel.isIm) record.file.ims = [channel.id];
        else if (channel.isPrivate) record.file.groups = [channel.id];
        else record.file.channels = [channel.id];
      }
    }
    for (const record of records) this.record('file', record);
    return { ok: true, files };
  }

  // ---------------------------------------------------------------- response_url

  private handleResponseUrl(ctx: RequestContext, id: string): void {
    const entry = this.responseUrls.get(id);
    if (!entry) {
      sendJson(ctx.res, 404, { ok: false, error: 'invalid_url' });
      return;
    }
    if (this.now() - entry.at > RESPONSE_URL_TTL_MS) {
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
      blocks = blocksArg === undefined ? [] : this.validatedBlocks(blocksArg, 50);
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
        const eph = this.findEphemeral(entry.channel, entry.messageTs);
        if (eph) eph.deleted = true;
      } else {
        const stored = this.messageStore.get(key(entry.channel, entry.messageTs));
        if (stored) stored.deleted = true;
      }
      this.record('delete', { channel: entry.channel, ts: entry.messageTs, source: 'response_url' });
    } else if (truthy(body.replace_original) && entry.messageTs !== undefined) {
      if (entry.isEphemeral) {
        const eph = this.findEphemeral(entry.channel, entry.messageTs);
        if (eph) {
          eph.text = text;
          eph.blocks = blocks;
          eph.history.push({ text, blocks, at: this.now(), source: 'response_url' });
          this.record('ephemeral', eph);
        }
      } else {
        const stored = this.messageStore.get(key(entry.channel, entry.messageTs));
        if (!stored || stored.deleted) {
          sendJson(ctx.res, 404, { ok: false, error: 'message_not_found' });
          return;
        }
        this.replaceMessage(stored, text, blocks, 'response_url');
      }
    } else if (body.response_type === 'in_channel') {
      this.storeMessage(entry.channel, {
        text,
        blocks,
        threadTs: optStr(body.thread_ts) ?? entry.threadTs,
        source: 'response_url',
      });
    } else {
      this.storeEphemeral({
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

  private findEphemeral(channel: string, ts: string): SlackEphemeral | undefined {
    return this.ephemeralStore.find((e) => e.channel === channel && e.message_ts === ts);
  }

  // ---------------------------------------------------------------- client plumbing

  private async postToBot(
    rawBody: string,
    payload: Record<string, unknown>,
    triggerId: string,
    responseUrl: string | undefined,
    tamper: SignTamper,
    target?: string,
  ): Promise<BotResponse> {
    const url = target ?? this.botUrl;
    if (!url) throw new Error('SlackEmulator: botUrl is not set');
    const secret = tamper.signingSecret ?? this.signingSecret;
    if (secret === undefined) throw new Error('SlackEmulator: signingSecret is not set');
    const timestamp = tamper.timestamp ?? Math.floor(this.requestNow() / 1000);
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
      const res = await this.track(fetch(url, { method: 'POST', headers, body: rawBody, signal: AbortSignal.timeout(this.ackTimeoutMs) }));
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
    if (inChannel) this.storeMessage(channel, { text, blocks, source: 'ack' });
    else this.storeEphemeral({ channel, user: userId, text, blocks, source: 'ack' });
  }

  private newTrigger(userId: string): string {
    const n = ++this.counter;
    const id = `${Math.floor(this.now() / 1000)}.${n}.${shortHash(`trigger:${n}`, 24)}`;
    this.triggers.set(id, { at: this.now(), userId, used: false });
    return id;
  }

  private newResponseUrl(entry: Omit<ResponseUrlEntry, 'at' | 'uses'>): string {
    const n = ++this.counter;
    const id = `${this.teamId}${n}${shortHash(`response:${n}`, 16)}`;
    this.responseUrls.set(id, { ...entry, at: this.now(), uses: 0 });
    return `${this.url}/response/${id}`;
  }

  private nextTs(): string {
    const micros = Math.max(Math.floor(this.now() / 1000) * 1_000_000, this.lastTsMicros + 100);
    this.lastTsMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private newId(prefix: string): string {
    return `${prefix}${(++this.counter).toString(36).toUpperCase().padStart(10, '0')}`;
  }

  // ---------------------------------------------------------------- lookups & shapes

  private storedIn(channel: string): StoredMessage[] {
    return [...this.messageStore.values()].filter((m) => m.channel === channel && !m.deleted).sort((a, b) => compareTs(a.message.ts, b.message.ts));
  }

  private resolveChannelId(ref: string): string | undefined {
    if (this.channels.has(ref)) return ref;
    const name = ref.replace(/^#/, '');
    for (const channel of this.channels.values()) if (!channel.isIm && channel.name === name) return channel.id;
    if (/^[UW][A-Z0-9]+$/.test(ref) && this.users.has(ref)) return this.imChannelFor(ref);
    return undefined;
  }

  private channelArg(value: unknown): StoredChannel {
    const id = this.resolveChannelId(str(value));
    const channel = id === undefined ? undefined : this.channels.get(id);
    if (!channel) throw new SlackApiError('channel_not_found');
    return channel;
  }

  private requireUserApi(id: string): StoredUser {
    const user = this.users.get(id);
    if (!user) throw new SlackApiError('user_not_found');
    return user;
  }

  private requireUser(id: string): StoredUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`SlackEmulator: unknown user ${id} (seed it with users: or addUser())`);
    return user;
  }

  private requireChannel(id: string): StoredChannel {
    const resolved = this.resolveChannelId(id);
    const channel = resolved === undefined ? undefined : this.channels.get(resolved);
    if (!channel) throw new Error(`SlackEmulator: unknown channel ${id} (seed it with channels: or addChannel())`);
    return channel;
  }

  private permalink(channel: string, ts: string): string {
    return `${this.url}/archives/${channel}/p${ts.replace('.', '')}`;
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
      creator: this.botUserId,
      topic: { value: channel.topic, creator: '', last_set: 0 },
      purpose: { value: channel.purpose, creator: '', last_set: 0 },
      previous_names: [],
    };
  }

  private userObject(user: StoredUser): Record<string, unknown> {
    const { label, offset } = zoneInfo(user.tz, this.now());
    const profile: Record<string, unknown> = {
      real_name: user.realName,
      real_name_normalized: user.realName,
      display_name: user.name,
      display_name_normalized: user.name,
      team: this.teamId,
    };
    if (user.email !== undefined) profile.email = user.email;
    return {
      id: user.id,
      team_id: this.teamId,
      name: user.name,
      deleted: false,
      color: '9f69e7',
      real_name: user.realName,
      tz: user.tz,
      tz_label: label,
      tz_offset: offset,
      profile,
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: user.isBot,
      is_app_user: false,
      updated: Math.floor(this.now() / 1000),
    };
  }

  private renderArchive(ctx: RequestContext): void {
    const match = /^\/archives\/([A-Z0-9]+)(?:\/p(\d+))?/.exec(ctx.path);
    const channel = match?.[1];
    const rows = channel
      ? this.messages(channel)
          .map((m) => `<li><code>${escapeHtml(m.ts)}</code> ${escapeHtml(m.text)}</li>`)
          .join('\n')
      : [...this.channels.values()]
          .filter((c) => !c.isIm)
          .map((c) => `<li><a href="/archives/${c.id}">#${escapeHtml(c.name)}</a></li>`)
          .join('\n');
    sendText(
      ctx.res,
      200,
      `<!doctype html><html><head><meta charset="utf-8"><title>Slack emulator</title></head><body><h1>${escapeHtml(channel ?? this.teamName)}</h1><ul>${rows}</ul></body></html>`,
      'text/html; charset=utf-8',
    );
  }
}

// ------------------------------------------------------------------ helpers

function key(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

function compareTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  return Number(as) - Number(bs) || Number(af) - Number(bf);
}

function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

function optStr(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return str(value);
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    const parsed = safeJson(value);
    return Array.isArray(parsed) ? parsed : [];
  }
  return [];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function shortHash(input: string, length = 6): string {
  return createHash('sha1').update(input).digest('hex').slice(0, length);
}

function redactToken(args: Args): Args {
  if (!('token' in args)) return args;
  return { ...args, token: '[redacted]' };
}

/** Web API arguments from a form or JSON body (form fields like `blocks` hold JSON strings). */
function parseApiArgs(raw: Buffer, contentType: string | undefined, query: Record<string, string>): Args {
  const parsed = parseBody(raw, contentType);
  const args: Args = { ...query };
  if (isRecord(parsed)) {
    const isForm = (contentType ?? '').toLowerCase().includes('x-www-form-urlencoded');
    for (const [k, v] of Object.entries(parsed)) {
      if (isForm && typeof v === 'string' && JSON_FIELDS.has(k)) {
        const json = safeJson(v);
        args[k] = json === undefined ? v : json;
      } else {
        args[k] = v;
      }
    }
  }
  return args;
}

interface FoundAction {
  blockId: string;
  element: Record<string, unknown>;
}

/** Find the interactive element with `actionId` in blocks (actions, section accessory, input). */
function findAction(blocks: SlackBlock[], actionId: string, blockId?: string): FoundAction | undefined {
  for (const block of blocks) {
    const id = typeof block.block_id === 'string' ? block.block_id : '';
    if (blockId !== undefined && id !== blockId) continue;
    const candidates: unknown[] = [];
    if (Array.isArray(block.elements)) candidates.push(...(block.elements as unknown[]));
    if (block.accessory !== undefined) candidates.push(block.accessory);
    if (block.element !== undefined) candidates.push(block.element);
    for (const candidate of candidates) {
      if (isRecord(candidate) && candidate.action_id === actionId) return { blockId: id, element: candidate };
    }
  }
  return undefined;
}

/** Block Kit limits Slack enforces (subset): 50 blocks per message (100 per view), text and id lengths. */
function validateBlocks(blocks: unknown[], max: number): string[] {
  const errors: string[] = [];
  if (blocks.length > max) errors.push(`no more than ${max} items allowed [json-pointer:/blocks]`);
  blocks.forEach((block, i) => {
    const at = `/blocks/${i}`;
    if (!isRecord(block) || typeof block.type !== 'string') {
      errors.push(`missing required field: type [json-pointer:${at}]`);
      return;
    }
    if (typeof block.block_id === 'string' && block.block_id.length > 255) {
      errors.push(`must be less than 256 characters [json-pointer:${at}/block_id]`);
    }
    if (block.type === 'section') {
      const text = block.text;
      if (isRecord(text) && typeof text.text === 'string' && text.text.length > 3000) {
        errors.push(`must be less than 3001 characters [json-pointer:${at}/text/text]`);
      }
      if (text === undefined && !Array.isArray(block.fields)) {
        errors.push(`must provide either text or fields [json-pointer:${at}]`);
      }
    }
    if (block.type === 'header') {
      const text = block.text;
      if (isRecord(text) && typeof text.text === 'string' && text.text.length > 150) {
        errors.push(`must be less than 151 characters [json-pointer:${at}/text/text]`);
      }
    }
    const elements: Array<[string, unknown]> = [];
    if (Array.isArray(block.elements)) block.elements.forEach((e: unknown, j) => elements.push([`${at}/elements/${j}`, e]));
    if (block.accessory !== undefined) elements.push([`${at}/accessory`, block.accessory]);
    if (block.element !== undefined) elements.push([`${at}/element`, block.element]);
    for (const [path, element] of elements) {
      if (!isRecord(element)) continue;
      if (typeof element.action_id === 'string' && element.action_id.length > 255) {
        errors.push(`must be less than 256 characters [json-pointer:${path}/action_id]`);
      }
      if (element.type === 'button') {
        if (typeof element.value === 'string' && element.value.length > 2000) {
          errors.push(`must be less than 2001 characters [json-pointer:${path}/value]`);
        }
        const text = element.text;
        if (!isRecord(text) || typeof text.text !== 'string') {
          errors.push(`missing required field: text [json-pointer:${path}]`);
        } else if (text.text.length > 75) {
          errors.push(`must be less than 76 characters [json-pointer:${path}/text/text]`);
        }
      }
    }
  });
  return errors;
}

function fileType(name: string): { mimetype: string; filetype: string; prettyType: string } {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const table: Record<string, [string, string, string]> = {
    txt: ['text/plain', 'text', 'Plain Text'],
    log: ['text/plain', 'text', 'Plain Text'],
    md: ['text/plain', 'markdown', 'Markdown (raw)'],
    json: ['application/json', 'json', 'JSON'],
    csv: ['text/csv', 'csv', 'CSV'],
    yml: ['text/plain', 'yaml', 'YAML'],
    yaml: ['text/plain', 'yaml', 'YAML'],
    png: ['image/png', 'png', 'PNG'],
    pdf: ['application/pdf', 'pdf', 'PDF'],
  };
  const hit = table[ext];
  return hit ? { mimetype: hit[0], filetype: hit[1], prettyType: hit[2] } : { mimetype: 'application/octet-stream', filetype: 'binary', prettyType: 'Binary' };
}

/** Slack's `tz_label` / `tz_offset` (seconds east of UTC) for a zone at an instant. */
function zoneInfo(tz: string, at: number): { label: string; offset: number } {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(at);
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    const offset = Math.round((wall - Math.floor(at / 1000) * 1000) / 1000);
    const label =
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? tz;
    return { label, offset };
  } catch {
    return { label: 'Coordinated Universal Time', offset: 0 };
  }
}
