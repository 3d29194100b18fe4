/**
 * Chat never decides the outcome: Slack answering 500, Slack unreachable for 20 s, and a
 * worker killed while Slack holds an answer or right after `succeeded`. The promotion ends as
 * GitHub shows it; the thread catches up once, in the promotion's outbox order; the finish
 * work note, the final summary and the evidence pack are each written exactly once.
 */
import type { FaultMode } from '../../src/emulators/fault-plan';
import type { SlackMessage } from '../../src/emulators/slack-emulator';
import type { Promotion } from '../../src/domain/promotion';
import { displayFingerprint } from '../../src/domain/outbox';
import { BASE_CONFIG, CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { ShipgateProcess } from '../helpers/shipgate-process';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(120_000);

const SN_CONFIG = BASE_CONFIG.replace('    requiredApprovals: 1\n', '    requiredApprovals: 1\n    changeRecord: required\n').replace(
  '    repo: acme/markets\n',
  '    repo: acme/markets\n    servicenow: { ci: markets-pipeline, changeTemplate: { assignmentGroup: Markets Platform, shortDescription: "Promote {{service}} {{sha}} to {{env}}", backoutPlan: "/rollback" } }\n',
);
const CR = 'CHG0030001';

type Meta = { event_type?: string; event_payload?: { promotion?: string; key?: string } };
const keyOf = (m: SlackMessage): string | undefined => (m.metadata as Meta | undefined)?.event_payload?.key;
/** The outbox key a recorded `chat.postMessage` call carried in its metadata. */
const bodyKey = (body: unknown): string | undefined => (body as { metadata?: Meta } | undefined)?.metadata?.event_payload?.key;

/** The thread replies as outbox keys (`evidence` for the pack's upload, `text:…` for anything untagged), oldest first. */
function threadKeys(h: Harness, p: Promotion): string[] {
  return h.slack
    .thread(CHANNEL, p.messageTs!)
    .slice(1)
    .map((m) => keyOf(m) ?? ((m.files ?? []).some((f) => f.name === `evidence-${p.id}.json`) ? 'evidence' : `text:${m.text}`));
}

/** What the outbox says the thread is owed, in order (an evidence upload as `evidence`). */
const outboxKeys = (p: Promotion): string[] => (p.outbox ?? []).map((i) => (i.kind === 'evidence' ? 'evidence' : i.key));

const evidenceUploads = (h: Harness, p: Promotion) => h.slack.files().filter((f) => f.file.name === `evidence-${p.id}.json`).length;
const cardText = (h: Harness, p: Promotion) => h.slack.message(CHANNEL, p.messageTs!)?.text ?? '';

/** Ended, terminal work and Deployment mirror done, nothing owed to Slack and the card showing what is stored. */
async function settled(h: Harness, id: string, timeoutMs = 30_000): Promise<Promotion> {
  return waitUntil(
    `promotion ${id} to finish and the thread and card to catch up`,
    async () => {
      const p = await h.app.repo.get(id);
      const owed = (p?.outbox ?? []).some((i) => i.state !== 'sent');
      return p && (p.state === 'succeeded' || p.state === 'failed') && p.exec?.finalized && p.exec.mirrored && !owed && p.chat?.shown === displayFingerprint(p)
        ? p
        : undefined;
    },
    timeoutMs,
  );
}

/** Ended with all its terminal steps and the mirror done (whatever Slack owes). */
async function finished(h: Harness, id: string, timeoutMs = 20_000): Promise<Promotion> {
  return waitUntil(
    `promotion ${id} to finish its steps`,
    async () => {
      const p = await h.app.repo.get(id);
      return p && p.state === 'succeeded' && p.exec?.finalized && p.exec.mirrored ? p : undefined;
    },
    timeoutMs,
  );
}

/** Every thread post exactly once, in the outbox's order, none failed for good. */
function expectThreadOnceInOrder(h: Harness, p: Promotion): void {
  const keys = threadKeys(h, p);
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  expect(keys).toEqual(outboxKeys(p));
  expect((p.outbox ?? []).filter((i) => i.error)).toEqual([]);
  expect(keys).toEqual(expect.arrayContaining(['summary', 'evidence']));
  expect(evidenceUploads(h, p)).toBe(1);
}

/** What GitHub shows: one dispatch, its run completed successfully, one Deployment. */
function expectGitHubDone(h: Harness): void {
  expect(h.github.dispatches).toHaveLength(1);
  const runs = h.github.runs('acme/markets') as Array<{ status: string; conclusion: string | null }>;
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  expect(h.github.deployments('acme/markets')).toHaveLength(1);
}

async function approved(h: Harness, text = 'markets-pipeline prod'): Promise<Promotion> {
  const p = await h.request(text, USERS.rm1);
  await h.click(p, 'promotion_approve', USERS.rm2);
  return p;
}

describe('Slack failing never fails or stalls a promotion, and the thread catches up once', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it.each<[string, FaultMode]>([
    ['not applied (500 instead)', 'before'],
    ['applied, answered 500', 'after'],
  ])('chat.update %s from right after the dispatch until the promotion ended', async (_what, mode) => {
    h = await startHarness('slack-update-500');
    let fault: ReturnType<Harness['slack']['inject']> | undefined;
    // the moment GitHub took the dispatch (before the bot has its answer), every chat.update fails
    h.github.on('call', (c: { method: string; path: string }) => {
      if (!fault && c.method === 'POST' && c.path.endsWith('/dispatches'))
        fault = h.slack.inject({ method: 'POST', path: '/api/chat.update', mode, times: Infinity });
    });
    const p = await approved(h);
    const ended = await finished(h, p.id);
    expect(ended.state).toBe('succeeded');
    expectGitHubDone(h);
    // Slack was asked and refused while the promotion ran to its end
    expect(fault!.hits).toBeGreaterThan(0);
    // every thread post got through meanwhile; then one more update (of the final card) is refused
    await waitUntil(
      'the thread to be delivered while chat.update fails',
      async () => !((await h.app.repo.get(p.id))?.outbox ?? []).some((i) => i.state !== 'sent'),
    );
    const hitsThen = fault!.hits;
    await waitUntil('a refused update of the final card', () => fault!.hits > hitsThen, 20_000);
    const refusedUpdates = h.slack.calls.filter((c) => c.path === '/api/chat.update' && c.status === 500).length;
    expect(refusedUpdates).toBe(fault!.hits);
    if (mode === 'before') expect(cardText(h, ended)).not.toContain('succeeded');
    fault!.remove();
    const done = await settled(h, p.id);
    expect(done.state).toBe('succeeded');
    expect(cardText(h, done)).toContain('succeeded');
    expect(h.slack.history(CHANNEL, done.messageTs!).at(-1)?.source).toBe('chat.update');
    expectThreadOnceInOrder(h, done);
    const audit = (await h.app.audit.forPromotion(done.id)).map((e) => e.type);
    expect(audit.filter((t) => t === 'succeeded')).toHaveLength(1);
    expect(audit).not.toContain('failed');
  });

  it('Slack unreachable (every Web API call reset) for 20 s in the middle of the run', async () => {
    h = await startHarness('slack-outage');
    const OUTAGE_MS = 20_000;
    let outage: ReturnType<Harness['slack']['inject']> | undefined;
    let outageStarted = 0;
    h.github.on('call', (c: { method: string; path: string }) => {
      if (!outage && c.method === 'POST' && c.path.endsWith('/dispatches')) {
        outage = h.slack.inject({ path: /^\/(api|upload)\//, mode: 'reset', times: Infinity });
        outageStarted = Date.now();
      }
    });
    const p = await approved(h);
    // the promotion ends during the outage: state in Redis, GitHub shows the run done
    const ended = await finished(h, p.id, 15_000);
    expect(Date.now() - outageStarted).toBeLessThan(OUTAGE_MS);
    expect(ended.state).toBe('succeeded');
    expectGitHubDone(h);
    expect(h.github.deployments('acme/markets')[0]).toBeDefined();
    // the delivery kept trying and the thread lacks what happened since the dispatch
    await waitUntil('a delivery attempt during the outage', () => outage!.hits > 0);
    expect(threadKeys(h, ended)).not.toContain('summary');
    expect((ended.outbox ?? []).some((i) => i.state !== 'sent')).toBe(true);
    // the outage lasts its 20 s (the scenario's duration, not a synchronisation)
    await new Promise((r) => setTimeout(r, Math.max(0, outageStarted + OUTAGE_MS - Date.now())));
    expect((await h.app.repo.get(p.id))?.state).toBe('succeeded');
    const attempts = outage!.hits;
    outage!.remove();
    // Slack is back: the thread catches up (the delivery's backoff is capped at 30 s)
    const done = await settled(h, p.id, 45_000);
    expect(attempts).toBeGreaterThan(1);
    expect(cardText(h, done)).toContain('succeeded');
    expectThreadOnceInOrder(h, done);
    // nothing posted twice at the top level either: just the card
    expect(h.slack.messages(CHANNEL).filter((m) => m.ts === done.messageTs)).toHaveLength(1);
    expect(h.slack.messages(CHANNEL)).toHaveLength(1);
  });
});

describe('a Slack write applied but answered with an error or never answered is not made twice', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it.each<[string, string, FaultMode]>([
    ['a thread post answered 500', '/api/chat.postMessage', 'after'],
    ['a thread post never answered (the call times out)', '/api/chat.postMessage', 'hang-after'],
    ['the evidence upload completion answered 500', '/api/files.completeUploadExternal', 'after'],
  ])('%s after Slack applied it: once in the thread', async (_what, path, mode) => {
    h = await startHarness('slack-write-applied');
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    // from here on, the first such call is the worker's (the card is posted)
    const fault = h.slack.inject({ method: 'POST', path, mode });
    await h.click(p, 'promotion_approve', USERS.rm2);
    const done = await settled(h, p.id, 40_000);
    expect(fault.hits).toBe(1);
    expect(done.state).toBe('succeeded');
    expectGitHubDone(h);
    expectThreadOnceInOrder(h, done);
  });
});

describe('kill -9 of the worker around Slack and the terminal steps', () => {
  let h: Harness;
  let worker: ShipgateProcess | undefined;
  afterEach(async () => {
    await worker?.kill('SIGKILL');
    worker = undefined;
    await h.close();
  });

  it('killed while Slack applied a thread post but held its answer: after restart the post is there once', async () => {
    h = await startHarness('slack-kill-post', { role: 'web' });
    worker = await ShipgateProcess.start(h, 'worker');
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    // the next chat.postMessage is the worker's first thread post of this promotion
    const hung = h.slack.inject({ method: 'POST', path: '/api/chat.postMessage', mode: 'hang-after' });
    await h.click(p, 'promotion_approve', USERS.rm2);
    await hung.hit;
    const held = await waitUntil('the held post to be stored', () => h.slack.thread(CHANNEL, p.messageTs!).slice(1)[0]);
    const heldKey = keyOf(held);
    expect(heldKey).toBeDefined();
    expect((held.metadata as Meta).event_payload?.promotion).toBe(p.id);
    await worker.kill('SIGKILL');
    worker = await ShipgateProcess.start(h, 'worker');
    const done = await settled(h, p.id);
    expect(done.state).toBe('succeeded');
    expectGitHubDone(h);
    expectThreadOnceInOrder(h, done);
    expect(threadKeys(h, done).filter((k) => k === heldKey)).toHaveLength(1);
    // the restarted delivery looked in the thread before posting again
    expect(h.slack.calls.some((c) => c.path === '/api/conversations.replies')).toBe(true);
    expect(h.slack.calls.filter((c) => c.path === '/api/chat.postMessage' && bodyKey(c.body) === heldKey)).toHaveLength(1);
  });

  /** The change record and a window around now (the child worker runs on the real clock). */
  function seedChange(h: Harness): void {
    const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    h.servicenow.addCi({ name: 'markets-pipeline' });
    h.servicenow.addChange({
      number: CR,
      state: '-2',
      type: 'normal',
      approval: 'approved',
      start_date: fmt(Date.now() - 6 * 3600_000),
      end_date: fmt(Date.now() + 6 * 3600_000),
      cmdb_ci: 'markets-pipeline',
    });
  }

  /** Finish work note, summary and evidence pack each once; the start note once too. */
  async function expectTerminalWorkOnce(h: Harness, id: string): Promise<Promotion> {
    const done = await settled(h, id);
    expect(done.state).toBe('succeeded');
    expectGitHubDone(h);
    const notes = h.servicenow.workNotes(CR);
    expect(notes).toHaveLength(2);
    expect(notes.filter((n) => n.includes(done.evidence.runs[0]!.url))).toHaveLength(1);
    expectThreadOnceInOrder(h, done);
    const keys = threadKeys(h, done);
    for (const k of ['start_note', 'finish_note', 'summary', 'evidence']) expect(keys.filter((x) => x === k)).toHaveLength(1);
    expect(h.slack.thread(CHANNEL, done.messageTs!).find((m) => keyOf(m) === 'finish_note')?.text).toContain('evidence work note');
    const audit = (await h.app.audit.forPromotion(id)).map((e) => e.type);
    expect(audit.filter((t) => t === 'succeeded')).toHaveLength(1);
    expect(audit.filter((t) => t === 'evidence_published')).toHaveLength(1);
    return done;
  }

  it.each<[string, FaultMode]>([
    ['before its finish work note reached ServiceNow', 'hang'],
    ['after ServiceNow took the finish work note but before it answered', 'hang-after'],
  ])('killed right after succeeded, %s: note, summary and evidence pack once after restart', async (_what, mode) => {
    h = await startHarness('slack-kill-succeeded', { role: 'web', config: SN_CONFIG, servicenow: true });
    seedChange(h);
    worker = await ShipgateProcess.start(h, 'worker');
    const p = await h.request(`markets-pipeline prod cr=${CR}`, USERS.rm1);
    await h.click(p, 'promotion_approve', USERS.rm2);
    // the start note is written before the dispatch; the next note write is the finish note
    await waitUntil('the start work note', () => h.servicenow.workNotes(CR).length === 1);
    const held = h.servicenow.inject({ method: 'PATCH', path: /\/change_request\//, mode });
    await held.hit;
    const at = await h.waitState(p.id, 'succeeded');
    expect(at.steps.finish_note?.status).not.toBe('done');
    expect(at.steps.summary).toBeUndefined();
    expect(at.steps.evidence_pack).toBeUndefined();
    await worker.kill('SIGKILL');
    expect(h.servicenow.workNotes(CR)).toHaveLength(mode === 'hang-after' ? 2 : 1);
    worker = await ShipgateProcess.start(h, 'worker');
    await expectTerminalWorkOnce(h, p.id);
  });

  it('killed while Slack applied the final summary but held its answer: summary and evidence pack once after restart', async () => {
    h = await startHarness('slack-kill-summary', { role: 'web', config: SN_CONFIG, servicenow: true });
    seedChange(h);
    worker = await ShipgateProcess.start(h, 'worker');
    const p = await h.request(`markets-pipeline prod cr=${CR}`, USERS.rm1);
    let held: ReturnType<Harness['slack']['inject']> | undefined;
    // posts go out one at a time in outbox order: the one after the finish note is the summary
    // (the call is recorded as its answer leaves, before the worker can send the next one)
    h.slack.on('call', (c: { path: string; body: unknown }) => {
      if (!held && c.path === '/api/chat.postMessage' && bodyKey(c.body) === 'finish_note')
        held = h.slack.inject({ method: 'POST', path: '/api/chat.postMessage', mode: 'hang-after' });
    });
    await h.click(p, 'promotion_approve', USERS.rm2);
    await waitUntil('the finish note post', () => held);
    await held!.hit;
    await waitUntil('the summary to be stored by Slack', () => threadKeys(h, p).includes('summary'));
    await worker.kill('SIGKILL');
    worker = await ShipgateProcess.start(h, 'worker');
    await expectTerminalWorkOnce(h, p.id);
  });
});
