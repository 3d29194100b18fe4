/**
 * Modals: `views.open` and `views.push` (a trigger_id used once, within its 3 s life),
 * `views.update` (by id or external id, with the hash check), and what the bot's answer to
 * a submission does to the stack (`response_action` errors, update, push, clear, close).
 */
import { isRecord } from '../emulator-base';
import { validateBlocks } from './blocks';
import type { SlackBlock, SlackView, SlackViewRecord } from './shapes';
import type { SlackState } from './state';
import { optStr, safeJson, shortHash, SlackApiError, str, type ApiResult, type Args, type MethodTable } from './web-api';

export class ViewsRoom {
  constructor(
    private readonly state: SlackState,
    private readonly triggerTtlMs: number,
  ) {}

  register(methods: MethodTable): void {
    methods.set('views.open', (args) => this.open(args, false));
    methods.set('views.push', (args) => this.open(args, true));
    methods.set('views.update', (args) => this.update(args));
  }

  private open(args: Args, push: boolean): ApiResult {
    const triggerId = str(args.trigger_id);
    const viewArg = args.view;
    if (!triggerId || viewArg === undefined) throw new SlackApiError('invalid_arguments');
    const trigger = this.state.triggers.get(triggerId);
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (this.state.now() - trigger.at > this.triggerTtlMs) throw new SlackApiError('expired_trigger_id');
    if (trigger.used) throw new SlackApiError('trigger_exchanged');
    const input = this.validated(viewArg);
    trigger.used = true;
    let root: SlackViewRecord | undefined;
    if (push) {
      root = [...this.state.viewStore.values()].reverse().find((r) => r.open && r.userId === trigger.userId);
      if (!root) throw new SlackApiError('view_not_found');
    }
    const id = this.state.newId('V');
    const view = this.build(id, input, root ? root.view.root_view_id : id, root ? root.view.id : null);
    const record: SlackViewRecord = { view, userId: trigger.userId, open: true, openedAt: this.state.now() };
    this.state.viewStore.set(id, record);
    this.state.record('view', { action: push ? 'push' : 'open', ...record });
    return { ok: true, view };
  }

  private update(args: Args): ApiResult {
    const viewId = optStr(args.view_id);
    const externalId = optStr(args.external_id);
    const record = [...this.state.viewStore.values()].find(
      (r) => (viewId !== undefined && r.view.id === viewId) || (externalId !== undefined && r.view.external_id === externalId),
    );
    if (!record) throw new SlackApiError('not_found');
    const hash = optStr(args.hash);
    if (hash !== undefined && hash !== record.view.hash) throw new SlackApiError('hash_conflict');
    if (args.view === undefined) throw new SlackApiError('invalid_arguments');
    const input = this.validated(args.view);
    record.view = this.build(record.view.id, input, record.view.root_view_id, record.view.previous_view_id);
    this.state.record('view', { action: 'update', ...record });
    return { ok: true, view: record.view };
  }

  private validated(value: unknown): Record<string, unknown> {
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

  private build(id: string, input: Record<string, unknown>, rootId: string, previousId: string | null): SlackView {
    const view: SlackView = {
      id,
      team_id: this.state.identity.teamId,
      type: str(input.type),
      blocks: (input.blocks as SlackBlock[]).map((b, i) => (typeof b.block_id === 'string' ? b : { ...b, block_id: shortHash(`${id}:${i}`) })),
      private_metadata: optStr(input.private_metadata) ?? '',
      callback_id: optStr(input.callback_id) ?? '',
      external_id: optStr(input.external_id) ?? '',
      state: { values: {} },
      hash: `${Math.floor(this.state.now() / 1000)}.${shortHash(`${id}:${this.state.nextCount()}`)}`,
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      root_view_id: rootId,
      previous_view_id: previousId,
      app_id: this.state.identity.appId,
      app_installed_team_id: this.state.identity.teamId,
      bot_id: this.state.identity.botId,
    };
    if (input.title !== undefined) view.title = input.title;
    if (input.submit !== undefined) view.submit = input.submit;
    if (input.close !== undefined) view.close = input.close;
    return view;
  }

  applyViewAck(record: SlackViewRecord, body: unknown): void {
    const ack = isRecord(body) ? body : {};
    const action = ack.response_action;
    if (action === 'errors' && isRecord(ack.errors)) {
      const errors: Record<string, string> = {};
      for (const [k, v] of Object.entries(ack.errors)) errors[k] = String(v);
      record.errors = errors;
      this.state.record('view', { action: 'errors', ...record });
      return;
    }
    delete record.errors;
    if (action === 'update' && isRecord(ack.view)) {
      record.view = this.build(record.view.id, this.validated(ack.view), record.view.root_view_id, record.view.previous_view_id);
      this.state.record('view', { action: 'update', ...record });
      return;
    }
    if (action === 'push' && isRecord(ack.view)) {
      const id = this.state.newId('V');
      const view = this.build(id, this.validated(ack.view), record.view.root_view_id, record.view.id);
      const pushed: SlackViewRecord = { view, userId: record.userId, open: true, openedAt: this.state.now() };
      this.state.viewStore.set(id, pushed);
      this.state.record('view', { action: 'push', ...pushed });
      return;
    }
    if (action === 'clear') {
      for (const r of this.state.viewStore.values()) {
        if (r.userId === record.userId && r.view.root_view_id === record.view.root_view_id && r.open) r.open = false;
      }
    }
    record.open = false;
    this.state.record('view', { action: 'close', ...record });
  }
}
