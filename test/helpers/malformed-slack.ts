import { signSlackRequest } from '../../src/emulators/slack-signature';

/** A signed request to `/slack/events`, as Slack would send it (or as an attacker with the secret would). */
export interface SignedSlackRequest {
  label: string;
  body: string;
  headers: Record<string, string>;
}

export function signedSlack(secret: string, body: string, opts: { timestamp?: number; contentType?: string; headers?: Record<string, string> } = {}): Record<string, string> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': signSlackRequest(secret, ts, body),
    ...opts.headers,
  };
}

const HUGE = 'x'.repeat(300_000);
const ODD_VALUES: unknown[] = [null, 0, -1, 1e308, true, '', 'x', HUGE, [], [1, 2], {}, { a: 1 }, '<!channel> & <http://x|y>'];

function blockActions(): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: 'U0ENGINEER', username: 'erin', name: 'erin', team_id: 'T0SHIPGATE' },
    api_app_id: 'A0SHIPGATE',
    token: 'verification',
    trigger_id: '1.2.abc',
    team: { id: 'T0SHIPGATE', domain: 'shipgate' },
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0RELEASES', is_ephemeral: false },
    channel: { id: 'C0RELEASES', name: 'releases' },
    message: { ts: '1700000000.000100', text: 'approval', blocks: [] },
    response_url: 'http://127.0.0.1:9/actions/T0/1/abc',
    actions: [{ type: 'button', block_id: 'b', action_id: 'promotion_approve', value: 'p-20990101-zzzzzz', action_ts: '1700000001.000200' }],
    state: { values: {} },
  };
}

function viewSubmission(callbackId: string): Record<string, unknown> {
  return {
    type: 'view_submission',
    user: { id: 'U0ENGINEER', username: 'erin', name: 'erin', team_id: 'T0SHIPGATE' },
    team: { id: 'T0SHIPGATE', domain: 'shipgate' },
    api_app_id: 'A0SHIPGATE',
    trigger_id: '1.2.abc',
    view: {
      id: 'V0001',
      type: 'modal',
      callback_id: callbackId,
      private_metadata: JSON.stringify({ id: 'p-20990101-zzzzzz', channelId: 'C0RELEASES', messageTs: '1700000000.000100' }),
      state: { values: { reason: { value: { type: 'plain_text_input', value: 'because it is broken' } }, justification: { value: { type: 'plain_text_input', value: 'a long enough justification' } } } },
    },
  };
}

function command(): Record<string, string> {
  return {
    token: 'verification',
    team_id: 'T0SHIPGATE',
    team_domain: 'shipgate',
    channel_id: 'C0RELEASES',
    channel_name: 'releases',
    user_id: 'U0ENGINEER',
    user_name: 'erin',
    command: '/promote',
    text: 'help',
    api_app_id: 'A0SHIPGATE',
    response_url: 'http://127.0.0.1:9/commands/T0/1/abc',
    trigger_id: '1.2.abc',
  };
}

/** Sets `path` (dot separated; numeric parts index arrays) to `value`, or deletes it when `value` is `undefined`. */
function mutate(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const parts = path.split('.');
  let cur: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (typeof next !== 'object' || next === null) return copy;
    cur = next as Record<string, unknown>;
  }
  const last = parts.at(-1)!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

const ACTION_PATHS = ['type', 'user', 'user.id', 'trigger_id', 'team', 'team.id', 'channel', 'channel.id', 'message', 'message.ts', 'container', 'response_url', 'actions', 'actions.0', 'actions.0.action_id', 'actions.0.value', 'actions.0.type', 'actions.0.block_id', 'state'];
const VIEW_PATHS = ['type', 'user', 'user.id', 'view', 'view.callback_id', 'view.private_metadata', 'view.state', 'view.state.values', 'view.state.values.reason', 'view.state.values.reason.value', 'view.state.values.reason.value.value', 'view.state.values.justification.value.value', 'team'];
const COMMAND_FIELDS = ['command', 'text', 'user_id', 'channel_id', 'channel_name', 'user_name', 'response_url', 'trigger_id', 'team_id'];

/**
 * A few hundred malformed but signed Slack requests: every field of a click, a modal submission and
 * a slash command missing or replaced by a value of the wrong type (or a huge one), unknown payload
 * types, and bodies that are not what the content type says.
 */
export function malformedSlackRequests(secret: string): SignedSlackRequest[] {
  const out: SignedSlackRequest[] = [];
  const form = (label: string, body: string, contentType?: string) => out.push({ label, body, headers: signedSlack(secret, body, contentType ? { contentType } : {}) });
  const payload = (label: string, p: unknown) => form(label, new URLSearchParams({ payload: JSON.stringify(p) }).toString());

  for (const raw of ['null', '1', '"text"', '[]', '{}', 'true', '{"type":', '', HUGE]) form(`payload=${raw.slice(0, 20)}`, `payload=${encodeURIComponent(raw)}`);
  for (const type of ['shortcut', 'message_action', 'block_suggestion', 'view_closed', 'interactive_message', 'dialog_submission', 'workflow_step_edit', 'no_such_type', '', 'block_actions ']) {
    payload(`type=${type}`, { ...blockActions(), type, callback_id: 'x', view: { id: 'V1', callback_id: 'x' } });
  }
  payload('unknown action id', mutate(blockActions(), 'actions.0.action_id', 'no_such_action'));
  payload('unknown view callback', viewSubmission('no_such_modal'));
  for (const path of ACTION_PATHS) {
    payload(`block_actions without ${path}`, mutate(blockActions(), path, undefined));
    for (const v of ODD_VALUES) payload(`block_actions ${path}=${JSON.stringify(v).slice(0, 20)}`, mutate(blockActions(), path, v));
  }
  for (const callback of ['promotion_reject_modal', 'promotion_override_modal', 'promotion_checklist_modal']) {
    for (const path of VIEW_PATHS) {
      payload(`${callback} without ${path}`, mutate(viewSubmission(callback), path, undefined));
      for (const v of ODD_VALUES) payload(`${callback} ${path}=${JSON.stringify(v).slice(0, 20)}`, mutate(viewSubmission(callback), path, v));
    }
  }
  for (const field of COMMAND_FIELDS) {
    const without = command();
    delete without[field];
    form(`command without ${field}`, new URLSearchParams(without).toString());
    for (const v of ['', HUGE, '\u0000', '%%%', '<!channel>']) form(`command ${field}=${v.slice(0, 10)}`, new URLSearchParams({ ...command(), [field]: v }).toString());
  }
  form('command /unknown', new URLSearchParams({ ...command(), command: '/unknown' }).toString());
  form('form body as json', new URLSearchParams(command()).toString(), 'application/json');
  form('json null', 'null', 'application/json');
  form('json event without event', JSON.stringify({ type: 'event_callback' }), 'application/json');
  form('json unknown type', JSON.stringify({ type: 'no_such_type' }), 'application/json');
  form('text/plain', 'hello', 'text/plain');
  form('form with charset', new URLSearchParams({ payload: 'null' }).toString(), 'application/x-www-form-urlencoded; charset=utf-8');
  return out;
}
