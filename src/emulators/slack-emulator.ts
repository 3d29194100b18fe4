/**
 * Slack emulator: the Web API a bot calls (`POST /api/<method>`) with real
 * state (messages, threads, edits, ephemerals, modals, files), and a "Slack
 * client" that sends signed slash commands and interactions to the bot the way
 * Slack does (response_url, trigger_id, 3 s trigger expiry, ack handling).
 *
 * Used by integration tests and by the sandbox console.
 *
 * This class composes the rooms under `./slack/` (each adds its Web API methods to the
 * gateway's method table) and keeps the seeding, query and client API tests use.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { EmulatorBase, type EmulatorOptions, type RequestContext, parseBody, sendText } from './emulator-base';
import type { ActiveFault, FaultRule } from './fault-plan';
import { Archive } from './slack/archive';
import { BotClient, type BlockActionArgs, type BotResponse, type SignTamper, type SlashCommandArgs, type ViewSubmissionArgs } from './slack/bot-client';
import { ChatRoom } from './slack/chat';
import { ConversationsRoom } from './slack/conversations';
import { FilesRoom } from './slack/files';
import { Gateway } from './slack/gateway';
import { ResponseUrlRoom } from './slack/response-url';
import type { SlackChannelSeed, SlackEphemeral, SlackFileRecord, SlackMessage, SlackMessageVersion, SlackUserSeed, SlackViewRecord } from './slack/shapes';
import { SocketModeRoom, type EnvelopeType } from './slack/socket-mode';
import { key, SlackState } from './slack/state';
import { UsersRoom } from './slack/users';
import { ViewsRoom } from './slack/views';
import { parseApiArgs, redactToken, type SlackFault } from './slack/web-api';

export type {
  SlackBlock,
  SlackChannelSeed,
  SlackEphemeral,
  SlackFile,
  SlackFileRecord,
  SlackMessage,
  SlackMessageVersion,
  SlackUserSeed,
  SlackView,
  SlackViewRecord,
} from './slack/shapes';
export type { BlockActionArgs, BotResponse, SignTamper, SlashCommandArgs, ViewSubmissionArgs } from './slack/bot-client';
export type { SlackFault } from './slack/web-api';
export type { DisconnectReason, EnvelopeType, SocketDelivery } from './slack/socket-mode';

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
  /** Socket Mode: commands, clicks and modal submissions go to the bot over its WebSocket(s), not HTTP. */
  socketMode?: boolean;
  /** The app-level token `apps.connections.open` accepts; when unset any `xapp-` token is accepted. */
  appToken?: string;
  /** Socket Mode re-deliveries after a missing ack (Slack: 3). */
  socketMaxRetries?: number;
  /** How long after a `warning` disconnect the socket is closed (Slack: ~10 s). */
  socketWarningCloseMs?: number;
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
  /** Socket Mode on: `sendSlashCommand`/`sendBlockAction`/`sendViewSubmission` deliver envelopes. */
  socketMode: boolean;
  /** Socket Mode's server side: connections, disconnects, drops, missed acks. */
  readonly socket: SocketModeRoom;

  private readonly state: SlackState;
  private readonly gateway: Gateway;
  private readonly responseUrls: ResponseUrlRoom;
  private readonly fileRoom: FilesRoom;
  private readonly archive: Archive;
  private readonly client: BotClient;

  constructor(options: SlackEmulatorOptions = {}) {
    super(options);
    this.signingSecret = options.signingSecret;
    this.botUrl = options.botUrl;
    this.botUserId = options.botUserId ?? 'U0SHIPGATE';
    this.botUserName = options.botUserName ?? 'shipgate';
    this.botId = options.botId ?? 'B0SHIPGATE';
    this.appId = options.appId ?? 'A0SHIPGATE';
    this.teamId = options.teamId ?? 'T0SHIPGATE';
    this.teamName = options.teamName ?? 'Shipgate Sandbox';
    this.teamDomain = options.teamDomain ?? 'shipgate-sandbox';
    const host = {
      baseUrl: () => this.url,
      now: () => this.now(),
      record: (type: string, data: unknown) => this.record(type, data),
    };
    const state = (this.state = new SlackState(host, {
      botUserId: this.botUserId,
      botUserName: this.botUserName,
      botId: this.botId,
      appId: this.appId,
      teamId: this.teamId,
      teamName: this.teamName,
      teamDomain: this.teamDomain,
    }));
    const chat = new ChatRoom(state);
    const views = new ViewsRoom(state, options.triggerTtlMs ?? 3000);
    const files = (this.fileRoom = new FilesRoom(state, chat));
    this.responseUrls = new ResponseUrlRoom(state, chat);
    this.archive = new Archive(state);
    const requestNow = options.requestNow ?? (() => this.now());
    this.socketMode = options.socketMode ?? false;
    this.socket = new SocketModeRoom({
      appToken: options.appToken,
      appId: this.appId,
      baseUrl: () => this.url,
      ackTimeoutMs: options.ackTimeoutMs ?? 3000,
      maxRetries: options.socketMaxRetries ?? 3,
      warningCloseMs: options.socketWarningCloseMs ?? 10_000,
      pingIntervalMs: 5000,
      record: (type, data) => this.record(type, data),
    });
    this.client = new BotClient(state, chat, views, {
      verificationToken: options.verificationToken ?? 'emulator-verification-token',
      ackTimeoutMs: options.ackTimeoutMs ?? 3000,
      requestNow,
      botUrl: () => this.botUrl,
      signingSecret: () => this.signingSecret,
      track: (promise) => this.track(promise),
      socket: () => (this.socketMode ? this.socket : undefined),
    });
    this.gateway = new Gateway(state, { token: options.token, callCount: () => this.calls.length });
    const methods = this.gateway.methods;
    chat.register(methods);
    new ConversationsRoom(state).register(methods);
    new UsersRoom(state).register(methods);
    views.register(methods);
    files.register(methods);

    for (const user of options.users ?? []) this.addUser(user);
    for (const channel of options.channels ?? []) this.addChannel(channel);
    for (const [id, members] of Object.entries(options.usergroups ?? {})) this.setUsergroup(id, members);
    state.users.set(this.botUserId, {
      id: this.botUserId,
      name: this.botUserName,
      realName: this.botUserName,
      tz: 'Europe/London',
      isBot: true,
    });
  }

  // ---------------------------------------------------------------- seeding

  addUser(user: SlackUserSeed): void {
    this.state.addUser(user);
  }

  addChannel(channel: SlackChannelSeed): void {
    this.state.addChannel(channel);
  }

  setUsergroup(id: string, userIds: string[]): void {
    this.state.setUsergroup(id, userIds);
  }

  /** The next call(s) to `method` fail as configured (rate limits, internal errors). */
  failNext(method: string, fault: SlackFault, times = 1): void {
    this.gateway.failNext(method, fault, times);
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
    return this.state.messages(channel);
  }

  /** A thread: the parent message then its replies, oldest first. */
  thread(channel: string, ts: string): SlackMessage[] {
    return this.state.thread(channel, ts);
  }

  /** One message (latest version), including thread replies. */
  message(channel: string, ts: string): SlackMessage | undefined {
    const id = this.state.resolveChannelId(channel) ?? channel;
    const stored = this.state.messageStore.get(key(id, ts));
    return stored && !stored.deleted ? stored.message : undefined;
  }

  /** Every version of a message, oldest first (the last one is current). */
  history(channel: string, ts: string): SlackMessageVersion[] {
    const id = this.state.resolveChannelId(channel) ?? channel;
    return [...(this.state.messageStore.get(key(id, ts))?.history ?? [])];
  }

  /** Ephemeral messages (visible to one user), oldest first. */
  ephemerals(userId?: string): SlackEphemeral[] {
    return this.state.ephemeralStore.filter((e) => !e.deleted && (userId === undefined || e.user === userId));
  }

  /** Every modal opened, oldest first (`open` false once closed). */
  views(): SlackViewRecord[] {
    return [...this.state.viewStore.values()];
  }

  /** Uploaded files with their content. */
  files(): SlackFileRecord[] {
    return [...this.state.fileStore.values()].filter((f) => f.completed);
  }

  /** IM channel id for a user (created on first use), as `conversations.open` returns. */
  imChannelFor(userId: string): string {
    return this.state.imChannelFor(userId);
  }

  // ---------------------------------------------------------------- client side (Slack → bot)

  /** Send a slash command to the bot exactly like Slack (form-encoded, signed). */
  sendSlashCommand(args: SlashCommandArgs, tamper: SignTamper = {}): Promise<BotResponse> {
    return this.client.sendSlashCommand(args, tamper);
  }

  /** Click a button: sends a `block_actions` payload for a stored message (or ephemeral, or modal). */
  sendBlockAction(args: BlockActionArgs, tamper: SignTamper = {}): Promise<BotResponse> {
    return this.client.sendBlockAction(args, tamper);
  }

  /** Submit a modal: sends a `view_submission` payload and applies the bot's `response_action`. */
  sendViewSubmission(args: ViewSubmissionArgs, tamper: SignTamper = {}): Promise<BotResponse> {
    return this.client.sendViewSubmission(args, tamper);
  }

  /** Socket Mode: delivers an `events_api` envelope (`event_callback` around `event`), re-delivered until acked. */
  sendEvent(event: Record<string, unknown>): ReturnType<SocketModeRoom['deliver']> {
    const payload = {
      token: 'emulator-verification-token',
      team_id: this.teamId,
      api_app_id: this.appId,
      event,
      type: 'event_callback',
      event_id: `Ev${this.state.nextTs().replace('.', '')}`,
      event_time: Math.floor(this.now() / 1000),
    };
    return this.track(this.socket.deliver('events_api' satisfies EnvelopeType, payload, false));
  }

  // ---------------------------------------------------------------- HTTP

  protected override handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    this.socket.upgrade(req, socket, head);
  }

  protected override onStopping(): void {
    this.socket.stop();
  }

  protected override async handle(ctx: RequestContext): Promise<void> {
    const { path, method } = ctx;
    if (path === '/api/apps.connections.open') {
      this.socket.openTicket(ctx);
      return;
    }
    if (path.startsWith('/api/')) {
      await this.gateway.handle(ctx, path.slice('/api/'.length));
      return;
    }
    const response = /^\/response\/([A-Za-z0-9]+)$/.exec(path);
    if (response && method === 'POST') {
      ctx.body = parseBody(ctx.raw, ctx.headers['content-type']);
      this.responseUrls.handle(ctx, response[1] ?? '');
      return;
    }
    const upload = /^\/upload\/v1\/([A-Za-z0-9]+)$/.exec(path);
    if (upload && method === 'POST') {
      await this.fileRoom.handleUpload(ctx, upload[1] ?? '');
      return;
    }
    const file = /^\/files-pri\/[A-Z0-9]+-([A-Z0-9]+)\/.*$/.exec(path);
    if (file && method === 'GET') {
      this.fileRoom.serveFile(ctx, file[1] ?? '');
      return;
    }
    if (method === 'GET' && (path === '/' || path.startsWith('/archives/'))) {
      this.archive.render(ctx);
      return;
    }
    sendText(ctx.res, 404, 'Not Found');
  }
}
