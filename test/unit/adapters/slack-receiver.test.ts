import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, ReceiverEvent } from '@slack/bolt';
import { SlackReceiver } from '../../../src/adapters/slack/slack-receiver';
import { silentLogger } from '../../../src/app/logger';
import { ShipgateError } from '../../../src/shared/shipgate-error';

/**
 * shipgate's Bolt receiver over a real HTTP server: what a listener does with ack() (or fails to
 * do) becomes the HTTP answer exactly once, the way Bolt's HTTPReceiver answers.
 */
describe('SlackReceiver: verified requests handed to Bolt, answered once', () => {
  let server: Server;
  let url = '';
  let handle: (res: ServerResponse) => void = () => undefined;
  beforeAll(async () => {
    server = createServer((_req, res) => handle(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A receiver attached to a stand-in for Bolt's App whose processEvent is `process`. */
  function receiver(process: (e: ReceiverEvent) => Promise<void>, timeoutMs?: number): { r: SlackReceiver; done: Promise<void> } {
    const r = new SlackReceiver(silentLogger, timeoutMs);
    r.init({ processEvent: process } as Pick<App, 'processEvent'> as App);
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    handle = (res) => void r.dispatch({ body: { command: '/promote' }, retryNum: 1, retryReason: 'http_timeout' }, res).finally(settle);
    return { r, done };
  }

  async function call(): Promise<{ status: number; type: string | null; body: string }> {
    const res = await fetch(url, { method: 'POST' });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  }

  it.each([
    ['an empty ack', undefined, 200, null, ''],
    ['an ack with a message', { response_type: 'ephemeral', text: 'hi' }, 200, 'application/json', '{"response_type":"ephemeral","text":"hi"}'],
    ['an ack with a string', 'plain', 200, null, 'plain'],
  ])('%s is the HTTP answer', async (_name, ackBody, status, type, body) => {
    const seen: ReceiverEvent[] = [];
    const { done } = receiver(async (e) => {
      seen.push(e);
      await e.ack(ackBody);
    });
    const got = await call();
    await done;
    expect(got).toEqual({ status, type, body });
    expect(seen[0]).toMatchObject({ body: { command: '/promote' }, retryNum: 1, retryReason: 'http_timeout' });
  });

  it('a second ack() is refused and does not write again', async () => {
    let second: unknown;
    const { done } = receiver(async (e) => {
      await e.ack();
      second = await e.ack({ text: 'again' }).catch((err: unknown) => err);
    });
    expect((await call()).status).toBe(200);
    await done;
    expect(second).toBeInstanceOf(ShipgateError);
  });

  it('work after the ack does not hold the answer', async () => {
    let release: () => void = () => undefined;
    const { done } = receiver(async (e) => {
      await e.ack();
      await new Promise<void>((resolve) => (release = resolve));
    });
    expect((await call()).status).toBe(200);
    release();
    await done;
  });

  it('an error before the ack becomes a 200 with the user-facing message (never a 500)', async () => {
    const { done } = receiver(async () => {
      throw new ShipgateError('bad_command', 'no such service');
    });
    const got = await call();
    await done;
    expect(got.status).toBe(200);
    expect(JSON.parse(got.body)).toEqual({ response_type: 'ephemeral', text: ':warning: no such service' });
  });

  it('a request nobody acknowledges is answered 404 at the timeout; a late ack() is a no-op', async () => {
    let late: unknown = 'not called';
    let ack: ReceiverEvent['ack'] | undefined;
    const { done } = receiver(async (e) => {
      ack = e.ack;
    }, 50);
    const got = await call();
    late = await ack!();
    await done;
    expect(got.status).toBe(404);
    expect(late).toBeUndefined();
  });

  it('refuses to dispatch before Bolt attached it', async () => {
    const r = new SlackReceiver(silentLogger);
    await expect(r.dispatch({ body: {} }, {} as ServerResponse)).rejects.toThrow('not attached');
  });
});
