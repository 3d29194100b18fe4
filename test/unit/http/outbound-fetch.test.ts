import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundFetch } from '../../../src/adapters/http/outbound-fetch';

describe('OutboundFetch: one kept-alive Agent for every outbound call', () => {
  let server: Server;
  let url = '';
  let connections = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end(JSON.stringify({ type: req.headers['content-type'] ?? '', body })));
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reuses its connections: ten calls one after another open at most two', async () => {
    const out = new OutboundFetch();
    let viaAgent = 0;
    out.agent.on('connect', () => (viaAgent += 1));
    const before = connections;
    for (let i = 0; i < 10; i++) {
      const res = await out.fetch(url, { method: 'POST', body: new URLSearchParams({ i: String(i) }) });
      expect(JSON.parse(await res.text())).toEqual({ type: 'application/x-www-form-urlencoded;charset=UTF-8', body: `i=${i}` });
    }
    // the second call can start before the first's socket is back in the pool (undici then opens a second one)
    expect(connections - before).toBeLessThanOrEqual(2);
    expect(viaAgent).toBe(connections - before); // every connection is the shared Agent's
    out.abort();
  });

  it('sends a global FormData as multipart (file uploads keep working)', async () => {
    const out = new OutboundFetch();
    const form = new FormData();
    form.append('file', new Blob(['pack contents']), 'evidence.md');
    const res = await out.fetch(url, { method: 'POST', body: form });
    const got = JSON.parse(await res.text()) as { type: string; body: string };
    expect(got.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(got.body).toContain('pack contents');
    out.abort();
  });

  it('after abort() a call fails at once with an AbortError', async () => {
    const out = new OutboundFetch();
    out.abort();
    expect(out.aborted).toBe(true);
    expect(out.agent.destroyed).toBe(true); // kept-alive sockets closed: nothing holds the process open
    await expect(out.fetch(url)).rejects.toMatchObject({ name: 'AbortError' });
    expect(out.inFlight).toBe(0);
  });
});
