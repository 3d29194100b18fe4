import { BASE_CONFIG, CHANNEL, INCIDENT_CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import type { Promotion } from '../../src/domain/promotion';

const CONFIG = `${BASE_CONFIG}
incidents:
  channels: ["^inc-"]
  rollbackApprovers: [S0ONCALL]
`;

const dispatches = (h: Harness) => h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/dispatches'));

/** A real promotion of `sha` to prod through Slack, approved, run to its end. */
async function deploy(h: Harness, sha: string, outcome: 'success' | 'failure' = 'success'): Promise<Promotion> {
  h.github.setWorkflowOutcome('acme/markets', 'deploy.yml', outcome);
  const p = await h.request(`markets-pipeline prod ref=${sha}`, USERS.rm1);
  await h.click(p, ACTIONS.approve, USERS.rm2);
  return h.waitState(p.id, ['succeeded', 'failed']);
}

async function rollback(h: Harness, text: string, userId: string = USERS.oncall) {
  return h.request(text, userId, 'awaiting_approval', '/rollback', INCIDENT_CHANNEL);
}

async function reply(h: Harness, send: () => Promise<unknown>, userId: string): Promise<string> {
  const before = h.ephemeralsFor(userId).length;
  await send();
  return waitUntil('an ephemeral reply', () => h.ephemeralsFor(userId).slice(before)[0]);
}

describe('/rollback, deployment history, status, locks and the evidence pack', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('refuses /rollback outside an incident channel', async () => {
    h = await startHarness('rb-channel', { config: CONFIG });
    const text = await reply(h, () => h.slack.sendSlashCommand({ command: '/rollback', text: 'markets-pipeline', userId: USERS.oncall, channelId: CHANNEL }), USERS.oncall);
    expect(text).toContain('`/rollback` works only in incident channels: channels matching `^inc-`');
    expect(await h.app.repo.recent(10)).toHaveLength(0);
  });

  it('picks the right target after a failed deploy and an earlier rollback, executes once, and status/history tell the truth', async () => {
    h = await startHarness('rb-target', { config: CONFIG });
    const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((n) => h.github.addCommit('acme/markets', 'main', { message: `release ${n}` }));
    expect((await deploy(h, a!)).state).toBe('succeeded');
    expect((await deploy(h, b!)).state).toBe('succeeded');
    expect((await deploy(h, c!, 'failure')).state).toBe('failed');
    const pd = await deploy(h, d!);
    expect(pd.state).toBe('succeeded');
    h.github.setWorkflowOutcome('acme/markets', 'deploy.yml', 'success');

    // status shows D in prod
    const status1 = await reply(h, () => h.promote('status markets-pipeline', USERS.engineer), USERS.engineer);
    expect(status1).toContain(`*prod*: \`${d!.slice(0, 7)}\``);

    // first rollback: D → B (C failed, so it is skipped)
    const unknown = await reply(h, () => h.slack.sendSlashCommand({ command: '/rollback', text: 'markets-pipeline to=1234567', userId: USERS.oncall, channelId: INCIDENT_CHANNEL }), USERS.oncall);
    expect(unknown).toContain('`1234567` is not an earlier successful deployment of `prod`');
    const r1 = await rollback(h, 'markets-pipeline reason="prices stale"');
    expect(r1.kind).toBe('rollback');
    expect(r1.sha).toBe(b);
    expect(r1.rollback).toMatchObject({ currentSha: d, currentPromotionId: pd.id });
    const candidate = r1.gates.find((g) => g.gate === 'candidate')!;
    expect(candidate.summary).toContain(`Rollback \`${d!.slice(0, 7)}\` → \`${b!.slice(0, 7)}\``);
    expect(candidate.summary).toContain('release D');
    expect(candidate.summary).toContain('release C');
    // the requester is not a rollback approver's substitute when rollbackApprovers is set
    await h.click(r1, ACTIONS.approve, USERS.rm2);
    await waitUntil('non on-call refused', () => h.ephemeralsFor(USERS.rm2).find((t) => t.includes('not an approver')));
    const before = dispatches(h).length;
    await h.click(r1, ACTIONS.approve, USERS.oncall);
    await waitUntil('self-approval refused', () => h.ephemeralsFor(USERS.oncall).find((t) => t.includes('separation of duties')));
    // another on-call engineer approves
    await h.click(r1, ACTIONS.approve, USERS.engineer);
    const done = await h.waitState(r1.id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    expect(dispatches(h).length - before).toBe(1);
    expect((dispatches(h).at(-1)!.body as { inputs: Record<string, string> }).inputs.sha).toBe(b);

    // second rollback: B (the rollback) → A (D was rolled back; B is what runs)
    const r2 = await rollback(h, 'markets-pipeline');
    expect(r2.sha).toBe(a);

    // history and status show the truth
    await h.slack.sendSlashCommand({ command: '/promote', text: `cancel ${r2.id}`, userId: USERS.oncall, channelId: INCIDENT_CHANNEL });
    await h.waitState(r2.id, 'cancelled');
    const hist = await reply(h, () => h.promote('history markets-pipeline prod', USERS.engineer), USERS.engineer);
    const lines = hist.split('\n');
    expect(lines[1]).toContain(r2.id);
    expect(lines[1]).toContain('cancelled');
    expect(lines[2]).toContain(r1.id);
    expect(lines[2]).toContain('rollback');
    expect(lines[3]).toContain(pd.id);
    expect(lines[4]).toContain('failed');
    const status2 = await reply(h, () => h.promote('status', USERS.engineer), USERS.engineer);
    expect(status2).toContain(`*prod*: \`${b!.slice(0, 7)}\``);
    expect(status2).toContain(`rollback \`${r1.id}\``);
  });

  it('serializes promotions per environment and lets a rollback pre-empt a pending promotion', async () => {
    h = await startHarness('rb-locks', { config: CONFIG });
    const a = h.github.addCommit('acme/markets', 'main', { message: 'release A' });
    const b = h.github.addCommit('acme/markets', 'main', { message: 'release B' });
    await deploy(h, a);
    await deploy(h, b);
    h.github.addCommit('acme/markets', 'main', { message: 'release C' }); // the candidate: main's head, not yet in prod
    const pending = await h.request('markets-pipeline prod', USERS.rm1);
    // a second promotion is told who holds the lock
    const locked = await reply(h, () => h.promote('markets-pipeline prod', USERS.rm2), USERS.rm2);
    expect(locked).toContain(`is locked by promotion \`${pending.id}\` (awaiting approval), requested by <@${USERS.rm1}>`);
    // a rollback pre-empts the pending promotion
    const r = await rollback(h, 'markets-pipeline');
    const cancelled = await h.waitState(pending.id, 'cancelled');
    expect(cancelled.cancellation?.reason).toBe(`pre-empted by rollback ${r.id}`);
    await waitUntil('pre-emption message', () => h.slack.thread(CHANNEL, pending.messageTs!).some((m) => m.text.includes(`rollback \`${r.id}\``)));
    // and nothing else gets in while the rollback is pending
    const locked2 = await reply(h, () => h.promote('markets-pipeline prod', USERS.rm2), USERS.rm2);
    expect(locked2).toContain(`locked by rollback \`${r.id}\``);
    // once it ends the lock is free again
    await h.slack.sendSlashCommand({ command: '/promote', text: `cancel ${r.id}`, userId: USERS.oncall, channelId: INCIDENT_CHANNEL });
    await h.waitState(r.id, 'cancelled');
    const next = await h.request('markets-pipeline prod', USERS.rm2);
    expect(next.state).toBe('awaiting_approval');
  });

  it('never pre-empts a promotion that is executing', async () => {
    h = await startHarness('rb-exec', { config: CONFIG, role: 'web' });
    const worker = await h.startAnother('worker');
    const a = h.github.addCommit('acme/markets', 'main', { message: 'release A' });
    const b = h.github.addCommit('acme/markets', 'main', { message: 'release B' });
    await deploy(h, a);
    await deploy(h, b);
    h.github.addCommit('acme/markets', 'main', { message: 'release C' }); // the candidate: main's head, not yet in prod
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await worker.close();
    await h.click(p, ACTIONS.approve, USERS.rm2);
    await h.waitState(p.id, 'approved');
    const text = await reply(h, () => h.slack.sendSlashCommand({ command: '/rollback', text: 'markets-pipeline', userId: USERS.oncall, channelId: INCIDENT_CHANNEL }), USERS.oncall);
    expect(text).toContain(`locked by promotion \`${p.id}\` (approved)`);
  });

  it('uploads an evidence pack with every field', async () => {
    h = await startHarness('rb-evidence', { config: CONFIG });
    const p = await deploy(h, h.mainSha);
    const file = await h.slack.waitFor<{ file: { name: string }; text: string; threadTs?: string }>('file', (f) => f.file.name === `evidence-${p.id}.json`);
    expect(file.threadTs).toBe(p.messageTs);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON document checked field by field
    const json = JSON.parse(file.text) as Record<string, any>;
    expect(json).toMatchObject({
      schema: 'shipgate.evidence/v1',
      id: p.id,
      kind: 'promotion',
      service: 'markets-pipeline',
      repo: 'acme/markets',
      from: 'int',
      environment: 'prod',
      outcome: 'succeeded',
      sha: h.mainSha,
      requestedBy: { user: USERS.rm1, at: p.createdAt },
      approvals: [{ user: USERS.rm2, at: p.approvals[0]!.at }],
    });
    expect(json.gates.map((g: { gate: string; status: string }) => `${g.gate}:${g.status}`)).toEqual(expect.arrayContaining(['path:pass', 'approval:pass', 'freeze:pass']));
    expect(json.runs[0]).toMatchObject({ name: 'deploy', conclusion: 'success', headSha: h.mainSha, url: p.evidence.runs[0]!.url });
    expect(json.databricksRuns).toEqual([]);
    expect(json.timestamps.requested).toBe(p.createdAt);
    expect(Date.parse(json.timestamps.approved)).toBeGreaterThan(0);
    expect(Date.parse(json.timestamps.finished)).toBeGreaterThanOrEqual(Date.parse(json.timestamps.started));
    expect(json.audit.map((x: { type: string }) => x.type)).toEqual(expect.arrayContaining(['requested', 'approved', 'started', 'succeeded']));
    const md = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${p.id}.md`);
    expect(md.text).toContain(`# Evidence: promotion ${p.id}`);
    expect(md.text).toContain('**SUCCEEDED**');
    expect(md.text).toContain(h.mainSha);
    expect(md.text).toContain(p.evidence.runs[0]!.url);
    expect(md.text).toContain('| Approved by | ravi.release at');
    expect(md.text).not.toContain(`<@${USERS.rm2}>`);
    // on demand too
    await h.promote(`evidence ${p.id}`, USERS.engineer);
    await waitUntil('second upload', () => h.slack.files().filter((f) => f.file.name === `evidence-${p.id}.json`).length === 2);
  });
});
