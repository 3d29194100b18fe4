/**
 * The Slack emulator's store: the workspace (team, bot identity, users, channels and IMs,
 * usergroups), messages with their versions, ephemerals, modals, files, trigger ids and
 * response_urls, with the counter and `ts` clock they share. Every room reads and writes here.
 */
import { shortHash, SlackApiError, str } from './web-api';
import type { SlackChannelSeed, SlackEphemeral, SlackFileRecord, SlackMessage, SlackMessageVersion, SlackUserSeed, SlackViewRecord } from './shapes';

/** What the emulator lends its store: its URL, clock and event log. */
export interface SlackHost {
  baseUrl(): string;
  now(): number;
  record(type: string, data: unknown): void;
}

export interface SlackIdentity {
  botUserId: string;
  botUserName: string;
  botId: string;
  appId: string;
  teamId: string;
  teamName: string;
  teamDomain: string;
}

export interface StoredMessage {
  channel: string;
  message: SlackMessage;
  history: SlackMessageVersion[];
  deleted: boolean;
}

export interface StoredUser {
  id: string;
  name: string;
  realName: string;
  tz: string;
  email?: string;
  isBot: boolean;
}

export interface StoredChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  imUser?: string;
  created: number;
  topic: string;
  purpose: string;
}

export interface Trigger {
  at: number;
  userId: string;
  used: boolean;
}

export interface ResponseUrlEntry {
  at: number;
  uses: number;
  channel: string;
  userId: string;
  messageTs?: string;
  isEphemeral: boolean;
  threadTs?: string;
}

export function key(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

function compareTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  return Number(as) - Number(bs) || Number(af) - Number(bf);
}

export class SlackState {
  readonly users = new Map<string, StoredUser>();
  readonly channels = new Map<string, StoredChannel>();
  readonly usergroups = new Map<string, string[]>();
  readonly messageStore = new Map<string, StoredMessage>();
  readonly ephemeralStore: SlackEphemeral[] = [];
  readonly viewStore = new Map<string, SlackViewRecord>();
  readonly fileStore = new Map<string, SlackFileRecord>();
  readonly triggers = new Map<string, Trigger>();
  readonly responseUrls = new Map<string, ResponseUrlEntry>();
  private lastTsMicros = 0;
  private counter = 0;

  constructor(
    private readonly host: SlackHost,
    readonly identity: SlackIdentity,
  ) {}

  get url(): string {
    return this.host.baseUrl();
  }

  now(): number {
    return this.host.now();
  }

  record(type: string, data: unknown): void {
    this.host.record(type, data);
  }

  /** The shared counter behind block ids, view hashes, trigger ids, response_urls and object ids. */
  nextCount(): number {
    return ++this.counter;
  }

  nextTs(): string {
    const micros = Math.max(Math.floor(this.now() / 1000) * 1_000_000, this.lastTsMicros + 100);
    this.lastTsMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  newId(prefix: string): string {
    return `${prefix}${this.nextCount().toString(36).toUpperCase().padStart(10, '0')}`;
  }

  newTrigger(userId: string): string {
    const n = this.nextCount();
    const id = `${Math.floor(this.now() / 1000)}.${n}.${shortHash(`trigger:${n}`, 24)}`;
    this.triggers.set(id, { at: this.now(), userId, used: false });
    return id;
  }

  newResponseUrl(entry: Omit<ResponseUrlEntry, 'at' | 'uses'>): string {
    const n = this.nextCount();
    const id = `${this.identity.teamId}${n}${shortHash(`response:${n}`, 16)}`;
    this.responseUrls.set(id, { ...entry, at: this.now(), uses: 0 });
    return `${this.url}/response/${id}`;
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

  // ---------------------------------------------------------------- reads

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

  findEphemeral(channel: string, ts: string): SlackEphemeral | undefined {
    return this.ephemeralStore.find((e) => e.channel === channel && e.message_ts === ts);
  }

  resolveChannelId(ref: string): string | undefined {
    if (this.channels.has(ref)) return ref;
    const name = ref.replace(/^#/, '');
    for (const channel of this.channels.values()) if (!channel.isIm && channel.name === name) return channel.id;
    if (/^[UW][A-Z0-9]+$/.test(ref) && this.users.has(ref)) return this.imChannelFor(ref);
    return undefined;
  }

  /** The channel a Web API argument names (id, name or user for an IM), else `channel_not_found`. */
  channelArg(value: unknown): StoredChannel {
    const id = this.resolveChannelId(str(value));
    const channel = id === undefined ? undefined : this.channels.get(id);
    if (!channel) throw new SlackApiError('channel_not_found');
    return channel;
  }

  requireUserApi(id: string): StoredUser {
    const user = this.users.get(id);
    if (!user) throw new SlackApiError('user_not_found');
    return user;
  }

  /** A seeded user, for the client side (a test error, not an API answer). */
  requireUser(id: string): StoredUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`SlackEmulator: unknown user ${id} (seed it with users: or addUser())`);
    return user;
  }

  requireChannel(id: string): StoredChannel {
    const resolved = this.resolveChannelId(id);
    const channel = resolved === undefined ? undefined : this.channels.get(resolved);
    if (!channel) throw new Error(`SlackEmulator: unknown channel ${id} (seed it with channels: or addChannel())`);
    return channel;
  }

  permalink(channel: string, ts: string): string {
    return `${this.url}/archives/${channel}/p${ts.replace('.', '')}`;
  }

  private storedIn(channel: string): StoredMessage[] {
    return [...this.messageStore.values()].filter((m) => m.channel === channel && !m.deleted).sort((a, b) => compareTs(a.message.ts, b.message.ts));
  }
}
