import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceNowClient, retryAfterMs, serviceNowClientFromEnv, type ServiceNowClientOptions } from '../../../src/adapters/servicenow/servicenow-client';
import { ServiceNowEmulator } from '../../../src/emulators/servicenow-emulator';
import { ShipgateError } from '../../../src/shared/shipgate-error';

const USER = 'shipgate.integration';
const PASS = 'pa55-w0rd-never-shown';

async function failure(p: Promise<unknown>): Promise<ShipgateError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ShipgateError);
    return e as ShipgateError;
  }
  throw new Error('expected a failure');
}

describe('ServiceNowClient against the emulator', () => {
  let emu: ServiceNowEmulator;
  let sleeps: number[];
  const client = (o: Partial<ServiceNowClientOptions> = {}): ServiceNowClient =>
    new ServiceNowClient({
      instanceUrl: emu.url,
      auth: { kind: 'basic', username: USER, password: PASS },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...o,
    });

  beforeEach(async () => {
    emu = new ServiceNowEmulator({ username: USER, password: PASS, tokens: ['tok-123'] });
    await emu.start();
    sleeps = [];
    emu.addCi({ name: 'markets-pipeline' });
    emu.addIncident({ number: 'INC0010001', priority: 1, cmdb_ci: 'markets-pipeline' });
  });
  afterEach(() => emu.stop());

  it('lists with the Table API parameters and reads X-Total-Count', async () => {
    const page = await client().list('incident', { query: 'priority=1', fields: ['number', 'priority'], displayValue: 'all', limit: 5 });
    expect(page).toEqual({
      records: [{ number: { display_value: 'INC0010001', value: 'INC0010001' }, priority: { display_value: '1 - Critical', value: '1' } }],
      total: 1,
    });
    const call = emu.calls.at(-1)!;
    expect(call.query).toEqual({ sysparm_query: 'priority=1', sysparm_fields: 'number,priority', sysparm_display_value: 'all', sysparm_limit: '5' });
  });

  it('uses a bearer token when given one', async () => {
    const page = await client({ auth: { kind: 'bearer', token: 'tok-123' } }).list('incident', { fields: ['number'] });
    expect(page.records).toHaveLength(1);
  });

  it('pages through listAll', async () => {
    for (let i = 0; i < 6; i++) emu.addIncident({ priority: 4 });
    const all = await client().listAll('incident', { query: 'ORDERBYnumber', fields: ['number'] }, 3);
    expect(all).toHaveLength(7);
    expect(emu.calls.filter((c) => c.path === '/api/now/table/incident').map((c) => c.query.sysparm_offset)).toEqual(['0', '3', '6']);
  });

  it('retries 503 with exponential backoff, then succeeds', async () => {
    emu.failNext({ status: 503, times: 2 });
    const page = await client().list('incident', { fields: ['number'] });
    expect(page.records).toHaveLength(1);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('honours Retry-After on 429', async () => {
    emu.failNext({ status: 429, headers: { 'retry-after': '2' } });
    await client().list('incident', { fields: ['number'] });
    expect(sleeps).toEqual([2000]);
  });

  it('gives up at once when Retry-After is longer than it would wait', async () => {
    emu.failNext({ status: 429, headers: { 'retry-after': '120' } });
    const e = await failure(client({ maxDelayMs: 10_000 }).list('incident'));
    expect(e.code).toBe('servicenow_error');
    expect(e.message).toBe(`ServiceNow is rate limiting shipgate (HTTP 429) and asks to retry after 120 s (${emu.url})`);
    expect(sleeps).toEqual([]);
  });

  it('stops after maxRetries and says what ServiceNow answered', async () => {
    emu.failNext({ status: 502, times: 10 });
    const e = await failure(client({ maxRetries: 2 }).list('incident'));
    expect(e.message).toBe(
      `ServiceNow answered HTTP 502 (Bad Gateway: emulated fault (HTTP 502)) to GET /api/now/table/incident after 3 attempts (${emu.url})`,
    );
    expect(sleeps).toEqual([500, 1000]);
  });

  it('does not retry a write that may have been processed (500), but does retry 503', async () => {
    const chg = emu.addChange({ number: 'CHG0030001' });
    emu.failNext({ status: 500, method: 'PATCH' });
    await failure(client().update('change_request', chg.sys_id!, { work_notes: 'x' }));
    expect(emu.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
    emu.failNext({ status: 503, method: 'PATCH' });
    await client().update('change_request', chg.sys_id!, { work_notes: 'y' });
    expect(emu.workNotes('CHG0030001')).toEqual(['y']);
  });

  it('401 with basic auth names the variables to check and never the password', async () => {
    const e = await failure(client({ auth: { kind: 'basic', username: USER, password: 'wrong-password' } }).list('incident'));
    expect(e.message).toBe(
      "ServiceNow rejected shipgate's credentials (HTTP 401 User Not Authenticated: Required to provide Auth information): check SERVICENOW_USERNAME and SERVICENOW_PASSWORD (basic auth), or set SERVICENOW_TOKEN",
    );
    expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain('wrong-password');
    expect(sleeps).toEqual([]);
  });

  it('401 with a bearer token names SERVICENOW_TOKEN', async () => {
    const e = await failure(client({ auth: { kind: 'bearer', token: 'expired-token-value' } }).list('incident'));
    expect(e.message).toContain('check SERVICENOW_TOKEN (an OAuth access token; it may have expired)');
    expect(e.message).not.toContain('expired-token-value');
  });

  it('403 names the table and the missing permission', async () => {
    emu.denyAcl('incident', ['read']);
    const e = await failure(client().list('incident'));
    expect(e.message).toBe(
      'ServiceNow refused to let shipgate read table incident (HTTP 403 User Not Authorized: Failed API level ACL Validation): give the ServiceNow integration user a role whose ACL allows read on incident',
    );
    expect(e.details).toMatchObject({ table: 'incident', op: 'read', status: 403 });
    const chg = emu.addChange({});
    emu.denyAcl('change_request', ['write']);
    const w = await failure(client().update('change_request', chg.sys_id!, { work_notes: 'x' }));
    expect(w.message).toContain('refused to let shipgate update table change_request');
    expect(w.message).toContain('allows update on change_request');
  });

  it('get answers undefined for a missing record; an unknown table is explained', async () => {
    expect(await client().get('incident', '0123456789abcdef0123456789abcdef')).toBeUndefined();
    const e = await failure(client().list('u_missing'));
    expect(e.message).toBe(`ServiceNow has no table u_missing (HTTP 400 Invalid table u_missing): is the plugin that provides it active on ${emu.url}?`);
  });

  it('a timeout says ServiceNow could not be reached', async () => {
    emu.failNext({ hang: true, status: 0, times: 2 });
    const e = await failure(client({ timeoutMs: 100, maxRetries: 1 }).list('incident'));
    expect(e.message).toBe(`ServiceNow could not be reached (${emu.url}): no answer within 0.1 s`);
    expect(sleeps).toEqual([500]);
  });

  it('an instance that drops connections could not be reached', async () => {
    emu.setDown(true);
    const e = await failure(client().list('incident'));
    expect(e.message).toMatch(new RegExp(`^ServiceNow could not be reached \\(${emu.url.replace(/[.]/g, '\\.')}\\): `));
    expect(sleeps).toHaveLength(3);
  });

  it('an HTML page (hibernating instance, wrong URL) is explained', async () => {
    emu.setDown(true, 'unavailable');
    const e = await failure(client({ maxRetries: 0 }).list('incident'));
    expect(e.message).toBe(`ServiceNow answered HTTP 503 to GET /api/now/table/incident after 1 attempt (${emu.url})`);
    const html = new ServiceNowClient({
      instanceUrl: 'https://acme.service-now.com',
      auth: { kind: 'basic', username: 'u', password: 'p' },
      maxRetries: 0,
      fetch: async () => new Response('<html>Instance Hibernating</html>', { status: 200, headers: { 'content-type': 'text/html' } }),
    });
    expect((await failure(html.list('incident'))).message).toBe(
      'ServiceNow answered GET /api/now/table/incident with a page that is not JSON (is https://acme.service-now.com the instance URL, and is the instance awake?)',
    );
  });
});

describe('ServiceNowClient without a server', () => {
  it('connection refused', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const sleeps: number[] = [];
    const c = new ServiceNowClient({
      instanceUrl: `http://127.0.0.1:${port}`,
      auth: { kind: 'bearer', token: 't' },
      sleep: async (ms) => void sleeps.push(ms),
    });
    const e = await failure(c.create('change_request', { short_description: 'x' }));
    expect(e.message).toBe(`ServiceNow could not be reached (http://127.0.0.1:${port}): connection refused`);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('refuses credentials in the instance URL', () => {
    expect(() => new ServiceNowClient({ instanceUrl: 'https://u:p@acme.service-now.com', auth: { kind: 'bearer', token: 't' } })).toThrow(
      'SERVICENOW_INSTANCE_URL must not contain credentials',
    );
  });

  it('builds from the SERVICENOW_* variables', () => {
    expect(serviceNowClientFromEnv({})).toBeUndefined();
    expect(serviceNowClientFromEnv({ SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com/', SERVICENOW_TOKEN: 't' })?.instanceUrl).toBe(
      'https://acme.service-now.com',
    );
    expect(() => serviceNowClientFromEnv({ SERVICENOW_INSTANCE_URL: 'https://acme.service-now.com' })).toThrow('no credentials');
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
  });
});
