import { ServiceNowEmulator } from '../../src/emulators/servicenow-emulator';

/** Parsed JSON answers, read loosely in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0); // 2026-03-02 09:00:00 UTC
const USER = 'shipgate.integration';
const PASS = 's3cret-pass';
const basic = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;

interface Env {
  emu: ServiceNowEmulator;
  clock: { now: number };
  get(path: string, auth?: string): Promise<{ status: number; body: Json; headers: Headers }>;
  send(method: string, path: string, body: unknown, auth?: string): Promise<{ status: number; body: Json; headers: Headers }>;
}

async function setup(options: ConstructorParameters<typeof ServiceNowEmulator>[0] = {}): Promise<Env> {
  const clock = { now: T0 };
  const emu = new ServiceNowEmulator({ username: USER, password: PASS, now: () => clock.now, ...options });
  await emu.start();
  const call = async (method: string, path: string, body: unknown, auth: string | undefined): Promise<{ status: number; body: Json; headers: Headers }> => {
    const res = await fetch(`${emu.url}${path}`, {
      method,
      headers: { accept: 'application/json', ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* html */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    emu,
    clock,
    get: (path, auth = basic) => call('GET', path, undefined, auth),
    send: (method, path, body, auth = basic) => call(method, path, body, auth),
  };
}

const q = (query: string, extra = ''): string => `/api/now/table/incident?sysparm_query=${encodeURIComponent(query)}&sysparm_fields=number${extra}`;
const numbers = (body: { result: Array<{ number: string }> }): string[] => body.result.map((r) => r.number);

describe('ServiceNowEmulator auth', () => {
  let env: Env;
  beforeEach(async () => {
    env = await setup({ oauthClients: [{ clientId: 'shipgate', clientSecret: 'client-secret' }], tokens: ['static-token'], tokenTtlSec: 60 });
  });
  afterEach(() => env.emu.stop());

  it('answers 401 like ServiceNow without or with wrong credentials', async () => {
    for (const auth of ['', `Basic ${Buffer.from(`${USER}:wrong`).toString('base64')}`, 'Bearer nope']) {
      const res = await env.send('GET', '/api/now/table/incident', undefined, auth);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' });
    }
    const bare = await fetch(`${env.emu.url}/api/now/table/incident`);
    expect(bare.headers.get('www-authenticate')).toBe('BASIC realm="Service-now"');
    expect((await env.get('/api/now/table/incident')).status).toBe(200);
  });

  it('issues OAuth tokens (password and client_credentials) that work as bearer until they expire', async () => {
    const token = async (form: Record<string, string>): Promise<{ status: number; body: Json }> => {
      const res = await fetch(`${env.emu.url}/oauth_token.do`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      return { status: res.status, body: await res.json() };
    };
    const pw = await token({ grant_type: 'password', client_id: 'shipgate', client_secret: 'client-secret', username: USER, password: PASS });
    expect(pw.status).toBe(200);
    expect(pw.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      scope: 'useraccount',
      token_type: 'Bearer',
      expires_in: 60,
    });
    expect((await env.get('/api/now/table/incident', `Bearer ${pw.body.access_token}`)).status).toBe(200);

    const cc = await token({ grant_type: 'client_credentials', client_id: 'shipgate', client_secret: 'client-secret' });
    expect(cc.status).toBe(200);
    expect((await env.get('/api/now/table/incident', `Bearer ${cc.body.access_token}`)).status).toBe(200);

    expect((await token({ grant_type: 'password', client_id: 'shipgate', client_secret: 'client-secret', username: USER, password: 'bad' })).status).toBe(401);
    expect((await token({ grant_type: 'client_credentials', client_id: 'shipgate', client_secret: 'bad' })).body).toEqual({
      error_description: 'access_denied',
      error: 'server_error',
    });

    const refreshed = await token({ grant_type: 'refresh_token', client_id: 'shipgate', client_secret: 'client-secret', refresh_token: pw.body.refresh_token });
    expect(refreshed.status).toBe(200);

    env.clock.now += 61_000;
    expect((await env.get('/api/now/table/incident', `Bearer ${pw.body.access_token}`)).status).toBe(401);
    expect((await env.get('/api/now/table/incident', 'Bearer static-token')).status).toBe(200);
  });
});

