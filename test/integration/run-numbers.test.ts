import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { PLATFORM_CONFIG, seedPlatform } from '../helpers/platform';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';

async function reply(h: Harness, text: string, userId: string): Promise<string> {
  const before = h.ephemeralsFor(userId).length;
  await h.promote(text, userId);
  return waitUntil(`a reply to /promote ${text}`, () => h.ephemeralsFor(userId).slice(before)[0]);
}

describe('workflow runs are named by GitHub run_number (cd-prod #2), never by run id', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('thread, card, evidence summary, evidence pack and history say `ci-test #2` / `cd-prod #1`', async () => {
    h = await startHarness('run-numbers', { config: PLATFORM_CONFIG });
    await seedPlatform(h);
    // someone pushed to test by hand once: that was ci-test #1
    h.github.addCommit('acme/platform', 'test', { message: 'chore: test-only config', push: true });
    await waitUntil('ci-test #1', () => h.github.runs('acme/platform').find((r) => r.name === 'ci-test'));

    const toTest = await h.request('databricks-jobs test', USERS.engineer);
    await h.click(toTest, ACTIONS.approve, USERS.engineer);
    const testDone = await h.waitState(toTest.id, 'succeeded');
    const run = testDone.evidence.runs[0]!;
    const ghRun = h.github.runs('acme/platform').find((r) => r.id === run.id)!;
    expect(ghRun.run_number).toBe(2);
    expect(run).toMatchObject({ name: 'ci-test', runNumber: 2 });
    expect(String(run.id)).not.toBe('2');

    const thread = await waitUntil('the closing summary', () => {
      const t = h.slack.thread(CHANNEL, toTest.messageTs!).map((m) => m.text);
      return t.some((x) => x.includes('*Succeeded*')) ? t : undefined;
    });
    const announce = thread.find((t) => t.startsWith(':arrow_forward:'))!;
    expect(announce).toContain(`<${run.url}|ci-test #2>`);
    const summary = thread.find((t) => t.includes('*Succeeded*'))!;
    expect(summary).toContain(`<${run.url}|ci-test #2>`);
    expect(thread.join('\n')).not.toContain(`#${run.id}`);
    const card = JSON.stringify(h.slack.message(CHANNEL, toTest.messageTs!)?.blocks);
    expect(card).toContain(`ci-test #2`);
    expect(card).not.toContain(`#${run.id}`);

    const history = await reply(h, 'history databricks-jobs test', USERS.engineer);
    expect(history).toContain(`<${run.url}|ci-test #2>`);
    const status = await reply(h, 'status databricks-jobs', USERS.engineer);
    expect(status).toContain(`<${run.url}|ci-test #2>`);

    // prod: the last environment, so the evidence pack is published
    const toProd = await h.request('databricks-jobs prod', USERS.rm1);
    await h.click(toProd, ACTIONS.approve, USERS.rm2);
    const prodDone = await h.waitState(toProd.id, 'succeeded', 15_000);
    const prodRun = prodDone.evidence.runs[0]!;
    expect(prodRun).toMatchObject({ name: 'cd-prod', runNumber: 1 });
    const md = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${toProd.id}.md`);
    expect(md.text).toContain(`[cd-prod #1](${prodRun.url})`);
    expect(md.text).not.toContain(`#${prodRun.id}`);
    const json = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${toProd.id}.json`);
    expect((JSON.parse(json.text) as { runs: Array<{ runNumber: number }> }).runs[0]!.runNumber).toBe(1);
  });
});
