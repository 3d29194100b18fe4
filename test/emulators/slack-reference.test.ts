import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { SlackEmulator } from '../../src/emulators/slack-emulator';

/**
 * The Slack emulator and manifest.yml held to what Slack itself wrote: the recorded Web API
 * response samples and the app manifest JSON Schema (copied unmodified into
 * test/fixtures/slack-reference/, provenance in its README).
 */
const REF = path.join(__dirname, '..', 'fixtures', 'slack-reference');
const TOKEN = 'xoxb-reference';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function sample(method: string): Json {
  return JSON.parse(fs.readFileSync(path.join(REF, 'samples', `${method}.json`), 'utf8')) as Json;
}

function kind(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  return typeof v;
}

/** Keys the emulator answers that Slack's recorded sample does not have, or has with another type. */
function strayFields(actual: Json, expected: Json, at = '', skip: ReadonlySet<string> = new Set()): string[] {
  if (skip.has(at)) return [];
  // Slack answers null for an unset value of any type (previous_view_id, external_id, …)
  if (actual === null) return [];
  if (kind(actual) !== kind(expected)) return [`${at || '(root)'}: ${kind(actual)} where Slack sends ${kind(expected)}`];
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (expected.length === 0) return [];
    return actual.flatMap((item, i) => strayFields(item, expected[0] as Json, `${at}[${i}]`, skip).map((s) => s.replace(`[${i}]`, '[]'))).filter((s, i, all) => all.indexOf(s) === i);
  }
  if (actual && typeof actual === 'object' && !Array.isArray(actual) && expected && typeof expected === 'object' && !Array.isArray(expected)) {
    // a map keyed by IDs (files[].shares.public.<channel>): the sample holds one placeholder key
    const placeholder = Object.keys(expected).find((k) => /^[CGDUTF]0{8}$/.test(k));
    return Object.entries(actual).flatMap(([k, v]) => {
      const p = at ? `${at}.${k}` : k;
      if (!(k in expected) && placeholder && /^[CGDUTF][A-Z0-9]{2,}$/.test(k)) return strayFields(v, expected[placeholder] as Json, `${at}.<id>`, skip);
      if (!(k in expected)) return skip.has(p) ? [] : [`${p}: not in Slack's response`];
      return strayFields(v, expected[k] as Json, p, skip);
    });
  }
  return [];
}

function has(obj: Json, dotted: string): boolean {
  let cur: Json = obj;
  for (const k of dotted.split('.')) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur) || !(k in cur)) return false;
    cur = cur[k] as Json;
  }
  return true;
}

