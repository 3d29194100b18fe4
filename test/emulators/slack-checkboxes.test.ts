import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel } from '@slack/bolt';
import { WebClient, type Logger } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import { SlackEmulator } from '../../src/emulators/slack-emulator';
import { stateValuesFor } from '../../src/emulators/slack/view-state';

const TOKEN = 'xoxb-test-token';
const SECRET = 'test-signing-secret';
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, setLevel: () => undefined, getLevel: () => LogLevel.ERROR, setName: () => undefined };

const option = (value: string) => ({ text: { type: 'plain_text' as const, text: `Option ${value}` }, value });
const CHECKLIST_BLOCKS = [
  { type: 'section', block_id: 'intro', text: { type: 'mrkdwn', text: 'confirm' } },
  { type: 'input', block_id: 'check_dq', label: { type: 'plain_text', text: 'Data quality' }, element: { type: 'checkboxes', action_id: 'ticked', options: [option('dq')] } },
  { type: 'input', block_id: 'text_rb', label: { type: 'plain_text', text: 'Rollback' }, element: { type: 'plain_text_input', action_id: 'value' } },
];

describe('Slack emulator: checkboxes in modals and view_submission state as Slack builds it', () => {
  it.each<[string, Record<string, string | string[] | undefined>, Record<string, unknown>]>([
    [
      'nothing entered: every input block present, no option selected, an empty text is null',
      {},
      { check_dq: { ticked: { type: 'checkboxes', selected_options: [] } }, text_rb: { value: { type: 'plain_text_input', value: null } } },
    ],
    [
      'ticked and typed: the option copied from the element',
      { check_dq: ['dq'], text_rb: 'previous build' },
      { check_dq: { ticked: { type: 'checkboxes', selected_options: [option('dq')] } }, text_rb: { value: { type: 'plain_text_input', value: 'previous build' } } },
    ],
  ])('stateValuesFor: %s', (_name, inputs, expected) => {
    expect(stateValuesFor(CHECKLIST_BLOCKS, inputs)).toEqual(expected);
  });

  it.each<[string, Record<string, string[]>]>([
    ['an option the element does not have', { check_dq: ['other'] }],
    ['a block the view does not have', { check_nope: ['dq'] }],
  ])('stateValuesFor refuses %s (a person can only tick what is shown)', (_name, inputs) => {
    expect(() => stateValuesFor(CHECKLIST_BLOCKS, inputs)).toThrow(/SlackEmulator/);
  });

  it('views.open validates checkboxes (options required, at most 10, each with text and value) and input labels; a valid one opens and submits', async () => {
    const received: unknown[] = [];
    const bot = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const payload = new URLSearchParams(body).get('payload');
        if (payload) received.push(JSON.parse(payload));
        res.writeHead(200).end('');
      });
    });
    await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
    const emu = new SlackEmulator({ token: TOKEN, signingSecret: SECRET, users: [{ id: 'U1', name: 'alice' }], channels: [{ id: 'C1', name: 'releases' }] });
    await emu.start();
    emu.botUrl = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`;
    const web = new WebClient(TOKEN, { slackApiUrl: `${emu.url}/api/`, retryConfig: { retries: 0 }, logger: silent });
    const modal = (blocks: unknown[]) => ({ type: 'modal' as const, callback_id: 'c', title: { type: 'plain_text' as const, text: 'Checklist' }, blocks: blocks as KnownBlock[] });
    const messages = async (blocks: unknown[]) => {
      const cmd = await emu.sendSlashCommand({ text: 'x', userId: 'U1', channelId: 'C1' });
      try {
        await web.views.open({ trigger_id: cmd.triggerId, view: modal(blocks) });
        return [];
      } catch (e) {
        return (e as { data?: { response_metadata?: { messages?: string[] } } }).data?.response_metadata?.messages ?? ['?'];
      }
    };
    try {
      const input = (element: unknown, label: unknown = { type: 'plain_text', text: 'L' }) => [{ type: 'input', block_id: 'b', label, element }];
      expect(await messages(input({ type: 'checkboxes', action_id: 'a', options: [] }))).toEqual(['[ERROR] missing required field: options [json-pointer:/view/blocks/0/element]']);
      expect(await messages(input({ type: 'checkboxes', action_id: 'a', options: Array.from({ length: 11 }, (_, i) => option(String(i))) }))).toEqual([
        '[ERROR] no more than 10 items allowed [json-pointer:/view/blocks/0/element/options]',
      ]);
      expect(await messages(input({ type: 'checkboxes', action_id: 'a', options: [{ value: 'x' }] }))).toEqual(['[ERROR] missing required field: text or value [json-pointer:/view/blocks/0/element/options/0]']);
      expect(await messages(input({ type: 'checkboxes', action_id: 'a', options: [option('x')] }, undefined).map((b) => ({ ...b, label: undefined })))).toEqual(['[ERROR] missing required field: label [json-pointer:/view/blocks/0]']);
      expect(await messages(CHECKLIST_BLOCKS)).toEqual([]);
      const view = emu.views().at(-1)!;
      await emu.sendViewSubmission({ userId: 'U1', viewId: view.view.id, inputs: { check_dq: ['dq'] } });
      expect(received.at(-1)).toMatchObject({ type: 'view_submission', view: { id: view.view.id, state: { values: { check_dq: { ticked: { selected_options: [{ value: 'dq' }] } }, text_rb: { value: { value: null } } } } } });
    } finally {
      await emu.stop();
      await new Promise<void>((resolve) => bot.close(() => resolve()));
    }
  });
});
