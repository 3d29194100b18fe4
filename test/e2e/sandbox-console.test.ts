/**
 * The sandbox end to end, in a real browser: Debian's Chromium driven by playwright-core
 * (never a downloaded browser) against `startSandbox()` in this process. Slash commands,
 * clicks and modal submissions travel console → Slack emulator → signed requests → bot,
 * exactly as they would from Slack.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// the README's picture is refreshed on demand (UPDATE_SCREENSHOT=1); ordinary runs leave the tree clean
const SCREENSHOT = process.env.UPDATE_SCREENSHOT
  ? path.join(__dirname, '..', '..', 'docs', 'sandbox-console.png')
  : path.join(__dirname, '..', '..', 'test-results', 'sandbox-console.png');
const RITA = 'U0RELMGR1';
const RAVI = 'U0RELMGR2';
const OMAR = 'U0ONCALL';

jest.setTimeout(120_000);

describe('sandbox console (Chromium)', () => {
  let sb: Sandbox;
  let browser: Browser;
  let page: Page;
  const prefix = uniquePrefix('sandbox-e2e');
  const pageErrors: string[] = [];
  /** Workflow dispatches made during a test (the seed made some "in the past"). */
  let seededDispatches = 0;
  let seededPulls = 0;
  const newDispatches = () => sb.github.dispatches.slice(seededDispatches);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium is not installed at ${CHROMIUM}: sudo apt-get install -y chromium (the tests never download a browser)`);
    // freezeCalendar: false keeps the outcome independent of today's date (month-end, year-end, holidays)
    sb = await startSandbox({ port: 0, redisUrl: REDIS_URL, prefix, logLevel: 'silent', freezeCalendar: false, pollMs: 250 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    seededDispatches = sb.github.dispatches.length;
    seededPulls = sb.github.pulls('acme/platform').length;
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await sb?.close();
    await dropPrefix(prefix);
  });

  async function actAs(userId: string, name: string): Promise<void> {
    await page.click('#acting-btn');
    await page.click(`.user-menu [data-user="${userId}"]`);
    await page.locator('.acting-name', { hasText: name }).waitFor({ timeout: 5000 });
  }

  async function type(command: string): Promise<void> {
    const input = page.locator('#composer-input');
    await input.fill(command);
    await input.press('Escape'); // closes the slash-command menu, as a person would
    await input.press('Enter');
  }

  /** Opens a message's thread and waits for a reply (not the parent) containing `text`. */
  async function threadReply(message: Locator, title: string, text: string): Promise<Locator> {
    await message.locator('.replies').waitFor({ timeout: 15_000 });
    const thread = page.locator('#thread .thread-body');
    const header = thread.locator('.bk-header', { hasText: title }); // this thread, not the one open before
    // a click that lands while the live view re-renders the list hits the old element: click again, as a person would
    for (let attempt = 1; ; attempt++) {
      await message.locator('.replies').click();
      try {
        await header.waitFor({ timeout: 5000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    await thread.locator('.thread-count ~ .msg', { hasText: text }).first().waitFor({ timeout: 60_000 });
    return thread;
  }

  function promotionMessage(text: string): Locator {
    return page.locator('#messages .msg[data-kind="bot"]').filter({ hasText: text });
  }

  it('promotes markets-pipeline to prod: one release manager asks, the other approves (with confirmation), the evidence arrives in the thread', async () => {
    await page.goto(`${sb.url}?as=${RITA}&channel=C0RELEASES`);
    await page.locator('.intro h2', { hasText: '#releases' }).waitFor({ timeout: 10_000 });

    await type('/promote markets-pipeline prod cr=CHG0030001 reason="weekly release"');
    // the ack (ephemeral, only for Rita) and the approval message, rendered from Block Kit
    await page.locator('#messages .msg.ephemeral', { hasText: 'Requested' }).waitFor({ timeout: 10_000 });
    await expect(page.locator('#messages .msg.ephemeral').first().textContent()).resolves.toContain('Only visible to you');
    const message = promotionMessage('Promote markets-pipeline: int → prod');
    await message.locator('.bk-header').waitFor({ timeout: 10_000 });
    const approve = message.locator('.bk-btn.primary', { hasText: 'Approve' });
    await approve.waitFor({ timeout: 15_000 });
    await expect(message.locator('.bk-btn.danger', { hasText: 'Reject' }).count()).resolves.toBe(1);
    await expect(message.locator('.bk-fields').textContent()).resolves.toContain('CHG0030001');

    await actAs(RAVI, 'Ravi Release');
    // Rita's ephemeral is not Ravi's to see
    await page.locator('#messages .msg.ephemeral').first().waitFor({ state: 'detached', timeout: 5000 });

    await approve.click();
    const dialog = page.locator('[role="dialog"]', { hasText: 'Approve?' });
    await dialog.waitFor({ timeout: 5000 });
    expect(newDispatches()).toHaveLength(0); // nothing happens before the confirmation
    await dialog.locator('[data-confirm="ok"]').click();

    // the message is updated in place; progress and evidence go to its thread
    const thread = await threadReply(message, 'Promote markets-pipeline: int → prod', 'Succeeded');

    expect(newDispatches()).toHaveLength(1);
    const sha = sb.seed.heads['acme/markets']!.main!;
    expect(newDispatches()[0]!.inputs).toEqual({ environment: 'prod', sha });
    const run = sb.github.run(newDispatches()[0]!.runId)!;
    expect(run.conclusion).toBe('success');
    const threadText = (await thread.textContent()) ?? '';
    expect(threadText).toContain(sha);
    expect(threadText).toContain('Succeeded');
    await expect(thread.locator(`a[href="${String(run.html_url)}"]`).count()).resolves.toBeGreaterThan(0);
    // the final state is visible without opening the thread, and the buttons are gone
    await message.locator('.bk-text', { hasText: 'Succeeded' }).first().waitFor({ timeout: 10_000 });
    await expect(message.locator('.bk-btn.primary').count()).resolves.toBe(0);
    // the GitHub panel shows the run
    await page
      .locator('#systems .row', { hasText: `deploy #${String(run.run_number)}` })
      .first()
      .waitFor({ timeout: 10_000 });

    expect(pageErrors).toEqual([]);
  });

  it('promotes databricks-jobs to prod through the branch strategy: PR test → prod, merge, cd-prod approved on DataBricks-Prod, Databricks run IDs in the evidence', async () => {
    await actAs(RITA, 'Rita Release');
    await type('/promote databricks-jobs prod cr=CHG0030003 reason="cluster-start retry fix"');
    const message = promotionMessage('Promote databricks-jobs: test → prod');
    const approve = message.locator('.bk-btn.primary', { hasText: 'Approve' });
    await approve.waitFor({ timeout: 15_000 });

    await actAs(RAVI, 'Ravi Release');
    await approve.click();
    await page.locator('[role="dialog"]', { hasText: 'Approve?' }).locator('[data-confirm="ok"]').click();

    const thread = await threadReply(message, 'Promote databricks-jobs: test → prod', 'Succeeded');

    const sha = sb.seed.heads['acme/platform']!.test!; // the candidate is what runs in test
    const prs = sb.github.pulls('acme/platform').slice(seededPulls); // the seed merged some "in the past"
    expect(prs.map((p) => [(p.head as { ref: string }).ref, (p.base as { ref: string }).ref, p.state])).toEqual([['test', 'prod', 'closed']]);
    const pr = prs[0]!;
    const run = sb.github.runs('acme/platform').find((r) => r.name === 'cd-prod' && r.head_branch === 'prod')!;
    expect(run.conclusion).toBe('success');
    const threadText = (await thread.textContent()) ?? '';
    expect(threadText).toContain(sha);
    expect(threadText).toContain('DataBricks-Prod');
    expect(threadText).toContain('912345'); // smoke job's Databricks run ID, from the cd-prod job log
    await expect(thread.locator(`a[href="${String(pr.html_url)}"]`).count()).resolves.toBeGreaterThan(0);
    await expect(thread.locator(`a[href="${String(run.html_url)}"]`).count()).resolves.toBeGreaterThan(0);
    await message.locator('.bk-text', { hasText: 'Succeeded' }).first().waitFor({ timeout: 10_000 });

    await page.locator('.toast').first().waitFor({ state: 'detached', timeout: 10_000 });
    await page.mouse.move(1, 1); // no hover highlight in the picture
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, animations: 'disabled' });
    expect(pageErrors).toEqual([]);
  });

  it('rolls markets-pipeline back in the incident channel: a release manager asks, on-call approves, the previous build is redeployed', async () => {
    const prod = (await sb.app.history.list('markets-pipeline', 'prod')).filter((d) => d.outcome === 'succeeded');
    const target = prod.find((d) => d.sha !== prod[0]!.sha)!.sha; // the previous known-good build
    await actAs(RITA, 'Rita Release');
    await page.click('.sidebar [data-channel="C0INC2231"]');
    await page.locator('.inc-banner').waitFor({ timeout: 5000 });
    await type('/rollback markets-pipeline reason="EOD latency since the last deploy"');
    const message = page.locator('#messages .msg[data-kind="bot"]').filter({ hasText: 'Rollback markets-pipeline in prod' });
    const approve = message.locator('.bk-btn.primary', { hasText: 'Approve' });
    await approve.waitFor({ timeout: 15_000 });
    await expect(message.textContent()).resolves.toContain(target.slice(0, 7));

    await actAs(OMAR, 'Omar Oncall');
    const before = newDispatches().length;
    await approve.click();
    await page.locator('[role="dialog"]', { hasText: 'Approve?' }).locator('[data-confirm="ok"]').click();
    await threadReply(message, 'Rollback markets-pipeline in prod', 'Succeeded');
    expect(
      newDispatches()
        .slice(before)
        .map((d) => d.inputs),
    ).toEqual([{ environment: 'prod', sha: target }]); // the same artifact, not a rebuild
    expect(pageErrors).toEqual([]);
  });

  it('rejects through the modal: an empty reason is refused in the modal, a reason is submitted back to the bot', async () => {
    await actAs(RITA, 'Rita Release');
    await page.click('.sidebar [data-channel="C0RELEASES"]');
    await page.locator('.intro h2', { hasText: '#releases' }).waitFor({ timeout: 5000 });
    const before = newDispatches().length;
    await type('/promote markets-pipeline prod cr=CHG0030002');
    const message = promotionMessage('Promote markets-pipeline: int → prod').filter({ hasText: 'CHG0030002' });
    await message.locator('.bk-btn.danger', { hasText: 'Reject' }).waitFor({ timeout: 15_000 });

    await actAs(RAVI, 'Ravi Release');
    await message.locator('.bk-btn.danger', { hasText: 'Reject' }).click();
    const confirm = page.locator('[role="dialog"]', { hasText: 'Reject?' });
    await confirm.waitFor({ timeout: 5000 });
    await confirm.locator('[data-confirm="ok"]').click();

    const modal = page.locator('#view-form');
    await modal.locator('.dialog-title', { hasText: 'Reject promotion' }).waitFor({ timeout: 10_000 });
    await modal.locator('#view-submit').click();
    await modal.locator('.field.has-error .err', { hasText: 'A rejection needs a reason.' }).waitFor({ timeout: 10_000 });
    await modal.locator('textarea').fill('CAB said no');
    await modal.locator('#view-submit').click();
    await modal.waitFor({ state: 'detached', timeout: 10_000 });

    await message.locator('.bk-text', { hasText: 'Rejected' }).waitFor({ timeout: 10_000 });
    await expect(message.textContent()).resolves.toContain('CAB said no');
    expect(newDispatches()).toHaveLength(before); // a rejected promotion dispatches nothing
    expect(pageErrors).toEqual([]);
  });
});
