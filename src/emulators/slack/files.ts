/**
 * Files: `files.getUploadURLExternal`, the upload itself (raw or multipart), then
 * `files.completeUploadExternal` sharing them into a channel or thread as a message,
 * `files.info`, and the `url_private` download.
 */
import { isRecord, sendText, type RequestContext } from '../emulator-base';
import type { ChatRoom } from './chat';
import type { SlackFile, SlackFileRecord } from './shapes';
import type { SlackState } from './state';
import { asArray, optStr, shortHash, SlackApiError, str, type ApiResult, type Args, type MethodTable } from './web-api';

export class FilesRoom {
  constructor(
    private readonly state: SlackState,
    private readonly chat: ChatRoom,
  ) {}

  register(methods: MethodTable): void {
    methods.set('files.getUploadURLExternal', (args) => this.getUploadUrl(args));
    methods.set('files.completeUploadExternal', (args) => this.complete(args));
    methods.set('files.info', (args) => {
      const record = this.state.fileStore.get(str(args.file));
      if (!record || !record.completed) throw new SlackApiError('file_not_found');
      return { ok: true, file: record.file, content: record.text };
    });
  }

  /** `GET /files-pri/<team>-<id>/…`: the file's bytes. */
  serveFile(ctx: RequestContext, id: string): void {
    const record = this.state.fileStore.get(id);
    if (!record) {
      sendText(ctx.res, 404, 'file not found');
      return;
    }
    ctx.res.writeHead(200, {
      'content-type': record.file.mimetype,
      'content-length': String(record.content.length),
    });
    ctx.res.end(record.content);
  }

  private getUploadUrl(args: Args): ApiResult {
    const filename = optStr(args.filename);
    const length = Number(args.length);
    if (!filename || !Number.isFinite(length) || length < 0) throw new SlackApiError('invalid_arguments');
    const id = this.state.newId('F');
    const created = Math.floor(this.state.now() / 1000);
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
      user: this.state.identity.botUserId,
      user_team: this.state.identity.teamId,
      editable: false,
      size: length,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      url_private: `${this.state.url}/files-pri/${this.state.identity.teamId}-${id}/${encodeURIComponent(filename)}`,
      url_private_download: `${this.state.url}/files-pri/${this.state.identity.teamId}-${id}/download/${encodeURIComponent(filename)}`,
      permalink: `https://${this.state.identity.teamDomain}.slack.com/files/${this.state.identity.botUserId}/${id}/${encodeURIComponent(filename)}`,
      permalink_public: `https://slack-files.com/${this.state.identity.teamId}-${id}-${shortHash(id)}`,
      channels: [],
      groups: [],
      ims: [],
      comments_count: 0,
    };
    if (typeof args.alt_text === 'string') file.alt_txt = args.alt_text;
    this.state.fileStore.set(id, { file, content: Buffer.alloc(0), text: '', uploaded: false, completed: false });
    return { ok: true, upload_url: `${this.state.url}/upload/v1/${id}`, file_id: id };
  }

  async handleUpload(ctx: RequestContext, id: string): Promise<void> {
    const record = this.state.fileStore.get(id);
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

  private complete(args: Args): ApiResult {
    const list = asArray(args.files);
    if (list.length === 0) throw new SlackApiError('invalid_arguments');
    const records: SlackFileRecord[] = [];
    for (const item of list) {
      const id = isRecord(item) ? optStr(item.id) : undefined;
      const record = id === undefined ? undefined : this.state.fileStore.get(id);
      if (!record || !record.uploaded) throw new SlackApiError('file_not_found');
      if (isRecord(item) && typeof item.title === 'string' && item.title !== '') record.file.title = item.title;
      records.push(record);
    }
    const channelArg = optStr(args.channel_id) ?? optStr(args.channels)?.split(',')[0];
    const threadTs = optStr(args.thread_ts);
    const files = records.map((r) => r.file);
    for (const record of records) record.completed = true;
    if (channelArg !== undefined) {
      const channel = this.state.channelArg(channelArg);
      const comment = optStr(args.initial_comment);
      const blocks = comment === undefined && args.blocks !== undefined ? this.chat.validatedBlocks(args.blocks, 50) : [];
      const message = this.chat.storeMessage(channel.id, {
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
    for (const record of records) this.state.record('file', record);
    return { ok: true, files };
  }
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
