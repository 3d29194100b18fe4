/**
 * shipgate as a custom deployment protection rule, when GitHub applies the answer and the
 * answer to shipgate is lost (a 502 after the write): GitHub keeps exactly one answer, the
 * promotion ends as GitHub shows the deploy, and nobody is told about an error.
 */
import type { Promotion } from '../../src/domain/promotion';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(60_000);

const SECRET = "It's a Secret to Everybody";
const ANSWER = /\/actions\/runs\/\d+\/deployment_protection_rule$/;

async function settled(h: Harness, id: string): Promise<Promotion> {
  return waitUntil(
    `promotion ${id} to finish all its work`,
    async () => {
      const p = await h.app.repo.get(id);
      const owed = (p?.outbox ?? []).some((i) => i.state !== 'sent');
      return p && (p.state === 'succeeded' || p.state === 'failed') && p.exec?.finalized && p.exec.mirrored && !owed ? p : undefined;
    },
    20_000,
  );
}

describe('a deployment protection rule answer GitHub applied but answered 502', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('approved once, the promotion succeeds as GitHub shows, no error said', async () => {
    h = await startHarness('protect502', { webhookSecret: SECRET, pollMs: 600_000 });
    h.github.addEnvironment('acme/markets', 'prod', { customRule: true });
    h.github.addWorkflow('acme/markets', { file: 'guarded.yml', name: 'guarded', environment: 'prod', durations: { queuedMs: 30, inProgressMs: 60 } });
    const cfg = h.config.services[0]!.strategy;
    if (cfg.type === 'workflow') cfg.workflow = 'guarded.yml';
    const fault = h.github.inject({ method: 'POST', path: ANSWER, mode: 'after', status: 502 });

    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await h.click(p, ACTIONS.approve, USERS.rm2);
    // the answer job is retried after the 502: it records the approval GitHub took, then the thread catches up
    await waitUntil('the protection-rule answer recorded', async () => (await h.app.audit.forPromotion(p.id)).some((e) => e.type === 'protection_rule_approved'), 15_000);
    const done = await settled(h, p.id);

    expect(fault.hits).toBe(1);
    // GitHub took one answer: the faulty one it applied; any later attempt was refused or never made
    const attempts = h.github.calls.filter((c) => c.method === 'POST' && ANSWER.test(c.path));
    expect(attempts.filter((c) => c.status === 204 || c.status === 502)).toHaveLength(1);
    expect(attempts.every((c) => c.status === 502 || c.status === 422)).toBe(true);
    expect(attempts[0]!.body).toMatchObject({ environment_name: 'prod', state: 'approved' });

    // what GitHub shows: the deploy ran and succeeded, and so did the promotion
    const run = h.github.run(done.evidence.runs[0]!.id) as { status: string; conclusion: string };
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(done.state).toBe('succeeded');
    expect(h.github.dispatches).toHaveLength(1);

    // recorded once, said once, and no error reached anyone
    const audit = (await h.app.audit.forPromotion(p.id)).map((e) => e.type);
    expect(audit.filter((t) => t === 'protection_rule_approved')).toHaveLength(1);
    expect(audit).not.toContain('step_failed');
    const thread = h.slack.thread(CHANNEL, p.messageTs!).map((m) => m.text);
    expect(thread.filter((t) => t.includes('deployment protection rule'))).toHaveLength(1);
    expect(thread.filter((t) => /:warning:|error|could not|failed/i.test(t))).toEqual([]);
    for (const u of Object.values(USERS)) expect(h.ephemeralsFor(u).filter((t) => /error|could not|failed/i.test(t))).toEqual([]);
  });

  it('a rejection (nobody approved the deploy in Slack) stays the one answer: a retry never turns it into an approval', async () => {
    h = await startHarness('protect502r', { webhookSecret: SECRET, pollMs: 600_000 });
    h.github.addEnvironment('acme/markets', 'prod', { customRule: true });
    h.github.addWorkflow('acme/markets', { file: 'guarded.yml', name: 'guarded', environment: 'prod', durations: { queuedMs: 30, inProgressMs: 60 } });
    const fault = h.github.inject({ method: 'POST', path: ANSWER, mode: 'after', status: 502 });
    const res = await fetch(`${h.github.url}/repos/acme/markets/actions/workflows/guarded.yml/dispatches`, {
      method: 'POST',
      headers: { authorization: 'token ghp_testtoken', 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'main' }),
    });
    expect(res.status).toBe(204);
    // the retry after the 502 is refused by GitHub (already answered)
    const refused = await h.github.waitFor((c) => c.method === 'POST' && ANSWER.test(c.path) && c.status === 422, 15_000);
    expect(fault.hits).toBe(1);
    const attempts = h.github.calls.filter((c) => c.method === 'POST' && ANSWER.test(c.path));
    expect(attempts[0]!.body).toMatchObject({ environment_name: 'prod', state: 'rejected' });
    expect(refused.body).toMatchObject({ environment_name: 'prod', state: 'rejected' });
    const run = await waitUntil('the rejected run to complete', () => {
      const r = h.github.runs('acme/markets')[0] as { status: string; conclusion: string | null };
      return r.status === 'completed' ? r : undefined;
    });
    expect(run.conclusion).toBe('failure');
    expect(h.slack.calls.filter((c) => c.path.startsWith('/api/chat.'))).toEqual([]);
  });
});
