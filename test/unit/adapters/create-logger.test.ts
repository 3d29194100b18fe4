import { Writable } from 'node:stream';
import { createLogger } from '../../../src/adapters/logging/create-logger';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger('info', sink as never), out: () => lines.join(''), entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('structured logs', () => {
  it('redacts secrets wherever they appear and keeps child bindings', () => {
    const { logger, out } = capture();
    logger.child({ promotionId: 'p-20261122-abcdef', service: 'markets', env: 'prod' }).info(
      { token: 'xoxb-secret', headers: { authorization: 'Bearer ghp_secret' }, SLACK_SIGNING_SECRET: 'shh', env: { GITHUB_TOKEN: 'ghp_other' }, safe: 'visible' },
      'hello',
    );
    const entry = JSON.parse(out()) as Record<string, unknown>;
    expect(entry).toMatchObject({ promotionId: 'p-20261122-abcdef', service: 'markets', env: { GITHUB_TOKEN: '[redacted]' }, safe: 'visible', msg: 'hello' });
    expect(out()).not.toMatch(/xoxb-secret|ghp_secret|ghp_other|"shh"/);
  });

  it('redacts nested keys at any depth, headers, privateKey, password and client_secret, in objects, arrays, errors and child bindings', () => {
    const { logger, out, entries } = capture();
    const err = Object.assign(new Error('request failed'), { config: { headers: { Authorization: 'Basic c2VjcmV0LTE=' } }, response: { data: { client_secret: 'secret-2' } } });
    logger.child({ request: { headers: { 'x-api-key': 'secret-3' } }, app: { clientSecret: 'secret-4' } }).warn(
      {
        a: { b: { token: 'secret-5', c: { d: { e: { token: 'secret-6' } } } } },
        headers: { authorization: 'Bearer secret-7', cookie: 'session=secret-8', 'content-type': 'application/json' },
        github: { app: { privateKey: 'secret-9', private_key: 'secret-10' } },
        servicenow: { user: 'shipgate', password: 'secret-11' },
        oauth: { client_secret: 'secret-12', client_id: 'visible-id' },
        list: [{ password: 'secret-13' }, { nested: [{ accessToken: 'secret-14' }] }],
        err,
        note: 'posted with xoxb-1234567890-abcdef and ghp_abcdefghijklmnop',
        pem: '-----BEGIN RSA PRIVATE KEY-----\nMIIsecret15\n-----END RSA PRIVATE KEY-----',
        kept: { service: 'markets', count: 3, at: new Date('2026-01-01T00:00:00Z') },
      },
      'nested',
    );
    const text = out();
    for (let i = 1; i <= 15; i++) expect(text).not.toContain(`secret-${i}`);
    expect(text).not.toContain('secret15');
    expect(text).not.toContain('c2VjcmV0LTE=');
    expect(text).not.toMatch(/xoxb-1234567890|ghp_abcdefghijklmnop/);
    const [entry] = entries();
    expect(entry).toMatchObject({
      msg: 'nested',
      a: { b: { token: '[redacted]', c: { d: { e: { token: '[redacted]' } } } } },
      headers: { authorization: '[redacted]', cookie: '[redacted]', 'content-type': 'application/json' },
      github: { app: { privateKey: '[redacted]', private_key: '[redacted]' } },
      servicenow: { user: 'shipgate', password: '[redacted]' },
      oauth: { client_secret: '[redacted]', client_id: 'visible-id' },
      list: [{ password: '[redacted]' }, { nested: [{ accessToken: '[redacted]' }] }],
      err: { type: 'Error', message: 'request failed', config: { headers: { Authorization: '[redacted]' } }, response: { data: { client_secret: '[redacted]' } } },
      request: { headers: { 'x-api-key': '[redacted]' } },
      app: { clientSecret: '[redacted]' },
      note: 'posted with [redacted] and [redacted]',
      kept: { service: 'markets', count: 3, at: '2026-01-01T00:00:00.000Z' },
    });
    expect(String((entry!.err as { stack?: string }).stack)).toContain('request failed');
  });

  it('survives circular objects', () => {
    const { logger, entries } = capture();
    const loop: Record<string, unknown> = { name: 'loop', password: 'x' };
    loop.self = loop;
    logger.info({ loop }, 'circular');
    expect(entries()[0]).toMatchObject({ loop: { name: 'loop', password: '[redacted]', self: '[circular]' } });
  });
});
