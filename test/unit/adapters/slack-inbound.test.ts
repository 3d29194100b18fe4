import type { App } from '@slack/bolt';
import { classifySlackBody } from '../../../src/adapters/slack/slack-inbound';
import { SlackListenerRegistry } from '../../../src/adapters/slack/listener-registry';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const payload = (p: unknown) => form({ payload: JSON.stringify(p) });
const FORM = 'application/x-www-form-urlencoded';

// shaped like Slack's documented examples (docs.slack.dev interaction payloads / slash commands)
const command = {
  token: 'gIkuvaNzQIHg97ATvDxqgjtO', team_id: 'T0001', team_domain: 'example', enterprise_id: 'E0001', enterprise_name: 'Globular Construct Inc',
  channel_id: 'C2147483705', channel_name: 'test', user_id: 'U2147483697', user_name: 'Steve', command: '/promote', text: 'markets-pipeline prod',
  response_url: 'https://hooks.slack.com/commands/1234/5678', trigger_id: '13345224609.738474920.8088930838d88f008e0', api_app_id: 'A123456',
};
const click = {
  type: 'block_actions', user: { id: 'U2147483697', username: 'steve', name: 'steve', team_id: 'T0001' }, api_app_id: 'A123456', token: 'x',
  container: { type: 'message', message_ts: '1548426417.840180', channel_id: 'C2147483705', is_ephemeral: false },
  trigger_id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3', team: { id: 'T0001', domain: 'example' }, enterprise: null, is_enterprise_install: false,
  channel: { id: 'C2147483705', name: 'test' }, message: { type: 'message', ts: '1548426417.840180', text: 'x', blocks: [] }, state: { values: {} },
  response_url: 'https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209',
  actions: [{ action_id: 'promotion_approve', block_id: 'actions', text: { type: 'plain_text', text: 'Approve', emoji: true }, value: 'p-20260101-abcdef', style: 'primary', type: 'button', action_ts: '1548426417.840180' }],
};
const submission = {
  type: 'view_submission', team: { id: 'T0001', domain: 'example' }, user: { id: 'U2147483697', username: 'steve', name: 'steve', team_id: 'T0001' }, api_app_id: 'A123456', token: 'x', trigger_id: '1.2.3',
  view: {
    id: 'V0PKCA8CM', team_id: 'T0001', type: 'modal', callback_id: 'promotion_reject_modal', private_metadata: '{"id":"p-1"}', hash: '156663117.cd33ad1f',
    state: { values: { reason: { value: { type: 'plain_text_input', value: 'broken' } }, on_call: { value: { type: 'users_select', selected_user: null } } } },
  },
  response_urls: [], is_enterprise_install: false, enterprise: null,
};

describe('classifySlackBody: what Slack sends passes, anything else is refused with a reason', () => {
  it.each([
    ['a slash command', FORM, form(command), { kind: 'listener', listener: 'command', id: '/promote' }],
    ['a button click', FORM, payload(click), { kind: 'listener', listener: 'action', id: 'promotion_approve' }],
    ['a click without message (e.g. from an ephemeral)', FORM, payload({ ...click, message: undefined }), { kind: 'listener', listener: 'action', id: 'promotion_approve' }],
    ['a modal submission', FORM, payload(submission), { kind: 'listener', listener: 'view', id: 'promotion_reject_modal' }],
    ['a modal closed', FORM, payload({ ...submission, type: 'view_closed' }), { kind: 'listener', listener: 'view_closed', id: 'promotion_reject_modal' }],
    ['a global shortcut', FORM, payload({ type: 'shortcut', callback_id: 'sc', user: click.user, trigger_id: '1.2' }), { kind: 'listener', listener: 'shortcut', id: 'sc' }],
    ['Slack\'s SSL check (signed or not)', FORM, 'ssl_check=1&token=x', { kind: 'ignored', what: 'ssl_check' }],
    ['url_verification', 'application/json', JSON.stringify({ token: 'x', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' }), { kind: 'url_verification' }],
    ['an event', 'application/json', JSON.stringify({ type: 'event_callback', event_id: 'Ev1', team_id: 'T0001', event: { type: 'app_mention' } }), { kind: 'listener', listener: 'event', id: 'app_mention' }],
  ])('%s', (_label, mediaType, body, expected) => {
    expect(classifySlackBody(mediaType, body)).toMatchObject(expected);
  });

  it.each([
    ['payload=null', FORM, 'payload=null', 'malformed interaction payload'],
    ['payload not JSON', FORM, 'payload=%7B', 'payload is not JSON'],
    ['an unknown payload type', FORM, payload({ ...click, type: 'no_such_type' }), 'malformed interaction payload'],
    ['a click without actions', FORM, payload({ ...click, actions: [] }), 'actions'],
    ['a click whose user id is a number', FORM, payload({ ...click, user: { id: 42 } }), 'user.id'],
    ['a button value over 2000 chars', FORM, payload({ ...click, actions: [{ ...click.actions[0], value: 'x'.repeat(2001) }] }), 'actions.0.value'],
    ['a modal input value that is not a string', FORM, payload({ ...submission, view: { ...submission.view, state: { values: { reason: { value: { type: 'plain_text_input', value: 7 } } } } } }), 'view.state.values.reason.value.value'],
    ['a modal without state', FORM, payload({ ...submission, view: { ...submission.view, state: undefined } }), 'view.state'],
    ['a command without user_id', FORM, form({ ...command, user_id: '' }), 'user_id'],
    ['a command whose response_url is not a URL', FORM, form({ ...command, response_url: 'javascript:alert(1)' }), 'response_url'],
    ['a field sent twice', FORM, `${form(command)}&user_id=U2`, 'more than once'],
    ['JSON null', 'application/json', 'null', 'malformed Events API body'],
    ['an event without event', 'application/json', JSON.stringify({ type: 'event_callback' }), 'event'],
    ['text/plain', 'text/plain', 'hi', 'unsupported content type'],
  ])('%s → invalid', (_label, mediaType, body, reason) => {
    const r = classifySlackBody(mediaType, body);
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toContain(reason);
  });
});

describe('SlackListenerRegistry: records what the app listens to, forwards the registration', () => {
  it('matches strings, regexes and constraint objects per kind', () => {
    const calls: string[] = [];
    const fake = {
      command: (c: unknown) => calls.push(`command ${String(c)}`),
      action: (c: unknown) => calls.push(`action ${JSON.stringify(c) ?? String(c)}`),
      view: () => calls.push('view'),
      shortcut: () => calls.push('shortcut'),
      use: () => calls.push('use'),
    } as unknown as App;
    const registry = new SlackListenerRegistry();
    const app = registry.recording(fake);
    app.command('/promote', async () => undefined);
    app.action(/^promotion_/, async () => undefined);
    app.action({ block_id: 'b' }, async () => undefined);
    app.view('modal_a', async () => undefined);
    app.view({ callback_id: 'modal_b', type: 'view_closed' }, async () => undefined);
    app.use(async () => undefined);
    expect(calls).toHaveLength(6);
    expect(registry.handles('command', '/promote')).toBe(true);
    expect(registry.handles('command', '/rollback')).toBe(false);
    expect(registry.handles('action', 'promotion_approve')).toBe(true);
    expect(registry.handles('action', 'anything')).toBe(true); // the block_id constraint matches any action id
    expect(registry.handles('view', 'modal_a')).toBe(true);
    expect(registry.handles('view_closed', 'modal_a')).toBe(false);
    expect(registry.handles('view_closed', 'modal_b')).toBe(true);
    expect(registry.handles('shortcut', 'x')).toBe(false);
  });
});
