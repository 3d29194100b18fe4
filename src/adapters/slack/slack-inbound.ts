import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';
import type { ListenerKind } from './listener-registry';

/*
 * zod schemas of what Slack sends to `/slack/events`, checked before Bolt or a listener sees a request.
 * They require what Bolt and shipgate's listeners dereference (with the types and Block Kit limits
 * Slack documents) and let every other field through untouched.
 */

const slackId = z.string().regex(/^[A-Z0-9]{2,40}$/, 'a Slack ID');
const userId = z.string().regex(/^[UW][A-Z0-9]{2,40}$/, 'a Slack user ID');
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,40}$/, 'a Slack channel ID');
const messageTs = z.string().regex(/^\d{1,12}\.\d{1,9}$/, 'a Slack message ts');
const responseUrl = z.url({ protocol: /^https?$/ }).max(2000);
const shortText = z.string().max(255);

const user = z.looseObject({ id: userId, team_id: slackId.optional(), username: shortText.optional(), name: shortText.optional() });
const team = z.looseObject({ id: slackId }).nullish();
const enterprise = z.looseObject({ id: slackId }).nullish();

/** `view.state.values`: `{ block_id: { action_id: element state } }` (plain text inputs ≤ 3000 chars). */
const stateValues = z.record(
  shortText,
  z.record(
    shortText,
    z.looseObject({
      type: z.string().min(1).max(50),
      value: z.string().max(3000).nullish(),
      selected_user: userId.nullish(),
      selected_users: z.array(userId).max(100).nullish(),
      selected_option: z.looseObject({ value: z.string().max(2000) }).nullish(),
      selected_options: z.array(z.looseObject({ value: z.string().max(2000) })).max(100).nullish(),
    }),
  ),
);

const view = z.looseObject({
  id: slackId,
  callback_id: shortText,
  private_metadata: z.string().max(3000).optional(),
  state: z.looseObject({ values: stateValues }),
});

const common = { user, team, enterprise, api_app_id: slackId.optional(), trigger_id: z.string().max(255).optional() };

const blockActions = z.looseObject({
  ...common,
  type: z.literal('block_actions'),
  actions: z
    .array(z.looseObject({ type: z.string().min(1).max(50), action_id: z.string().min(1).max(255), block_id: shortText.optional(), value: z.string().max(2000).optional(), action_ts: messageTs.optional() }))
    .min(1)
    .max(10),
  channel: z.looseObject({ id: channelId, name: shortText.optional() }).optional(),
  message: z.looseObject({ ts: messageTs, thread_ts: messageTs.optional() }).optional(),
  container: z.looseObject({ type: z.string().min(1).max(50) }).optional(),
  response_url: responseUrl.optional(),
  view: z.looseObject({ id: slackId, callback_id: shortText.optional() }).optional(),
  state: z.looseObject({ values: stateValues }).optional(),
});

const viewPayload = z.looseObject({ ...common, type: z.enum(['view_submission', 'view_closed']), view, response_urls: z.array(z.looseObject({ response_url: responseUrl })).max(10).optional() });
const callbackPayload = z.looseObject({
  ...common,
  type: z.enum(['shortcut', 'message_action', 'interactive_message', 'dialog_submission', 'dialog_cancellation', 'dialog_suggestion']),
  callback_id: z.string().min(1).max(255),
});
const suggestionPayload = z.looseObject({ ...common, type: z.literal('block_suggestion'), action_id: z.string().min(1).max(255), value: z.string().max(2000).optional() });

const interaction = z.discriminatedUnion('type', [blockActions, viewPayload, callbackPayload, suggestionPayload]);

/** Slash command form fields (all strings). */
const command = z.looseObject({
  command: z.string().regex(/^\/[a-z0-9_.-]{1,64}$/i, 'a slash command'),
  text: z.string().max(8000).optional(),
  user_id: userId,
  user_name: shortText.optional(),
  channel_id: channelId,
  channel_name: shortText.optional(),
  team_id: slackId.optional(),
  enterprise_id: slackId.optional(),
  response_url: responseUrl,
  trigger_id: z.string().min(1).max(255),
});

