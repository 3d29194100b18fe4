import { createHmac } from 'node:crypto';
import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { verifyWebhookSignature } from '../../src/adapters/github/webhook-signature';

const SECRET = "It's a Secret to Everybody";

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe('GitHub webhooks', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('verifies X-Hub-Signature-256 (GitHub\'s published test vector)', async () => {
    const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(await verifyWebhookSignature(SECRET, Buffer.from('Hello, World!'), header)).toBe(true);
    expect(await verifyWebhookSignature(SECRET, Buffer.from('Hello, World?'), header)).toBe(false);
    expect(await verifyWebhookSignature('other', Buffer.from('Hello, World!'), header)).toBe(false);
    expect(await verifyWebhookSignature(SECRET, Buffer.from('Hello, World!'), undefined)).toBe(false);
    expect(await verifyWebhookSignature(SECRET, Buffer.from('Hello, World!'), 'sha1=757107ea0eb2509fc211221cce984b8a37570b6d')).toBe(false);
    // during a rotation: the new secret first, the previous one still accepted, any other refused
    expect(await verifyWebhookSignature(['new secret', SECRET], Buffer.from('Hello, World!'), header)).toBe(true);
    expect(await verifyWebhookSignature(['new secret', 'older'], Buffer.from('Hello, World!'), header)).toBe(false);
  });

  it('accepts the previous secret while GITHUB_WEBHOOK_SECRET_PREVIOUS is set (rotation), and only then', async () => {
    h = await startHarness('webhook-rotation', { webhookSecret: 'the new secret', env: { GITHUB_WEBHOOK_SECRET_PREVIOUS: SECRET } });
    const body = JSON.stringify({ action: 'completed', repository: { full_name: 'acme/markets' }, workflow_run: { id: 1, head_sha: 'x' } });
    const post = (signature: string) =>
      fetch(`${h.app.url}/github/webhooks`, { method: 'POST', headers: { 'x-github-event': 'workflow_run', 'x-github-delivery': `d-${Math.random()}`, 'x-hub-signature-256': signature, 'content-type': 'application/json' }, body });
    expect((await post(sign(body, 'the new secret'))).status).toBe(202);
    expect((await post(sign(body))).status).toBe(202);
    expect((await post(sign(body, 'a third secret'))).status).toBe(401);
    await h.close();
    h = await startHarness('webhook-rotated', { webhookSecret: 'the new secret' });
    expect((await post(sign(body))).status).toBe(401);
  });

  it('refuses a forged signature with 401 and accepts a signed event with 202', async () => {
    h = await startHarness('webhook-sig', { webhookSecret: SECRET });
    const body = JSON.stringify({ action: 'completed', repository: { full_name: 'acme/markets' }, workflow_run: { id: 1, head_sha: 'x' } });
    const post = (signature: string) =>
      fetch(`${h.app.url}/github/webhooks`, { method: 'POST', headers: { 'x-github-event': 'workflow_run', 'x-github-delivery': `d-${Math.random()}`, 'x-hub-signature-256': signature, 'content-type': 'application/json' }, body });
    expect((await post(sign(body, 'wrong secret'))).status).toBe(401);
    expect((await post('sha256=00')).status).toBe(401);
    expect((await post(sign(body))).status).toBe(202);
  });

  it('completes a promotion driven by webhooks with polling effectively off', async () => {
    h = await startHarness('webhook-driven', { webhookSecret: SECRET, pollMs: 600_000 });
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await h.click(p, ACTIONS.approve, USERS.rm2);
    // without the webhooks the follower would sleep 10 minutes between polls
    const done = await h.waitState(p.id, ['succeeded', 'failed'], 10_000);
    expect(done.state).toBe('succeeded');
    const deliveries = h.github.deliveries.filter((d) => d.event === 'workflow_run');
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    expect(deliveries.every((d) => d.status === 202)).toBe(true);
    const runGets = h.github.calls.filter((c) => c.method === 'GET' && /\/actions\/runs\/\d+$/.test(c.path));
    expect(runGets.length).toBeLessThan(10);
  });

  it('answers a custom deployment protection rule: approved for the SHA approved in Slack', async () => {
    h = await startHarness('protection-rule', { webhookSecret: SECRET, pollMs: 600_000 });
    h.github.addEnvironment('acme/markets', 'prod', { customRule: true });
    h.github.addWorkflow('acme/markets', { file: 'guarded.yml', name: 'guarded', environment: 'prod', durations: { queuedMs: 30, inProgressMs: 60 } });
    const cfg = h.config.services[0]!.strategy;
    if (cfg.type === 'workflow') cfg.workflow = 'guarded.yml';
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await h.click(p, ACTIONS.approve, USERS.rm2);
    const done = await h.waitState(p.id, ['succeeded', 'failed'], 10_000);
    expect(done.state).toBe('succeeded');
    const answers = h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/deployment_protection_rule'));
    expect(answers).toHaveLength(1);
    expect(answers[0]!.body).toMatchObject({ environment_name: 'prod', state: 'approved' });
    const audit = (await h.app.audit.forPromotion(p.id)).map((e) => e.type);
    expect(audit).toContain('protection_rule_approved');
    await waitUntil('thread mentions the protection rule', () => h.slack.thread(CHANNEL, p.messageTs!).some((m) => m.text.includes('deployment protection rule')));
  });

  it('rejects a protection-rule request for a deployment nobody approved in Slack', async () => {
    h = await startHarness('protection-reject', { webhookSecret: SECRET });
    h.github.addEnvironment('acme/markets', 'prod', { customRule: true });
    h.github.addWorkflow('acme/markets', { file: 'guarded.yml', name: 'guarded', environment: 'prod', durations: { queuedMs: 30, inProgressMs: 60 } });
    const res = await fetch(`${h.github.url}/repos/acme/markets/actions/workflows/guarded.yml/dispatches`, {
      method: 'POST',
      headers: { authorization: 'token ghp_testtoken', 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'main' }),
    });
    expect(res.status).toBe(204);
    const answer = await h.github.waitFor((c) => c.method === 'POST' && c.path.endsWith('/deployment_protection_rule'), 5000);
    expect(answer.body).toMatchObject({ environment_name: 'prod', state: 'rejected' });
  });
});
