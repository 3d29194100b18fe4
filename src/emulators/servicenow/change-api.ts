/**
 * The Change Management API: `POST /api/sn_chg_rest/v1/change/normal` and `/emergency`
 * (state New, approval not requested, the fields it ignored listed in `__meta`), and
 * `GET|PATCH /api/sn_chg_rest/v1/change/{sys_id}`, answering every field as `{display_value, value}`.
 */
import type { RequestContext } from '../emulator-base';
import type { Renderer } from './render';
import { ERR_NO_RECORD, requireObject, SnHttpError, type SnResult, type SnRoutes } from './rest';
import { TABLES } from './schema';
import type { ServiceNowState } from './state';

export class ChangeApi {
  constructor(
    private readonly state: ServiceNowState,
    private readonly renderer: Renderer,
  ) {}

  register(routes: SnRoutes): void {
    routes
      .add('POST', '/api/sn_chg_rest/v1/change/normal', (q) => this.create(q.ctx, 'normal', q.body, q.user))
      .add('POST', '/api/sn_chg_rest/v1/change/emergency', (q) => this.create(q.ctx, 'emergency', q.body, q.user))
      .add('GET', '/api/sn_chg_rest/v1/change/:sys_id', (q) => this.get(q.params.sys_id!))
      .add('PATCH', '/api/sn_chg_rest/v1/change/:sys_id', (q) => this.update(q.ctx, q.params.sys_id!, q.body, q.user));
  }

  private create(ctx: RequestContext, type: 'normal' | 'emergency', body: unknown, user: string): SnResult {
    this.state.checkAcl('change_request', 'create');
    const input: Record<string, unknown> = { ...(body === undefined ? {} : requireObject(body)) };
    for (const [k, v] of Object.entries(ctx.query)) if (!k.startsWith('sysparm_')) input[k] = v;
    const ignored = Object.keys(input).filter((k) => !(k in TABLES.change_request!.fields) || k === 'number' || k === 'type');
    const fields = this.state.inputFields('change_request', input);
    delete fields.number;
    const row = this.state.insert(
      'change_request',
      { ...fields, type, state: '-5', approval: 'not requested', chg_model: type === 'emergency' ? 'Emergency' : 'Normal' },
      user,
    );
    return { status: 200, body: { result: { ...this.renderer.render('change_request', row, undefined, 'all', true), __meta: { ignoredFields: ignored } } } };
  }

  private get(sysId: string): SnResult {
    this.state.checkAcl('change_request', 'read');
    const row = this.state.rows('change_request').get(sysId);
    if (!row) throw new SnHttpError(404, ERR_NO_RECORD);
    return { status: 200, body: { result: this.renderer.render('change_request', row, undefined, 'all', true) } };
  }

  private update(ctx: RequestContext, sysId: string, body: unknown, user: string): SnResult {
    this.state.checkAcl('change_request', 'write');
    const row = this.state.rows('change_request').get(sysId);
    if (!row) throw new SnHttpError(404, ERR_NO_RECORD);
    const input: Record<string, unknown> = { ...(body === undefined ? {} : requireObject(body)) };
    for (const [k, v] of Object.entries(ctx.query)) if (!k.startsWith('sysparm_')) input[k] = v;
    const updated = this.state.modify('change_request', row, this.state.inputFields('change_request', input), user);
    return { status: 200, body: { result: this.renderer.render('change_request', updated, undefined, 'all', true) } };
  }
}