describe('ServiceNowEmulator Table API', () => {
  let env: Env;
  beforeEach(async () => {
    env = await setup();
    const { emu } = env;
    emu.addCi({ name: 'markets-pipeline' });
    emu.addCi({ name: 'payments' });
    emu.addIncident({ number: 'INC0010001', priority: 1, state: 2, cmdb_ci: 'markets-pipeline', short_description: 'Trading feed down' });
    emu.addIncident({ number: 'INC0010002', priority: 2, state: 1, cmdb_ci: 'markets-pipeline', short_description: 'Slow reports' });
    emu.addIncident({ number: 'INC0010003', priority: 3, state: 6, cmdb_ci: 'markets-pipeline', short_description: 'Resolved thing' });
    emu.addIncident({ number: 'INC0010004', priority: 1, state: 7, cmdb_ci: 'payments', short_description: 'Closed outage' });
    emu.addIncident({ number: 'INC0010005', priority: 4, state: 1, short_description: 'No CI' });
  });
  afterEach(() => env.emu.stop());

  it.each([
    ['priority=1', ['INC0010001', 'INC0010004']],
    ['priority!=1', ['INC0010002', 'INC0010003', 'INC0010005']],
    ['priorityIN1,2', ['INC0010001', 'INC0010002', 'INC0010004']],
    ['stateNOT IN6,7,8', ['INC0010001', 'INC0010002', 'INC0010005']],
    ['priority<2', ['INC0010001', 'INC0010004']],
    ['priority<=2', ['INC0010001', 'INC0010002', 'INC0010004']],
    ['priority>3', ['INC0010005']],
    ['priority>=3', ['INC0010003', 'INC0010005']],
    ['active=true^priorityIN1,2', ['INC0010001', 'INC0010002']],
    ['active=false', ['INC0010004']],
    ['priority=4^ORpriority=3', ['INC0010003', 'INC0010005']],
    ['active=true^priority=2^ORpriority=1', ['INC0010001', 'INC0010002']],
    ['priority=4^NQpriority=3', ['INC0010003', 'INC0010005']],
    ['cmdb_ciISEMPTY', ['INC0010005']],
    ['cmdb_ciISNOTEMPTY^priority=1', ['INC0010001', 'INC0010004']],
    ['cmdb_ci.name=payments', ['INC0010004']],
    ['short_descriptionLIKEdown', ['INC0010001']],
    ['short_descriptionSTARTSWITHslow', ['INC0010002']],
    ['no_such_field=1', []],
    ['', ['INC0010001', 'INC0010002', 'INC0010003', 'INC0010004', 'INC0010005']],
  ])('sysparm_query %s', async (query, expected) => {
    const res = await env.get(q(query));
    expect(res.status).toBe(200);
    expect(numbers(res.body)).toEqual(expected);
    expect(res.headers.get('x-total-count')).toBe(String(expected.length));
  });

  it('orders with ORDERBY / ORDERBYDESC (numerically for numeric choices)', async () => {
    expect(numbers((await env.get(q('ORDERBYDESCpriority^ORDERBYnumber'))).body)).toEqual([
      'INC0010005',
      'INC0010003',
      'INC0010002',
      'INC0010001',
      'INC0010004',
    ]);
    expect(numbers((await env.get(q('active=true^ORDERBYpriority'))).body)).toEqual(['INC0010001', 'INC0010002', 'INC0010003', 'INC0010005']);
  });

  it('pages with sysparm_limit / sysparm_offset, X-Total-Count and Link', async () => {
    const res = await env.get(q('ORDERBYnumber', '&sysparm_limit=2&sysparm_offset=2'));
    expect(numbers(res.body)).toEqual(['INC0010003', 'INC0010004']);
    expect(res.headers.get('x-total-count')).toBe('5');
    const link = res.headers.get('link') ?? '';
    expect(link).toContain('rel="first"');
    expect(link).toMatch(/sysparm_offset=0>;rel="prev"/);
    expect(link).toMatch(/sysparm_offset=4>;rel="next"/);
    expect(link).toMatch(/sysparm_offset=4>;rel="last"/);
    const bad = await env.get(q('', '&sysparm_offset=-1'));
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { message: 'offset is -1', detail: 'Negative offset is not supported' }, status: 'failure' });
  });

  it('renders values as strings, references and display values for false | true | all', async () => {
    const base = '/api/now/table/incident?sysparm_query=number%3DINC0010001&sysparm_fields=number,priority,state,active,cmdb_ci,opened_at';
    const ci = env.emu.records('cmdb_ci').find((r) => r.name === 'markets-pipeline')!;
    const link = `${env.emu.url}/api/now/table/cmdb_ci/${ci.sys_id}`;

    const raw = (await env.get(base)).body.result[0];
    expect(raw).toEqual({
      number: 'INC0010001',
      priority: '1',
      state: '2',
      active: 'true',
      cmdb_ci: { link, value: ci.sys_id },
      opened_at: '2026-03-02 09:00:00',
    });

    const shown = (await env.get(`${base}&sysparm_display_value=true`)).body.result[0];
    expect(shown).toEqual({
      number: 'INC0010001',
      priority: '1 - Critical',
      state: 'In Progress',
      active: 'true',
      cmdb_ci: { display_value: 'markets-pipeline', link },
      opened_at: '2026-03-02 09:00:00',
    });

    const all = (await env.get(`${base}&sysparm_display_value=all`)).body.result[0];
    expect(all.priority).toEqual({ display_value: '1 - Critical', value: '1' });
    expect(all.cmdb_ci).toEqual({ display_value: 'markets-pipeline', link, value: ci.sys_id });

    const noLink = (await env.get(`${base}&sysparm_display_value=all&sysparm_exclude_reference_link=true`)).body.result[0];
    expect(noLink.cmdb_ci).toEqual({ display_value: 'markets-pipeline', value: ci.sys_id });

    const empty = (await env.get('/api/now/table/incident?sysparm_query=number%3DINC0010005&sysparm_fields=cmdb_ci')).body.result[0];
    expect(empty).toEqual({ cmdb_ci: '' });
  });

  it('shows date-time display values in its zone while values stay UTC', async () => {
    await env.emu.stop();
    env = await setup({ timeZone: 'Europe/London' });
    env.emu.addChange({ number: 'CHG0030001', start_date: Date.UTC(2026, 6, 1, 9, 0, 0), end_date: '2026-07-01 11:00:00' });
    const r = (await env.get('/api/now/table/change_request?sysparm_fields=start_date,end_date&sysparm_display_value=all')).body.result[0];
    expect(r.start_date).toEqual({ display_value: '2026-07-01 10:00:00', value: '2026-07-01 09:00:00' });
    expect(r.end_date).toEqual({ display_value: '2026-07-01 12:00:00', value: '2026-07-01 11:00:00' });
  });

  it('gets one record; 404 and invalid table like ServiceNow', async () => {
    const inc = env.emu.incident('INC0010002')!;
    const one = await env.get(`/api/now/table/incident/${inc.sys_id}?sysparm_fields=number,sys_id`);
    expect(one.body).toEqual({ result: { number: 'INC0010002', sys_id: inc.sys_id } });
    const missing = await env.get('/api/now/table/incident/0123456789abcdef0123456789abcdef');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" },
      status: 'failure',
    });
    const table = await env.get('/api/now/table/u_nope');
    expect(table.status).toBe(400);
    expect(table.body).toEqual({ error: { message: 'Invalid table u_nope', detail: null }, status: 'failure' });
  });

  it('creates and patches records; work notes become sys_journal_field entries', async () => {
    const created = await env.send(
      'POST',
      '/api/now/table/change_request?sysparm_fields=number,sys_id,state,type,cmdb_ci&sysparm_exclude_reference_link=true',
      {
        short_description: 'Deploy',
        type: 'normal',
        cmdb_ci: 'payments',
        unknown_field: 'ignored',
      },
    );
    expect(created.status).toBe(201);
    const rec = created.body.result;
    expect(rec).toEqual({
      number: 'CHG0030001',
      sys_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      state: '',
      type: 'normal',
      cmdb_ci: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(created.headers.get('location')).toBe(`${env.emu.url}/api/now/table/change_request/${rec.sys_id}`);

    const patched = await env.send('PATCH', `/api/now/table/change_request/${rec.sys_id}?sysparm_fields=work_notes,state&sysparm_display_value=true`, {
      work_notes: 'first note',
      state: '-1',
    });
    expect(patched.status).toBe(200);
    expect(patched.body.result.state).toBe('Implement');
    expect(patched.body.result.work_notes).toContain('(Work notes)\nfirst note');
    await env.send('PATCH', `/api/now/table/change_request/${rec.sys_id}`, { work_notes: 'second note' });

    const journal = await env.get(
      `/api/now/table/sys_journal_field?sysparm_query=${encodeURIComponent(`element=work_notes^element_id=${rec.sys_id}^ORDERBYsys_created_on`)}&sysparm_fields=name,element,value,sys_created_by`,
    );
    expect(journal.body.result).toEqual([
      { name: 'change_request', element: 'work_notes', value: 'first note', sys_created_by: USER },
      { name: 'change_request', element: 'work_notes', value: 'second note', sys_created_by: USER },
    ]);
    expect(env.emu.workNotes('CHG0030001')).toEqual(['first note', 'second note']);
    await expect(env.emu.waitFor<{ number: string; text: string }>('work_note', (n) => n.text === 'second note')).resolves.toMatchObject({
      number: 'CHG0030001',
    });

    const notJson = await fetch(`${env.emu.url}/api/now/table/change_request/${rec.sys_id}`, {
      method: 'PATCH',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
  });

  it('answers 403 when an ACL denies the table', async () => {
    env.emu.denyAcl('incident', ['read']);
    const res = await env.get(q('priority=1'));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { message: 'User Not Authorized', detail: 'Failed API level ACL Validation' }, status: 'failure' });
    env.emu.denyAcl('change_request', ['write']);
    const chg = env.emu.addChange({ number: 'CHG0030009' });
    const w = await env.send('PATCH', `/api/now/table/change_request/${chg.sys_id}`, { work_notes: 'x' });
    expect(w.status).toBe(403);
    expect(w.body.error).toEqual({ message: 'Operation Failed', detail: 'ACL Exception Update Failed due to security constraints' });
    env.emu.allowAcl('incident');
    expect((await env.get(q('priority=1'))).status).toBe(200);
  });

  it('simulates faults and outages', async () => {
    env.emu.failNext({ status: 503, times: 2, headers: { 'retry-after': '1' } });
    expect((await env.get(q(''))).status).toBe(503);
    const second = await env.get(q(''));
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await env.get(q(''))).status).toBe(200);

    env.emu.setDown(true, 'unavailable');
    expect((await env.get(q(''))).status).toBe(503);
    env.emu.setDown(true);
    await expect(fetch(`${env.emu.url}/api/now/table/incident`, { headers: { authorization: basic } })).rejects.toThrow();
    env.emu.setDown(false);
    expect((await env.get(q(''))).status).toBe(200);
  });
});