describe('the Slack emulator answers as Slack does (recorded samples)', () => {
  const slack = new SlackEmulator({
    token: TOKEN,
    signingSecret: 'reference-secret',
    users: [{ id: 'U0REF', name: 'rhea', realName: 'Rhea Reference', tz: 'Europe/London' }],
    channels: [{ id: 'C0REF', name: 'releases' }],
    usergroups: { S0REF: ['U0REF'] },
  });
  let bot: http.Server;
  let lastTrigger = '';

  beforeAll(async () => {
    // a bot that only records trigger ids (views.open needs a fresh one)
    bot = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += String(d)));
      req.on('end', () => {
        lastTrigger = new URLSearchParams(body).get('trigger_id') ?? lastTrigger;
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => bot.listen(0, '127.0.0.1', r));
    await slack.start();
    slack.botUrl = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    await slack.stop();
    await new Promise((r) => bot.close(r));
  });

  async function call(method: string, args: Record<string, unknown>): Promise<Json> {
    const res = await fetch(`${slack.url}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(args) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ ok: true });
    return body;
  }

  // Block Kit content is what the bot sent (checked by @slack/types at compile time), not Slack's answer shape
  // as are free-form maps: message metadata payloads and a view's state.values (keyed by block ids)
  const blocks = new Set(['message.blocks', 'view.blocks', 'blocks', 'message.metadata.event_payload', 'view.state.values']);

  async function parent(): Promise<string> {
    const posted = await call('chat.postMessage', { channel: 'C0REF', text: 'parent' });
    return String((posted as { ts: string }).ts);
  }

  const cases: Array<{ method: string; args: () => Promise<Record<string, unknown>>; required: string[] }> = [
    { method: 'auth.test', args: async () => ({}), required: ['ok', 'url', 'team', 'user', 'team_id', 'user_id', 'bot_id'] },
    { method: 'chat.postMessage', args: async () => ({ channel: 'C0REF', text: 'hello', metadata: { event_type: 'x', event_payload: { a: '1' } } }), required: ['ok', 'channel', 'ts', 'message.type', 'message.text', 'message.ts', 'message.bot_id', 'message.user'] },
    { method: 'chat.postMessage', args: async () => ({ channel: 'C0REF', text: 'reply', thread_ts: await parent() }), required: ['ok', 'channel', 'ts', 'message.thread_ts', 'message.parent_user_id'] },
    { method: 'chat.update', args: async () => ({ channel: 'C0REF', ts: await parent(), text: 'edited' }), required: ['ok', 'channel', 'ts', 'text', 'message.text', 'message.edited.ts'] },
    { method: 'chat.postEphemeral', args: async () => ({ channel: 'C0REF', user: 'U0REF', text: 'just you' }), required: ['ok', 'message_ts'] },
    { method: 'conversations.info', args: async () => ({ channel: 'C0REF' }), required: ['ok', 'channel.id', 'channel.name', 'channel.is_channel', 'channel.is_private', 'channel.is_archived'] },
    { method: 'users.info', args: async () => ({ user: 'U0REF' }), required: ['ok', 'user.id', 'user.name', 'user.tz', 'user.tz_offset', 'user.profile.real_name'] },
    { method: 'usergroups.users.list', args: async () => ({ usergroup: 'S0REF' }), required: ['ok', 'users'] },
    { method: 'files.getUploadURLExternal', args: async () => ({ filename: 'evidence.json', length: 2 }), required: ['ok', 'upload_url', 'file_id'] },
    {
      method: 'views.open',
      args: async () => {
        await slack.sendSlashCommand({ command: '/promote', text: 'x', userId: 'U0REF', channelId: 'C0REF' });
        return { trigger_id: lastTrigger, view: { type: 'modal', callback_id: 'c', title: { type: 'plain_text', text: 'Reject' }, submit: { type: 'plain_text', text: 'Reject' }, blocks: [] } };
      },
      required: ['ok', 'view.id', 'view.type', 'view.title.text', 'view.callback_id', 'view.state', 'view.hash'],
    },
  ];

  it.each(cases.map((c, i) => [`${c.method} #${i}`, c] as const))('%s: every field it answers is one Slack answers, with the same type, and the ones shipgate reads are there', async (_name, c) => {
    const actual = await call(c.method, await c.args());
    expect(strayFields(actual, sample(c.method), '', blocks)).toEqual([]);
    expect(c.required.filter((k) => !has(actual, k))).toEqual([]);
  });

  it('files.completeUploadExternal: the files it answers have the recorded shape', async () => {
    const url = (await call('files.getUploadURLExternal', { filename: 'evidence.md', length: 5 })) as { upload_url: string; file_id: string };
    const up = await fetch(url.upload_url, { method: 'POST', body: 'hello' });
    expect(up.status).toBe(200);
    const done = await call('files.completeUploadExternal', { files: [{ id: url.file_id, title: 'Evidence' }], channel_id: 'C0REF' });
    expect(strayFields(done, sample('files.completeUploadExternal'))).toEqual([]);
    expect(['ok', 'files'].filter((k) => !has(done, k))).toEqual([]);
  });

  it('can fail: a field Slack never sends is reported', () => {
    expect(strayFields({ ok: true, chanel: 'C1' }, sample('chat.postMessage'))).toEqual(['chanel: not in Slack\'s response']);
    expect(strayFields({ ok: 'yes' }, sample('chat.postMessage'))).toEqual(['ok: string where Slack sends boolean']);
  });
});

describe("manifest.yml follows Slack's app manifest schema", () => {
  const schema = JSON.parse(fs.readFileSync(path.join(REF, 'manifest-schema', 'manifest.schema.1.0.0.json'), 'utf8')) as Record<string, unknown>;
  const manifest = parseYaml(fs.readFileSync(path.join(__dirname, '..', '..', 'manifest.yml'), 'utf8')) as Record<string, unknown>;

  const compile = () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    return ajv.compile(schema);
  };

  it('validates against manifest.schema.1.0.0.json', () => {
    const validate = compile();
    expect(validate(manifest) ? [] : validate.errors).toEqual([]);
  });

  it('asks for every scope the Web API methods shipgate calls need', () => {
    const scopes = ((manifest.oauth_config as { scopes: { bot: string[] } }).scopes.bot ?? []).slice().sort();
    // chat.postMessage/update/postEphemeral, slash commands, usergroups.users.list, users.info,
    // files.uploadV2, conversations.replies (public and private channels), users.lookupByEmail
    // (a triggered promotion's commit author, kept from approving it)
    expect(scopes).toEqual(['channels:history', 'chat:write', 'commands', 'files:write', 'groups:history', 'usergroups:read', 'users:read', 'users:read.email']);
  });

  it('can fail: a manifest without its display name is refused', () => {
    const validate = compile();
    const broken = { ...manifest, display_information: {} };
    expect(validate(broken)).toBe(false);
  });
});
