import { CHANNEL, GITHUB_TOKEN, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';

function dispatches(h: Harness) {
  return h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/dispatches'));
}

/** Puts a promotion in the state a worker killed mid-dispatch leaves behind. */
async function crashedDuringDispatch(h: Harness) {
  const p = await h.request('markets-pipeline prod', USERS.rm1);
  const startedAt = new Date().toISOString();
  await h.app.repo.update(p.id, (cur) => ({
    ...cur,
    state: 'running',
    approvals: [{ userId: USERS.rm2, at: startedAt }],
    steps: { dispatch: { name: 'dispatch', status: 'started', startedAt } },
  }));
  return p;
}

describe('a killed promotion resumes where it stopped and never repeats a side effect', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('resume');
  });
  afterEach(async () => {
    await h.close();
  });

  it('adopts the run an interrupted dispatch created instead of dispatching again', async () => {
    const p = await crashedDuringDispatch(h);
    // the dispatch reached GitHub before the worker died
    const res = await fetch(`${h.github.url}/repos/acme/markets/actions/workflows/deploy.yml/dispatches`, {
      method: 'POST',
      headers: { authorization: `token ${GITHUB_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'main', inputs: { environment: 'prod', sha: h.mainSha, promotion: p.id } }),
    });
    expect(res.status).toBe(204);
    expect(dispatches(h)).toHaveLength(1);

    await h.app.queue.enqueueExecution(p.id);
    const done = await h.waitState(p.id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    expect(dispatches(h)).toHaveLength(1);
    expect(done.evidence.runs).toHaveLength(1);
    expect(done.evidence.runs[0]!.id).toBe(h.github.dispatches[0]!.runId);
    const audit = (await h.app.audit.forPromotion(p.id)).map((e) => e.type);
    expect(audit).toContain('run_adopted');
    expect(audit).not.toContain('workflow_dispatched');
    await waitUntil('resume notice', () => h.slack.thread(CHANNEL, p.messageTs!).some((m) => m.text.includes('Resuming after an interruption')));
  });

  it('dispatches exactly once when the interrupted dispatch never reached GitHub', async () => {
    const p = await crashedDuringDispatch(h);
    await h.app.queue.enqueueExecution(p.id);
    const done = await h.waitState(p.id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    expect(dispatches(h)).toHaveLength(1);
  });

  it('enqueuing the same execution twice runs it once (jobId = promotion id)', async () => {
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    // an execution job that arrives before the approval is a no-op and must not swallow the real one
    await h.app.queue.enqueueExecution(p.id);
    await h.click(p, 'promotion_approve', USERS.rm2);
    await h.app.queue.enqueueExecution(p.id);
    await h.app.queue.enqueueExecution(p.id);
    const first = await h.waitState(p.id, ['succeeded', 'failed']);
    expect(first.stateReason).toBeUndefined();
    expect(first.state).toBe('succeeded');
    // a late duplicate after completion is a no-op too
    await h.app.queue.enqueueExecution(p.id);
    const doneAgain = await h.waitState(p.id, 'succeeded');
    expect(doneAgain.state).toBe('succeeded');
    expect(dispatches(h)).toHaveLength(1);
  });

  it('two worker replicas execute a promotion once', async () => {
    await h.startAnother('worker');
    await h.startAnother('worker');
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await Promise.all([h.click(p, 'promotion_approve', USERS.rm2), h.app.queue.enqueueExecution(p.id)]);
    const done = await h.waitState(p.id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    expect(dispatches(h)).toHaveLength(1);
    expect((await h.app.audit.forPromotion(p.id)).filter((e) => e.type === 'started')).toHaveLength(1);
  });

  it('keeps promotions and the audit record across a restart of the bot', async () => {
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    const before = await h.app.audit.forPromotion(p.id);
    await h.app.close();
    const { startShipgate } = await import('../../src/main');
    const { envSchema } = await import('../../src/config/env-schema');
    const { parseConfig } = await import('../../src/config/load-config');
    const { BASE_CONFIG, BOT_TOKEN, SIGNING_SECRET } = await import('../helpers/harness');
    const { silentLogger } = await import('../../src/app/logger');
    const env = envSchema.parse({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: `${h.slack.url}/api/`,
      GITHUB_TOKEN,
      GITHUB_API_URL: h.github.url,
      SHIPGATE_REDIS_PREFIX: h.prefix,
      PORT: '0',
    });
    const again = await startShipgate({ config: parseConfig(BASE_CONFIG), env, role: 'all', logger: silentLogger, pollMs: 30, host: '127.0.0.1' });
    h.app = again;
    h.slack.botUrl = `${again.url}/slack/events`;
    expect((await again.repo.get(p.id))?.state).toBe('awaiting_approval');
    expect(await again.audit.forPromotion(p.id)).toEqual(before);
    // and it still works after the restart
    await h.click(p, 'promotion_approve', USERS.rm2);
    await h.waitState(p.id, 'succeeded');
  });
});