const eventsApi = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string().min(1).max(255) }),
  z.looseObject({ type: z.literal('event_callback'), event_id: z.string().max(100).optional(), team_id: slackId.optional(), event: z.looseObject({ type: z.string().min(1).max(100) }) }),
  z.looseObject({ type: z.literal('app_rate_limited') }),
]);

/**
 * What a verified `/slack/events` body is, for the route to decide whether Bolt gets it. `body` is
 * the body parsed the way Bolt's HTTPReceiver parses it (the form fields of a command, the JSON of an
 * interaction's `payload`, the Events API JSON), as sent: not the schema's output, so Bolt and the
 * listeners see exactly what Slack sent, parsed once.
 */
export type SlackInbound =
  | { kind: 'listener'; listener: ListenerKind; id: string; what: string; body: Record<string, unknown> }
  | { kind: 'url_verification'; challenge: string }
  | { kind: 'ignored'; what: string }
  | { kind: 'invalid'; reason: string };

function issues(e: z.ZodError): string {
  const paths = [...new Set(e.issues.map((i) => i.path.join('.') || '(body)'))];
  return paths.slice(0, 5).join(', ') + (paths.length > 5 ? ', …' : '');
}

function listenerOf(p: z.infer<typeof interaction>): { listener: ListenerKind; id: string } {
  switch (p.type) {
    case 'block_actions':
      return { listener: 'action', id: p.actions[0]!.action_id };
    case 'view_submission':
      return { listener: 'view', id: p.view.callback_id };
    case 'view_closed':
      return { listener: 'view_closed', id: p.view.callback_id };
    case 'shortcut':
    case 'message_action':
      return { listener: 'shortcut', id: p.callback_id };
    case 'dialog_suggestion':
      return { listener: 'options', id: p.callback_id };
    case 'block_suggestion':
      return { listener: 'options', id: p.action_id };
    default:
      return { listener: 'action', id: p.callback_id };
  }
}

/**
 * Classifies a verified body the way Bolt's HTTPReceiver will parse it (`application/x-www-form-urlencoded`:
 * a command, or an interaction in the `payload` field; `application/json`: the Events API), and checks it
 * against the schemas above.
 */
export function classifySlackBody(mediaType: string, raw: string): SlackInbound {
  let json: unknown;
  if (mediaType === 'application/x-www-form-urlencoded') {
    const form = parseQuery(raw);
    if (Object.values(form).some((v) => Array.isArray(v))) return { kind: 'invalid', reason: 'a form field appears more than once' };
    if (form.ssl_check === '1') return { kind: 'ignored', what: 'ssl_check' };
    if (form.payload === undefined) {
      const c = command.safeParse(form);
      if (!c.success) return { kind: 'invalid', reason: `malformed slash command: ${issues(c.error)}` };
      return { kind: 'listener', listener: 'command', id: c.data.command, what: `command ${c.data.command}`, body: form };
    }
    try {
      json = JSON.parse(String(form.payload));
    } catch {
      return { kind: 'invalid', reason: 'payload is not JSON' };
    }
    const p = interaction.safeParse(json);
    if (!p.success) return { kind: 'invalid', reason: `malformed interaction payload: ${issues(p.error)}` };
    const { listener, id } = listenerOf(p.data);
    return { kind: 'listener', listener, id, what: `${p.data.type} ${id}`, body: json as Record<string, unknown> };
  }
  if (mediaType !== 'application/json') return { kind: 'invalid', reason: `unsupported content type ${mediaType || '(none)'}` };
  try {
    json = JSON.parse(raw);
  } catch {
    return { kind: 'invalid', reason: 'body is not JSON' };
  }
  const e = eventsApi.safeParse(json);
  if (!e.success) return { kind: 'invalid', reason: `malformed Events API body: ${issues(e.error)}` };
  if (e.data.type === 'url_verification') return { kind: 'url_verification', challenge: e.data.challenge };
  if (e.data.type === 'app_rate_limited') return { kind: 'ignored', what: 'app_rate_limited' };
  return { kind: 'listener', listener: 'event', id: e.data.event.type, what: `event ${e.data.event.type}`, body: json as Record<string, unknown> };
}
