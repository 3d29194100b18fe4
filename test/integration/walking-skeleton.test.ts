import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { REJECT_CALLBACK } from '../../src/adapters/slack/blocks/reject-modal';
import type { SlackMessage } from '../../src/emulators/slack-emulator';
import { waitUntil } from '../helpers/wait-until';

function dispatches(h: Harness) {
  return h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/dispatches'));
}

function blocksText(m: SlackMessage | undefined): string {
  return JSON.stringify(m?.blocks ?? []);
}

describe('walking skeleton: /promote → Approve → worker → GitHub run → evidence', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('skeleton');
  });
  afterEach(async () => {
    await h.close();
  });

  it('requests, refuses the wrong approvers, runs once for a real approver and posts the evidence', async () => {
    const p0 = await h.request('markets-pipeline prod reason="weekly release"', USERS.rm1);

    // one approval message posted, gates evaluated by the worker
    const posted = await h.slack.waitFor<{ channel: string; message: SlackMessage }>('message', (m) => m.channel === CHANNEL && !m.message.thread_ts);
    expect(h.slack.messages(CHANNEL)).toHaveLength(1);
    expect(p0.messageTs).toBe(posted.message.ts);
    expect(p0.sha).toBe(h.mainSha);
    const msg = h.slack.message(CHANNEL, p0.messageTs!);
    expect(blocksText(msg)).toContain(h.mainSha.slice(0, 7));
    expect(blocksText(msg)).toContain('Awaiting approval');
    expect(blocksText(msg)).toContain('*path*: int → prod follows int → prod');
    expect(blocksText(msg)).toContain(ACTIONS.approve);
    expect(blocksText(msg)).toContain(`<@${USERS.rm1}>`);

    // an unauthorized user: refused, nothing changes
    await h.click(p0, ACTIONS.approve, USERS.outsider);
    await waitUntil('refusal for outsider', () => h.ephemeralsFor(USERS.outsider).find((t) => t.includes('not an approver of `prod`')));
    // the requester: separation of duties
    await h.click(p0, ACTIONS.approve, USERS.rm1);
    await waitUntil('refusal for requester', () => h.ephemeralsFor(USERS.rm1).find((t) => t.includes('separation of duties')));
    const still = await h.app.repo.get(p0.id);
    expect(still?.state).toBe('awaiting_approval');
    expect(still?.approvals).toEqual([]);
    expect(dispatches(h)).toHaveLength(0);

    // a real approver, double-clicking: exactly one approval, one dispatch
    const [a, b] = await Promise.all([h.click(p0, ACTIONS.approve, USERS.rm2), h.click(p0, ACTIONS.approve, USERS.rm2)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const done = await h.waitState(p0.id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    expect(done.approvals.map((x) => x.userId)).toEqual([USERS.rm2]);
    expect(dispatches(h)).toHaveLength(1);
    const body = dispatches(h)[0]!.body as { ref: string; inputs: Record<string, string> };
    expect(body.ref).toBe('main');
    expect(body.inputs).toEqual({ environment: 'prod', sha: h.mainSha, promotion: p0.id });

    // evidence in the thread: run URL, SHA, conclusion
    const run = done.evidence.runs[0]!;
    expect(run.conclusion).toBe('success');
    expect(run.headSha).toBe(h.mainSha);
    const thread = await waitUntil('final evidence in the thread', () => {
      const t = h.slack.thread(CHANNEL, p0.messageTs!).map((m) => m.text).join('\n');
      return t.includes('Succeeded') ? t : undefined;
    });
    expect(thread).toContain(run.url);
    expect(thread).toContain(h.mainSha);
    expect(thread).toContain('success');
    // the message itself shows the final state without opening the thread
    expect(blocksText(h.slack.message(CHANNEL, p0.messageTs!))).toContain('Succeeded');
    expect(blocksText(h.slack.message(CHANNEL, p0.messageTs!))).not.toContain(ACTIONS.approve);

    // audit record, in order (the evidence pack for the last environment is published last)
    await waitUntil('evidence pack', async () => (await h.app.audit.forPromotion(p0.id)).some((e) => e.type === 'evidence_published'));
    const audit = await h.app.audit.forPromotion(p0.id);
    const types = audit.map((e) => e.type);
    // the duplicate click is refused too; where its refusal lands relative to execution is a race
    expect(types.filter((t) => t !== 'approval_refused')).toEqual(['requested', 'gates_passed', 'approved', 'started', 'workflow_dispatched', 'succeeded', 'evidence_published']);
    expect(types.filter((t) => t === 'approval_refused')).toHaveLength(3);
    expect(types.slice(0, 4)).toEqual(['requested', 'gates_passed', 'approval_refused', 'approval_refused']);
    expect(audit.find((e) => e.type === 'approved')?.actor).toBe(USERS.rm2);
    expect((await h.app.history.list('markets-pipeline', 'prod'))[0]).toMatchObject({ sha: h.mainSha, promotionId: p0.id, outcome: 'succeeded' });

    // Prometheus metrics tell the same story
    const metrics = await (await fetch(`${h.app.url}/metrics`)).text();
    expect(metrics).toContain('shipgate_promotions_total{outcome="succeeded"} 1');
    expect(metrics).toMatch(/shipgate_gate_results_total\{gate="approval",status="pass"\} \d+/);
    expect(metrics).toMatch(/shipgate_slack_ack_seconds_count\{kind="command_or_interaction"\} ([5-9]|\d\d)/);
    expect(metrics).toMatch(/shipgate_github_requests_total\{method="POST"\} \d+/);
    expect(metrics).toMatch(/shipgate_github_rate_limit_remaining \d+/);
    expect(metrics).toMatch(/shipgate_queue_depth \d+/);
  });

  it('rejects with a reason from the modal and dispatches nothing', async () => {
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await h.click(p, ACTIONS.reject, USERS.rm2);
    const opened = await h.slack.waitFor<{ action: string; view: { id: string; callback_id: string } }>('view', (v) => v.action === 'open');
    expect(opened.view.callback_id).toBe(REJECT_CALLBACK);

    // an empty reason is refused by the modal itself
    const empty = await h.slack.sendViewSubmission({ userId: USERS.rm2, viewId: opened.view.id, values: { reason: { value: { type: 'plain_text_input', value: '  ' } } } });
    expect(JSON.stringify(empty.body)).toContain('A rejection needs a reason.');

    await h.slack.sendViewSubmission({ userId: USERS.rm2, viewId: opened.view.id, values: { reason: { value: { type: 'plain_text_input', value: 'CAB said no' } } } });
    const rejected = await h.waitState(p.id, 'rejected');
    expect(rejected.rejection).toMatchObject({ by: USERS.rm2, reason: 'CAB said no' });
    await waitUntil('message shows rejected', () => blocksText(h.slack.message(CHANNEL, p.messageTs!)).includes('CAB said no'));
    expect(blocksText(h.slack.message(CHANNEL, p.messageTs!))).toContain('Rejected');
    expect(dispatches(h)).toHaveLength(0);

    // a click after the decision changes nothing
    // (a stale client still showing the buttons)
    await h.slack.sendBlockAction({ userId: USERS.rm2, channelId: CHANNEL, messageTs: p.messageTs!, actionId: ACTIONS.approve, value: p.id, blockId: 'decision' });
    await waitUntil('late click refused', () => h.ephemeralsFor(USERS.rm2).find((t) => t.includes('already rejected')));
    expect(dispatches(h)).toHaveLength(0);
  });

  it('marks the promotion failed when the run fails, with the evidence still posted', async () => {
    h.github.setWorkflowOutcome('acme/markets', 'deploy.yml', 'failure');
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await h.click(p, ACTIONS.approve, USERS.rm2);
    const done = await h.waitState(p.id, ['succeeded', 'failed']);
    expect(done.state).toBe('failed');
    expect(done.stateReason).toContain('failure');
    const thread = await waitUntil('failure evidence', () => {
      const t = h.slack.thread(CHANNEL, p.messageTs!).map((m) => m.text).join('\n');
      return t.includes('Failed') ? t : undefined;
    });
    expect(thread).toContain(done.evidence.runs[0]!.url);
    expect(blocksText(h.slack.message(CHANNEL, p.messageTs!))).toContain('Failed');
    expect(dispatches(h)).toHaveLength(1);
  });

  it('lets the requester cancel before execution', async () => {
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await h.click(p, ACTIONS.cancel, USERS.engineer);
    await waitUntil('cancel refused for a bystander', () => h.ephemeralsFor(USERS.engineer).find((t) => t.includes('Only the requester')));
    await h.click(p, ACTIONS.cancel, USERS.rm1);
    await h.waitState(p.id, 'cancelled');
    await h.slack.sendBlockAction({ userId: USERS.rm2, channelId: CHANNEL, messageTs: p.messageTs!, actionId: ACTIONS.approve, value: p.id, blockId: 'decision' });
    await waitUntil('approve after cancel refused', () => h.ephemeralsFor(USERS.rm2).find((t) => t.includes('already cancelled')));
    expect(dispatches(h)).toHaveLength(0);
  });
});

describe('approval timeout', () => {
  it('expires a promotion nobody decided on, releasing its lock', async () => {
    const { BASE_CONFIG } = await import('../helpers/harness');
    const h = await startHarness('expiry', { config: BASE_CONFIG.replace('    requiredApprovals: 1\n', '    requiredApprovals: 1\n    approvalTimeout: 1s\n') });
    try {
      const p = await h.request('markets-pipeline prod', USERS.rm1);
      expect(p.expiresAt).toBeDefined();
      const expired = await h.waitState(p.id, 'expired', 10_000);
      expect(expired.stateReason).toBe('approval timed out');
      await waitUntil('message shows expired', () => JSON.stringify(h.slack.message(CHANNEL, p.messageTs!)?.blocks).includes('Expired'));
      await h.slack.sendBlockAction({ userId: USERS.rm2, channelId: CHANNEL, messageTs: p.messageTs!, actionId: ACTIONS.approve, value: p.id, blockId: 'decision' });
      await waitUntil('late approval refused', () => h.ephemeralsFor(USERS.rm2).find((t) => t.includes('already expired')));
      // the environment is free again
      const next = await h.request('markets-pipeline prod', USERS.rm1);
      expect(next.state).toBe('awaiting_approval');
      expect(dispatches(h)).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});
