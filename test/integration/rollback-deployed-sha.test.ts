import { BASE_CONFIG, INCIDENT_CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { PLATFORM_CONFIG, seedPlatform } from '../helpers/platform';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import type { Promotion } from '../../src/domain/promotion';

const short = (sha: string) => sha.slice(0, 7);

async function reply(h: Harness, text: string, userId: string): Promise<string> {
  const before = h.ephemeralsFor(userId).length;
  await h.promote(text, userId);
  return waitUntil(`a reply to /promote ${text}`, () => h.ephemeralsFor(userId).slice(before)[0]);
}

async function threadOf(h: Harness, p: Promotion, channel: string): Promise<string[]> {
  return waitUntil(`the closing summary of ${p.id}`, () => {
    const t = h.slack.thread(channel, p.messageTs!).map((m) => m.text);
    return t.some((x) => x.includes('*Succeeded*')) ? t : undefined;
  });
}

/** The GitHub Deployment shipgate mirrored for a promotion (its `ref` is what GitHub then says runs there). */
async function mirrored(h: Harness, repo: string, id: string): Promise<{ ref: string; sha: string }> {
  // the mirror is its own low-priority job after the deploy: wait for it (bounded)
  const d = await waitUntil(`a GitHub deployment for ${id}`, () => h.github.deployments(repo).find((x) => (x.payload as { shipgate?: string } | undefined)?.shipgate === id));
  return { ref: String(d.ref), sha: String(d.sha) };
}

describe('a rollback names the SHA actually deployed', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('workflow strategy: the re-dispatched run deploys the old SHA, not the head of the workflow ref', async () => {
    h = await startHarness('rb-sha-workflow', { config: `${BASE_CONFIG}\nincidents: { channels: ["^inc-"] }\n` });
    const a = h.github.addCommit('acme/markets', 'main', { message: 'release A' });
    const b = h.github.addCommit('acme/markets', 'main', { message: 'release B (bad)' });
    const deployed: Promotion[] = [];
    for (const sha of [a, b]) {
      const p = await h.request(`markets-pipeline prod ref=${sha}`, USERS.rm1);
      await h.click(p, ACTIONS.approve, USERS.rm2);
      deployed.push(await h.waitState(p.id, 'succeeded'));
    }
    // main's head is B: every dispatch runs the workflow file of main at B, whatever SHA it deploys
    expect(h.github.branchHead('acme/markets', 'main')).toBe(b);
    expect((await mirrored(h, 'acme/markets', deployed[0]!.id)).sha).toBe(a);

    const r = await h.request('markets-pipeline', USERS.engineer, 'awaiting_approval', '/rollback', INCIDENT_CHANNEL);
    expect(r.sha).toBe(a);
    await h.click(r, ACTIONS.approve, USERS.engineer);
    const done = await h.waitState(r.id, 'succeeded');
    expect((h.github.dispatches.at(-1)!.inputs as Record<string, string>).sha).toBe(a);

    const thread = await threadOf(h, r, INCIDENT_CHANNEL);
    const announce = thread.find((t) => t.startsWith(':arrow_forward:'))!;
    expect(announce).toContain(`deploying \`${short(a)}\``);
    expect(announce).not.toContain(short(b));
    const summary = thread.find((t) => t.includes('*Succeeded*'))!;
    expect(summary.split('\n')[0]).toBe(`:large_green_circle: *Succeeded*: *prod* now runs \`${a}\` (rolled back from \`${short(b)}\`).`);
    // GitHub's own record of the deployment says A runs in prod, not B
    expect((await mirrored(h, 'acme/markets', r.id)).sha).toBe(a);
    expect(done.evidence.runs[0]).toMatchObject({ deployedSha: a });
    const card = JSON.stringify(h.slack.message(INCIDENT_CHANNEL, r.messageTs!)?.blocks);
    expect(card).toContain(`*Now in prod*`);
    expect(card).toMatch(new RegExp(`Now in prod\\*\\\\n<[^|]+\\|\`${short(a)}\`>`));

    const history = await reply(h, 'history markets-pipeline prod', USERS.engineer);
    expect(history.split('\n')[1]).toContain(`rollback in prod \`${short(a)}\``);
    const status = await reply(h, 'status markets-pipeline', USERS.engineer);
    expect(status).toContain(`*prod*: \`${short(a)}\``);
  });

  it('branch strategy: the thread names the rollback commit that runs now and the tree it restores', async () => {
    h = await startHarness('rb-sha-branch', { config: PLATFORM_CONFIG });
    await seedPlatform(h);
    const first = await h.request('databricks-jobs test', USERS.engineer);
    await h.click(first, ACTIONS.approve, USERS.engineer);
    const a = await h.waitState(first.id, 'succeeded');
    h.github.addCommit('acme/platform', 'dev', { message: 'feat: risky change' });
    const second = await h.request('databricks-jobs test', USERS.engineer);
    await h.click(second, ACTIONS.approve, USERS.engineer);
    const b = await h.waitState(second.id, 'succeeded');

    const r = await h.request('databricks-jobs test', USERS.engineer, 'awaiting_approval', '/rollback', INCIDENT_CHANNEL);
    expect(r.sha).toBe(a.evidence.mergeSha);
    await h.click(r, ACTIONS.approve, USERS.engineer);
    const done = await h.waitState(r.id, 'succeeded');
    const head = h.github.branchHead('acme/platform', 'test')!;
    expect(done.evidence.mergeSha).toBe(head);
    expect(h.github.commit('acme/platform', head)!.tree).toBe(h.github.commit('acme/platform', a.evidence.mergeSha!)!.tree);

    const thread = await threadOf(h, r, INCIDENT_CHANNEL);
    const announce = thread.find((t) => t.startsWith(':arrow_forward:'))!;
    expect(announce).toContain(`deploying \`${short(head)}\``);
    const summary = thread.find((t) => t.includes('*Succeeded*'))!;
    expect(summary.split('\n')[0]).toBe(
      `:large_green_circle: *Succeeded*: *test* now runs \`${head}\` (rolled back from \`${short(b.evidence.mergeSha!)}\`; restores the tree of \`${short(a.evidence.mergeSha!)}\`).`,
    );
    expect((await mirrored(h, 'acme/platform', r.id)).sha).toBe(head);
    const card = JSON.stringify(h.slack.message(INCIDENT_CHANNEL, r.messageTs!)?.blocks);
    expect(card).toMatch(new RegExp(`Now in test\\*\\\\n<[^|]+\\|\`${short(head)}\`>`));

    const history = await reply(h, 'history databricks-jobs test', USERS.engineer);
    expect(history.split('\n')[1]).toContain(`rollback in test \`${short(a.evidence.mergeSha!)}\` (as \`${short(head)}\`)`);
    // the promotions of the branch strategy say what they merged as, too
    expect(history.split('\n')[2]).toContain(`dev → test \`${short(b.sha!)}\` (as \`${short(b.evidence.mergeSha!)}\`)`);
  });
});
