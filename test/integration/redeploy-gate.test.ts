import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { PLATFORM_CONFIG, seedPlatform } from '../helpers/platform';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import type { Promotion } from '../../src/domain/promotion';

const short = (sha: string) => sha.slice(0, 7);
const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const dispatches = (h: Harness) => h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/dispatches'));
const card = (h: Harness, p: Promotion) => JSON.stringify(h.slack.message(CHANNEL, p.messageTs!)?.blocks);

async function deploy(h: Harness, text: string): Promise<Promotion> {
  const p = await h.request(text, USERS.rm1);
  await h.click(p, ACTIONS.approve, USERS.rm2);
  return h.waitState(p.id, 'succeeded', 15_000);
}

async function deployedAt(h: Harness, service: string, env: string): Promise<string> {
  return (await h.app.history.list(service, env, 1))[0]!.at;
}

describe('re-promoting the SHA already running in the target', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('is blocked without force=true, saying since when it runs; with force=true it is flagged on the card and goes ahead', async () => {
    h = await startHarness('redeploy');
    const a = h.github.addCommit('acme/markets', 'main', { message: 'release A' });
    const first = await deploy(h, `markets-pipeline prod ref=${a}`);
    const since = await deployedAt(h, 'markets-pipeline', 'prod');
    const before = dispatches(h).length;

    const again = await h.request(`markets-pipeline prod ref=${a}`, USERS.rm1, 'blocked');
    const g = again.gates.find((x) => x.gate === 'redeploy')!;
    expect(g).toMatchObject({ status: 'block', code: 'already_running' });
    expect(again.stateReason).toBe(`\`${short(a)}\` already runs in *prod* since ${when(since)} (promotion ${first.id}). Add \`force=true\` to redeploy it.`);
    await waitUntil('the card to say why', () => card(h, again).includes('Add `force=true` to redeploy it.'));

    const forced = await h.request(`markets-pipeline prod ref=${a} force=true`, USERS.rm1);
    expect(forced.force).toBe(true);
    const w = forced.gates.find((x) => x.gate === 'redeploy')!;
    expect(w).toMatchObject({ status: 'warn', code: 'redeploy_forced' });
    expect(w.summary).toBe(`\`${short(a)}\` already runs in *prod* since ${when(since)} (promotion ${first.id}); redeploying it because of \`force=true\``);
    expect(card(h, forced)).toContain(':warning: *redeploy*: `' + short(a) + '` already runs in *prod*');
    await h.click(forced, ACTIONS.approve, USERS.rm2);
    const done = await h.waitState(forced.id, 'succeeded');
    // re-checked right before execution: still a warning, not a blocker
    expect(done.gates.find((x) => x.gate === 'redeploy')).toMatchObject({ status: 'warn', code: 'redeploy_forced' });
    expect(dispatches(h).length - before).toBe(1);
    expect((await h.app.audit.forPromotion(forced.id)).find((x) => x.type === 'requested')?.data).toMatchObject({ force: true });

    // another SHA is not a redeploy: no such gate at all
    const b = h.github.addCommit('acme/markets', 'main', { message: 'release B' });
    const next = await h.request(`markets-pipeline prod ref=${b}`, USERS.rm1);
    expect(next.gates.map((x) => x.gate)).not.toContain('redeploy');
  });

  it('branch strategy: the head of test that was merged into prod is what runs there, not a new candidate', async () => {
    h = await startHarness('redeploy-branch', { config: PLATFORM_CONFIG });
    await seedPlatform(h);
    h.github.setBranch('acme/platform', 'test', h.github.branchHead('acme/platform', 'dev')!);
    const first = await deploy(h, 'databricks-jobs prod');
    const since = await deployedAt(h, 'databricks-jobs', 'prod');
    const again = await h.request('databricks-jobs prod', USERS.rm1, 'blocked');
    expect(again.sha).toBe(first.sha);
    expect(again.stateReason).toBe(
      `\`${short(first.sha!)}\` already runs in *prod* since ${when(since)} (promotion ${first.id}, merged as \`${short(first.evidence.mergeSha!)}\`). Add \`force=true\` to redeploy it.`,
    );
    // forced, a branch promotion has nothing to merge: it fails saying so and merges nothing
    const forced = await h.request('databricks-jobs prod force=true', USERS.rm1);
    await h.click(forced, ACTIONS.approve, USERS.rm2);
    const failed = await h.waitState(forced.id, 'failed');
    expect(failed.stateReason).toContain('nothing to merge');
    expect(h.github.branchHead('acme/platform', 'prod')).toBe(first.evidence.mergeSha);
  });

  it('/promote help documents force=true', async () => {
    h = await startHarness('redeploy-help');
    const start = h.slack.ephemerals(USERS.engineer).length;
    await h.promote('help');
    const e = await waitUntil('help', () => h.slack.ephemerals(USERS.engineer).slice(start)[0]);
    expect(JSON.stringify(e.blocks)).toContain('[force=true]');
    expect(JSON.stringify(e.blocks)).toContain('`force=true` redeploys the SHA that already runs in the environment');
  });
});
