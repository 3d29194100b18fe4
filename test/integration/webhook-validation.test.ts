import { createHmac } from 'node:crypto';
import { startHarness, type Harness } from '../helpers/harness';

const SECRET = 'webhook-validation-secret';

describe('GitHub webhooks: signed but malformed requests are refused before anything acts on them', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('webhook-validation', { webhookSecret: SECRET });
  });
  afterAll(async () => {
    await h.close();
  });

  const post = (body: string, headers: Record<string, string | undefined>) =>
    fetch(`${h.app.url}/github/webhooks`, {
      method: 'POST',
      headers: Object.fromEntries(Object.entries({ 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`, ...headers }).filter(([, v]) => v !== undefined)) as Record<string, string>,
      body,
    });
  const ok = { 'x-github-event': 'workflow_run', 'x-github-delivery': 'd-ok' };

  it.each([
    ['null', 'null', ok],
    ['an array', '[]', ok],
    ['a number', '42', ok],
    ['not JSON', '{"action":', ok],
    ['repository as a string', JSON.stringify({ repository: 'acme/markets' }), ok],
    ['workflow_run.id as a string', JSON.stringify({ repository: { full_name: 'acme/markets' }, workflow_run: { id: '1' } }), ok],
    ['pull_request.head.sha as an object', JSON.stringify({ repository: { full_name: 'acme/markets' }, pull_request: { number: 1, head: { sha: {} } } }), ok],
    ['no X-GitHub-Delivery', JSON.stringify({ repository: { full_name: 'acme/markets' } }), { 'x-github-event': 'workflow_run' }],
    ['no X-GitHub-Event', JSON.stringify({ repository: { full_name: 'acme/markets' } }), { 'x-github-delivery': 'd-1' }],
    ['a protection-rule request without its callback URL', JSON.stringify({ action: 'requested', environment: 'prod', repository: { full_name: 'acme/markets' }, deployment: { sha: 'abc' } }), { 'x-github-event': 'deployment_protection_rule', 'x-github-delivery': 'd-2' }],
  ])('%s → 400', async (_label, body, headers) => {
    const res = await post(body, headers);
    expect(res.status).toBe(400);
    expect(await res.json()).toHaveProperty('error');
  });

  it('a well-formed event is accepted once per delivery and the server keeps answering', async () => {
    const body = JSON.stringify({ action: 'completed', repository: { full_name: 'acme/markets' }, workflow_run: { id: 7, head_sha: 'abc' } });
    expect((await post(body, { 'x-github-event': 'workflow_run', 'x-github-delivery': 'd-3' })).status).toBe(202);
    expect((await post(body, { 'x-github-event': 'workflow_run', 'x-github-delivery': 'd-3' })).status).toBe(202);
    expect(await h.app.redis.exists(`${h.prefix}:lock:once:delivery:d-3`)).toBe(1);
    expect((await fetch(`${h.app.url}/healthz`)).status).toBe(200);
    expect(h.github.calls.filter((c) => c.path.endsWith('/deployment_protection_rule'))).toEqual([]);
  });
});