describe('ServiceNowEmulator change helpers, Change API, schedules and pages', () => {
  let env: Env;
  beforeEach(async () => {
    env = await setup();
  });
  afterEach(() => env.emu.stop());

  it('seeds changes with a CI by name and updates them by number', async () => {
    const chg = env.emu.addChange({
      state: '-2',
      approval: 'requested',
      start_date: new Date(T0),
      end_date: T0 + 3_600_000,
      cmdb_ci: 'markets-pipeline',
      short_description: 'Promote',
    });
    expect(chg).toMatchObject({
      number: 'CHG0030001',
      state: '-2',
      type: 'normal',
      approval: 'requested',
      start_date: '2026-03-02 09:00:00',
      end_date: '2026-03-02 10:00:00',
    });
    expect(env.emu.records('cmdb_ci').map((c) => c.name)).toEqual(['markets-pipeline']);
    env.emu.setChange('CHG0030001', { approval: 'approved' });
    const res = await env.get(
      '/api/now/table/change_request?sysparm_query=number%3DCHG0030001&sysparm_fields=approval,cmdb_ci&sysparm_display_value=true&sysparm_exclude_reference_link=true',
    );
    expect(res.body.result).toEqual([{ approval: 'Approved', cmdb_ci: 'markets-pipeline' }]);
  });

  it('creates normal and emergency changes through the Change Management API', async () => {
    const res = await env.send('POST', '/api/sn_chg_rest/v1/change/normal', {
      short_description: 'Promote x',
      start_date: '2026-03-02 10:00:00',
      correlation_id: 'p-1',
      bogus: '1',
    });
    expect(res.status).toBe(200);
    const r = res.body.result;
    expect(r.number).toEqual({ display_value: 'CHG0030001', value: 'CHG0030001' });
    expect(r.state).toEqual({ display_value: 'New', value: '-5' });
    expect(r.type).toEqual({ display_value: 'Normal', value: 'normal' });
    expect(r.approval).toEqual({ display_value: 'Not Yet Requested', value: 'not requested' });
    expect(r.correlation_id.value).toBe('p-1');
    expect(r.__meta).toEqual({ ignoredFields: ['bogus'] });
    const em = await env.send('POST', '/api/sn_chg_rest/v1/change/emergency?short_description=Hotfix', undefined);
    expect(em.body.result.type.value).toBe('emergency');
    expect(em.body.result.short_description.value).toBe('Hotfix');
    const got = await env.get(`/api/sn_chg_rest/v1/change/${r.sys_id.value}`);
    expect(got.body.result.number.value).toBe('CHG0030001');
  });

  it('stores blackout schedules as cmn_schedule + cmn_schedule_span in YYYYMMDDTHHMMSS', async () => {
    const { schedule } = env.emu.addBlackoutSchedule('Change Blackout', [
      { start: '2026-12-20T00:00:00Z', end: '2027-01-05T00:00:00Z', name: 'Year end' },
      { start: Date.UTC(2026, 5, 1, 8), end: Date.UTC(2026, 5, 1, 12) },
    ]);
    const sched = await env.get('/api/now/table/cmn_schedule?sysparm_query=name%3DChange%20Blackout&sysparm_fields=sys_id,name,type,time_zone');
    expect(sched.body.result).toEqual([{ sys_id: schedule.sys_id, name: 'Change Blackout', type: 'blackout', time_zone: 'UTC' }]);
    const spans = await env.get(
      `/api/now/table/cmn_schedule_span?sysparm_query=schedule%3D${schedule.sys_id}^ORDERBYstart_date_time&sysparm_fields=name,start_date_time,end_date_time,repeat_type`,
    );
    expect(spans.body.result).toEqual([
      { name: 'Change Blackout', start_date_time: '20260601T080000', end_date_time: '20260601T120000', repeat_type: '' },
      { name: 'Year end', start_date_time: '20261220T000000', end_date_time: '20270105T000000', repeat_type: '' },
    ]);
    const london = env.emu.addBlackoutSchedule('London', [{ start: '2026-07-01T09:00:00Z', end: '2026-07-01T10:00:00Z' }], { timeZone: 'Europe/London' });
    expect(london.spans[0]).toMatchObject({ start_date_time: '20260701T100000', end_date_time: '20260701T110000' });
  });

  it('summarises changes and incidents for a UI and emits "change"', async () => {
    let changes = 0;
    env.emu.on('change', () => (changes += 1));
    const chg = env.emu.addChange({
      number: 'CHG0030001',
      cmdb_ci: 'markets-pipeline',
      start_date: '2026-03-02 10:00:00',
      end_date: '2026-03-02 12:00:00',
      short_description: 'Promote',
    });
    const inc = env.emu.addIncident({ number: 'INC0010001', priority: 3, cmdb_ci: 'markets-pipeline', short_description: 'Slow' });
    expect(changes).toBe(3); // the CI, the change, the incident
    expect(env.emu.snapshot()).toEqual({
      url: env.emu.url,
      changes: [
        {
          number: 'CHG0030001',
          shortDescription: 'Promote',
          state: 'Scheduled',
          approval: 'Approved',
          ci: 'markets-pipeline',
          window: '2026-03-02 10:00:00 – 2026-03-02 12:00:00 UTC',
          url: `${env.emu.url}/nav_to.do?uri=change_request.do?sys_id=${chg.sys_id}`,
        },
      ],
      incidents: [
        {
          number: 'INC0010001',
          priority: '3 - Moderate',
          state: 'New',
          shortDescription: 'Slow',
          ci: 'markets-pipeline',
          url: `${env.emu.url}/nav_to.do?uri=incident.do?sys_id=${inc.sys_id}`,
        },
      ],
    });
  });

  it('serves a page behind the record link', async () => {
    const chg = env.emu.addChange({ number: 'CHG0030042', short_description: 'Promote <b>' });
    const res = await fetch(`${env.emu.url}/nav_to.do?uri=change_request.do?sys_id=${chg.sys_id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('CHG0030042');
    expect(html).toContain('Promote &lt;b&gt;');
  });
});
