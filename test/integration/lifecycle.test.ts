/**
 * Triggers, `promote: auto|request` and `verify:` (SPEC §9) end to end: the real bot over real
 * HTTP and Redis, the GitHub emulator sending signed `push` / `workflow_run` webhooks, the
 * Slack emulator for cards, threads and clicks.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { TestClock } from '../helpers/test-clock';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { ROLLBACK_ACTION } from '../../src/adapters/slack/blocks/rollback-offer';
import type { Promotion } from '../../src/domain/promotion';

const SECRET = 'lifecycle-webhook-secret';
const AUTHOR = 'U0AUTHORAL';
const REPO = 'acme/markets';

function config(o: { verify?: string; stagingExtra?: string; trigger?: string; extra?: string } = {}): string {
  return `
timezone: UTC
environments:
  - name: staging
    promote: auto
    verify: { workflow: smoke.yml, inputs: { env: "{{env}}", sha: "{{sha}}", promotion: "{{promotion}}" }${o.verify ?? ''} }
${o.stagingExtra ?? ''}
  - name: prod
    deployers: [S0RELEASEMGRS]
    approvers: [S0RELEASEMGRS]
    requiredApprovals: 1
    promote: request
services:
  - name: webapp
    repo: ${REPO}
    pipeline: [staging, prod]
    trigger: ${o.trigger ?? '{ push: main }'}
    strategy:
      type: workflow
      workflow: deploy.yml
      ref: main
      inputs: { environment: "{{env}}", sha: "{{sha}}", promotion: "{{promotion}}" }
announce: { channel: ${CHANNEL} }
incidents: { channels: ["^inc-"] }
${o.extra ?? ''}
`;
}

async function start(name: string, opts: { config?: string; smoke?: 'success' | 'failure'; clock?: TestClock } = {}): Promise<Harness> {
  const h = await startHarness(name, { config: opts.config ?? config(), webhookSecret: SECRET, ...(opts.clock ? { clock: opts.clock } : {}) });
  h.slack.addUser({ id: AUTHOR, name: 'alex.author', email: 'alex@acme.test' });
  // the author is even a release manager: separation of duties still keeps them from approving their own change
  h.slack.setUsergroup('S0RELEASEMGRS', [USERS.rm1, USERS.rm2, AUTHOR]);
  h.github.addWorkflow(REPO, { file: 'smoke.yml', name: 'smoke', conclusion: opts.smoke ?? 'success', durations: { queuedMs: 30, inProgressMs: 80 }, runName: 'smoke {{inputs.promotion}}' });
  return h;
}

/** A merge to main as a person would push it: the emulator moves the branch and sends the signed `push` webhook. */
function mergeToMain(h: Harness, message = 'feat: faster pricing'): string {
  return h.github.addCommit(REPO, 'main', { message, author: { name: 'Alex Author', email: 'alex@acme.test', login: 'alexa' }, push: true });
}

async function promotionInto(h: Harness, env: string, not: readonly string[] = []): Promise<Promotion> {
  return waitUntil(`a promotion into ${env}`, async () => (await h.app.repo.recent(50)).find((p) => p.env === env && p.kind === 'promotion' && !not.includes(p.id)), 10_000);
}

const dispatchesOf = (h: Harness, workflow: string) => h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith(`/actions/workflows/${workflow}/dispatches`));
const threadText = (h: Harness, p: Promotion) => h.slack.thread(p.channel, p.messageTs!).map((m) => m.text).join('\n');

