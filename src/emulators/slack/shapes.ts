/**
 * The Slack emulator's object shapes as the Web API returns them (messages, their versions,
 * ephemerals, modals, files) and the seeds a workspace starts from.
 */
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