/** POSTs a signed webhook with a fresh delivery id (GitHub sending the same event again, not a redelivery). */
async function postWebhook(h: Harness, event: string, payload: unknown): Promise<number> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${h.app.url}/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe('triggers, promote: auto|request and verify', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('merge to main → staging automatically → smoke passes → approval asked for prod → the author cannot approve → approved → prod deployed', async () => {
    h = await start('life-flow');
    const sha = mergeToMain(h);
    const staging = await promotionInto(h, 'staging');
    expect(staging).toMatchObject({ ref: sha, origin: { via: 'trigger', mode: 'auto', author: { slackId: AUTHOR, email: 'alex@acme.test' } }, requester: { id: AUTHOR } });
    const done = await h.waitState(staging.id, ['succeeded', 'failed', 'failed_verification'], 15_000);
    expect(done.state).toBe('succeeded');
    expect(done.sha).toBe(sha);
    expect(done.gates.find((g) => g.gate === 'path')).toMatchObject({ status: 'pass', code: 'triggered' });
    expect(done.gates.find((g) => g.gate === 'approval')).toMatchObject({ status: 'pass', code: 'confirmed' });
    // the smoke test ran once, with the templated inputs, after the deploy; its run is evidence
    expect(dispatchesOf(h, 'deploy.yml')).toHaveLength(1);
    expect(dispatchesOf(h, 'smoke.yml')).toHaveLength(1);
    expect(dispatchesOf(h, 'smoke.yml')[0]!.body).toMatchObject({ ref: 'main', inputs: { env: 'staging', sha, promotion: staging.id } });
    expect(done.evidence.verification).toMatchObject({ workflow: 'smoke.yml', status: 'completed', conclusion: 'success' });
    expect(done.evidence.verification!.url).toMatch(/\/actions\/runs\/\d+$/);
    const audit = (await h.app.audit.forPromotion(staging.id)).map((e) => e.type);
    expect(audit).toEqual(expect.arrayContaining(['requested', 'approved', 'started', 'workflow_dispatched', 'verify_dispatched', 'verification_passed', 'succeeded']));
    expect(audit.indexOf('verification_passed')).toBeLessThan(audit.indexOf('succeeded'));

    // prod: `promote: request`: shipgate posts the approval request itself, on behalf of the author
    const prod = await promotionInto(h, 'prod');
    expect(prod.origin).toMatchObject({ via: 'stage', mode: 'request', sourcePromotionId: staging.id });
    const waiting = await h.waitState(prod.id, 'awaiting_approval');
    expect(waiting.sha).toBe(sha);
    expect(waiting.gates.find((g) => g.gate === 'path')).toMatchObject({ status: 'pass', code: 'path_ok' });
    await waitUntil('the prod card says who it is for', () => JSON.stringify(h!.slack.message(CHANNEL, waiting.messageTs!)?.blocks ?? []).includes(`on behalf of <@${AUTHOR}>`));
    await waitUntil('the staging thread links the next stage', () => threadText(h!, done).includes(prod.id));
    expect((await h.app.audit.forPromotion(staging.id)).filter((e) => e.type === 'next_stage_opened')).toHaveLength(1);
    // a worker killed after it opened the next stage but before it recorded that: the step runs again and finds it
    await h.app.repo.update(staging.id, (cur) => {
      const steps = { ...cur.steps };
      delete steps.next_stage;
      return { ...cur, steps, exec: { ...cur.exec, finalized: false } };
    });
    await h.app.queue.enqueueExecution(staging.id);
    await waitUntil('the next stage step ran again', async () => (await h!.app.repo.get(staging.id))?.exec?.finalized === true && (await h!.app.repo.get(staging.id))?.steps.next_stage?.status === 'done');
    expect((await h.app.repo.get(staging.id))!.steps.next_stage!.output).toMatchObject({ env: 'prod', promotionId: prod.id });
    expect((await h.app.repo.recent(50)).filter((p) => p.env === 'prod')).toHaveLength(1);

    await h.click(waiting, ACTIONS.approve, AUTHOR);
    await waitUntil('the author is told', () => h!.ephemeralsFor(AUTHOR).some((t) => /separation of duties|own/i.test(t)));
    expect((await h.app.repo.get(prod.id))!.state).toBe('awaiting_approval');
    expect((await h.app.audit.forPromotion(prod.id)).some((e) => e.type === 'approval_refused' && e.actor === AUTHOR)).toBe(true);

    await h.click(waiting, ACTIONS.approve, USERS.rm1);
    const prodDone = await h.waitState(prod.id, ['succeeded', 'failed', 'failed_verification'], 15_000);
    expect(prodDone.state).toBe('succeeded');
    expect(prodDone.approvals.map((a) => a.userId)).toEqual([USERS.rm1]);
    expect(dispatchesOf(h, 'deploy.yml')).toHaveLength(2);
    expect(dispatchesOf(h, 'deploy.yml')[1]!.body).toMatchObject({ inputs: { environment: 'prod', sha } });
    expect(dispatchesOf(h, 'smoke.yml')).toHaveLength(1); // prod has no verify
    const history = await h.app.history.list('webapp', 'staging', 5);
    expect(history[0]).toMatchObject({ sha, promotionId: staging.id, outcome: 'succeeded', verification: 'passed' });
  });

  it('a redelivered push, the same push sent again and the build runs of that push start no second promotion', async () => {
    h = await start('life-redeliver', { config: config({ trigger: '{ push: main }' }) });
    h.github.addWorkflow(REPO, { file: 'build.yml', name: 'build', onPushBranches: ['main'], durations: { queuedMs: 20, inProgressMs: 40 } });
    const sha = mergeToMain(h);
    const first = await promotionInto(h, 'staging');
    const push = h.github.deliveries.find((d) => d.event === 'push' && (d.payload as { after?: string }).after === sha)!;
    const again = h.github.redeliver(push.id);
    await waitUntil('the redelivery answered', () => again.status ?? again.error);
    expect(again.status).toBe(202);
    expect(await postWebhook(h, 'push', push.payload)).toBe(202);
    await waitUntil('the repeated push is recorded on the first promotion', async () => (await h!.app.audit.forPromotion(first.id)).some((e) => e.type === 'trigger_repeated'));
    const all = (await h.app.repo.recent(50)).filter((p) => p.env === 'staging');
    expect(all.map((p) => p.id)).toEqual([first.id]);
    // a push to another branch, or a deleted branch, fires nothing
    expect(await postWebhook(h, 'push', { ...push.payload, ref: 'refs/heads/feature', after: 'f'.repeat(40) })).toBe(202);
    await h.waitState(first.id, ['succeeded', 'failed', 'failed_verification'], 15_000);
    expect((await h.app.repo.recent(50)).filter((p) => p.env === 'staging')).toHaveLength(1);
  });

  it('workflowRun trigger: a successful run of build.yml starts staging for its SHA; a failed run does not', async () => {
    h = await start('life-workflow-run', { config: config({ trigger: '{ workflowRun: build }' }) });
    h.github.addWorkflow(REPO, { file: 'build.yml', name: 'build', onPushBranches: ['main'], conclusion: 'failure', durations: { queuedMs: 20, inProgressMs: 40 } });
    const bad = mergeToMain(h, 'feat: broken build');
    await waitUntil('the failed build completed', () => h!.github.deliveries.some((d) => d.event === 'workflow_run' && d.action === 'completed' && d.status === 202));
    h.github.setWorkflowOutcome(REPO, 'build.yml', 'success');
    const good = mergeToMain(h, 'fix: build again');
    const p = await promotionInto(h, 'staging');
    expect(p.ref).toBe(good);
    expect(p.origin).toMatchObject({ via: 'trigger', event: { name: 'workflow_run', workflow: 'build.yml' } });
    expect((await h.app.repo.recent(50)).filter((x) => x.ref === bad)).toHaveLength(0);
    expect((await h.waitState(p.id, ['succeeded', 'failed', 'failed_verification'], 15_000)).state).toBe('succeeded');
  });

  it('verify fails → failed_verification, announce told, a Roll back button in the thread; two clicks → one rollback', async () => {
    h = await start('life-verify-fails');
    // what ran before: a first build that passed
    mergeToMain(h, 'feat: first');
    const first = await promotionInto(h, 'staging');
    const good = await h.waitState(first.id, ['succeeded', 'failed', 'failed_verification'], 15_000);
    expect(good.state).toBe('succeeded');
    const prodOfGood = await promotionInto(h, 'prod');
    await h.click(await h.waitState(prodOfGood.id, 'awaiting_approval'), ACTIONS.cancel, USERS.rm1);
    await h.waitState(prodOfGood.id, 'cancelled');

    h.github.setWorkflowOutcome(REPO, 'smoke.yml', 'failure');
    const badSha = mergeToMain(h, 'feat: breaks the smoke test');
    const bad = await promotionInto(h, 'staging', [good.id]);
    const failed = await h.waitState(bad.id, ['succeeded', 'failed', 'failed_verification'], 15_000);
    expect(failed.state).toBe('failed_verification');
    expect(failed.stateReason).toMatch(/verify run .*concluded failure/);
    expect(failed.evidence.verification).toMatchObject({ conclusion: 'failure' });
    // deployed, so it is what runs (the rollback's "current"), but never a candidate for prod
    expect((await h.app.history.list('webapp', 'staging', 5))[0]).toMatchObject({ sha: badSha, outcome: 'succeeded', verification: 'failed' });
    await waitUntil('the card says failed verification', () => h!.slack.message(CHANNEL, failed.messageTs!)?.text.includes('failed verification'));
    await waitUntil('announce.channel is told', () => h!.slack.messages(CHANNEL).some((m) => !m.thread_ts && m.text.includes('failed verification') && m.text.includes('webapp')));
    const offer = await waitUntil('the Roll back button in the thread', () => h!.slack.thread(CHANNEL, failed.messageTs!).find((m) => JSON.stringify(m.blocks ?? []).includes(ROLLBACK_ACTION)));
    // no next stage after a failed verification
    expect((await h.app.repo.recent(50)).filter((p) => p.env === 'prod')).toHaveLength(1);

    const click = (user: string) => h!.slack.sendBlockAction({ userId: user, channelId: CHANNEL, messageTs: offer.ts, actionId: ROLLBACK_ACTION });
    // two people click at the same moment: one rollback, the other is told it exists
    expect((await Promise.all([click(USERS.engineer), click(USERS.rm1)])).map((r) => r.status)).toEqual([200, 200]);
    const rollback = await waitUntil('a rollback', async () => (await h!.app.repo.recent(50)).find((p) => p.kind === 'rollback'));
    expect(rollback).toMatchObject({ env: 'staging', sha: good.sha, origin: { via: 'verify', mode: 'request', sourcePromotionId: bad.id } });
    await waitUntil('both clickers are answered', () => [USERS.engineer, USERS.rm1].every((u) => h!.ephemeralsFor(u).some((t) => t.includes(rollback.id))));
    expect([USERS.engineer, USERS.rm1].filter((u) => h!.ephemeralsFor(u).some((t) => t.includes('already')))).toHaveLength(1);
    const waiting = await h.waitState(rollback.id, 'awaiting_approval');
    await h.click(waiting, ACTIONS.approve, USERS.rm1);
    const rolled = await h.waitState(rollback.id, ['succeeded', 'failed'], 15_000);
    expect(rolled.state).toBe('succeeded');
    expect((await h.app.repo.recent(50)).filter((p) => p.kind === 'rollback')).toHaveLength(1);
    expect(await click(USERS.rm2).then((r) => r.status)).toBe(200); // after it ran: still told, nothing new
    await waitUntil('the third clicker is told it exists', () => h!.ephemeralsFor(USERS.rm2).some((t) => t.includes(rollback.id)));
    expect((await h.app.repo.recent(50)).filter((p) => p.kind === 'rollback')).toHaveLength(1);
    // deploy.yml: good, bad, the rollback; smoke ran for good and bad only
    expect(dispatchesOf(h, 'deploy.yml').map((c) => (c.body as { inputs: { sha: string } }).inputs.sha)).toEqual([good.sha, badSha, good.sha]);
    expect(dispatchesOf(h, 'smoke.yml')).toHaveLength(2);
  });

  it('onFailure: rollback starts the rollback itself and it executes', async () => {
    h = await start('life-auto-rollback', { config: config({ verify: ', onFailure: rollback' }) });
    mergeToMain(h, 'feat: first');
    const first = await promotionInto(h, 'staging');
    const good = await h.waitState(first.id, ['succeeded', 'failed', 'failed_verification'], 15_000);
    expect(good.state).toBe('succeeded');
    h.github.setWorkflowOutcome(REPO, 'smoke.yml', 'failure');
    mergeToMain(h, 'feat: breaks the smoke test');
    const bad = await promotionInto(h, 'staging', [good.id]);
    expect((await h.waitState(bad.id, ['succeeded', 'failed', 'failed_verification'], 15_000)).state).toBe('failed_verification');
    const rollback = await waitUntil('the rollback shipgate started', async () => (await h!.app.repo.recent(50)).find((p) => p.kind === 'rollback'));
    expect(rollback).toMatchObject({ origin: { via: 'verify', mode: 'auto', sourcePromotionId: bad.id }, requester: { id: 'shipgate' }, sha: good.sha });
    const rolled = await h.waitState(rollback.id, ['succeeded', 'failed'], 15_000);
    expect(rolled.state).toBe('succeeded');
    expect(rolled.approvals).toEqual([]);
    expect((await h.app.history.list('webapp', 'staging', 1))[0]).toMatchObject({ sha: good.sha, kind: 'rollback' });
    await waitUntil('the failed thread names the rollback', async () => threadText(h!, (await h!.app.repo.get(bad.id))!).includes(rollback.id));
  });

  it('frozen staging: the auto-promotion queues for the next window and executes when it opens', async () => {
    const clock = new TestClock('2026-12-15T23:59:52Z'); // eight seconds before the freeze ends
    h = await start('life-freeze', { clock, config: config({ extra: 'freezes:\n  - name: filing day\n    environments: [staging]\n    dates: ["2026-12-15"]\n' }) });
    mergeToMain(h);
    const p = await promotionInto(h, 'staging');
    const queued = await waitUntil('queued for the window', async () => {
      const cur = await h!.app.repo.get(p.id);
      return cur?.scheduledFor && (cur.state === 'approved' || cur.state === 'awaiting_approval') ? cur : undefined;
    });
    expect(queued.scheduledFor).toBe('2026-12-16T00:00:00.000Z');
    expect(dispatchesOf(h, 'deploy.yml')).toHaveLength(0);
    // another merge while staging is held by the queued one: nothing is queued behind it, and the channel is told
    const second = mergeToMain(h, 'feat: a second change');
    await waitUntil('the channel is told the second push waits for nothing', () => h!.slack.messages(CHANNEL).some((m) => m.text.includes(second.slice(0, 7)) && m.text.includes('was not promoted')));
    expect((await h.app.repo.recent(50)).filter((x) => x.env === 'staging')).toHaveLength(1);
    const done = await h.waitState(p.id, ['succeeded', 'failed', 'failed_verification'], 25_000);
    expect(done.state).toBe('succeeded');
    const started = (await h.app.audit.forPromotion(p.id)).find((e) => e.type === 'started')!;
    expect(Date.parse(started.at)).toBeGreaterThanOrEqual(Date.parse('2026-12-16T00:00:00Z'));
    expect(dispatchesOf(h, 'deploy.yml')).toHaveLength(1);
    const audit = (await h.app.audit.forPromotion(p.id)).map((e) => e.type);
    expect(audit).toEqual(expect.arrayContaining(['gates_blocked', 'queued_for_window', 'approved', 'started', 'succeeded']));
  });
});
