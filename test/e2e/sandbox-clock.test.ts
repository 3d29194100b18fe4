/**
 * The sandbox clock in a real browser (Debian's Chromium via playwright-core): jump to the
 * next month-end close from the console, `/promote` into prod is Blocked by the freeze with
 * the emergency-override and queue buttons, the queued promotion waits; back to now, it is
 * re-checked and runs. The bot and the emulators move together.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox';
import type { ClockState } from '../../src/sandbox/console/clock-console';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.join(__dirname, '..', '..', 'test-results', 'sandbox-clock.png'); // ignored by git
const RITA = 'U0RELMGR1';
const RAVI = 'U0RELMGR2';
const HOUR = 3_600_000;

jest.setTimeout(120_000);

describe('sandbox clock (Chromium)', () => {
  let sb: Sandbox;
  let browser: Browser;
  let page: Page;
  const prefix = uniquePrefix('sandbox-clock');
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: sudo apt-get install -y chromium (the tests never download a browser)`);
    // the freeze calendar stays on: the clock is what makes the freeze, whatever today is
    sb = await startSandbox({ port: 0, redisUrl: REDIS_URL, prefix, logLevel: 'silent', pollMs: 250 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
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
    await input.press('Escape');
    await input.press('Enter');
  }

  it('jumps to the next month-end close: /promote into prod is Blocked by the freeze with override and queue buttons; back to now, the queued promotion runs', async () => {
    await page.goto(`${sb.url}?as=${RITA}&channel=C0RELEASES`);
    await page.locator('.intro h2', { hasText: '#releases' }).waitFor({ timeout: 10_000 });
    await page.locator('#sim-clock-btn').waitFor({ timeout: 10_000 });
    await expect(page.locator('#sim-clock-tag').count()).resolves.toBe(0); // real time: nothing "simulated"

    // the menu offers the next month-end close; the jump moves the bot's and the emulators' clocks
    await page.click('#sim-clock-btn');
    const jump = page.locator('[data-jump^="month-end close@"]');
    await jump.waitFor({ timeout: 5000 });
    const id = (await jump.getAttribute('data-jump'))!;
    await jump.click();
    await page.locator('#sim-clock-tag', { hasText: 'Simulated' }).waitFor({ timeout: 5000 });
    await page.locator('#sim-clock-frozen', { hasText: 'prod' }).waitFor({ timeout: 5000 });
    const state = (await (await fetch(new URL('/console/api/clock', sb.url))).json()) as ClockState;
    const windowStart = Date.parse(id.slice(id.indexOf('@') + 1));
    expect(Date.parse(state.now)).toBeGreaterThanOrEqual(windowStart);
    expect(state.frozen.find((f) => f.env === 'prod')?.rules).toContain('month-end close');
    for (const now of [sb.clock.nowMs(), sb.slack.now(), sb.github.now(), sb.servicenow.now()]) expect(Math.abs(now - Date.parse(state.now))).toBeLessThan(HOUR);

    // a promotion into prod at that moment: blocked by the freeze alone, so both ways out are offered
    await type('/promote markets-pipeline prod cr=CHG0030001 reason="month-end fix"');
    const message = page.locator('#messages .msg[data-kind="bot"]').filter({ hasText: 'Promote markets-pipeline: int → prod' });
    await message.locator('.bk-text', { hasText: 'Blocked' }).first().waitFor({ timeout: 15_000 });
    await message.locator('.bk-btn', { hasText: 'Request emergency override' }).waitFor({ timeout: 5000 });
    const queue = message.locator('.bk-btn', { hasText: 'Queue for next window' });
    await queue.waitFor({ timeout: 5000 });
    await expect(message.textContent()).resolves.toContain('month-end close');
    const [blocked] = await sb.app.repo.recent(1);
    expect(blocked).toMatchObject({ state: 'blocked', service: 'markets-pipeline', env: 'prod' });
    expect(blocked!.gates.filter((g) => g.status === 'block').map((g) => [g.gate, g.code])).toEqual([['freeze', 'frozen']]);

    await page.click('#sim-clock-btn'); // the menu open over the blocked message, for the picture
    await page.locator('[data-clock="now"]').waitFor({ timeout: 5000 });
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, animations: 'disabled' });
    await page.click('#sim-clock-btn');

    // queue it for the window after the freeze; Ravi approves; it waits (a delayed job, in real time)
    const dispatchesBefore = sb.github.dispatches.length;
    await queue.click();
    await page.locator('[role="dialog"]', { hasText: 'Queue?' }).locator('[data-confirm="ok"]').click();
    await message.locator('.bk-btn.primary', { hasText: 'Approve' }).waitFor({ timeout: 15_000 });
    await actAs(RAVI, 'Ravi Release');
    await message.locator('.bk-btn.primary', { hasText: 'Approve' }).click();
    await page.locator('[role="dialog"]', { hasText: 'Approve?' }).locator('[data-confirm="ok"]').click();
    await waitUntil('the approved promotion to wait for the window', async () => (await sb.app.queue.queue.getDelayed()).some((j) => j.name === 'execute' && j.data.promotionId === blocked!.id), 15_000);
    expect(sb.github.dispatches.length).toBe(dispatchesBefore);
    expect((await sb.app.repo.get(blocked!.id))?.state).toBe('approved');

    // back to now: the clock and the emulators return to real time, and the queued promotion is re-checked
    await page.click('#sim-clock-btn');
    await page.locator('[data-clock="now"]').click();
    await page.locator('#sim-clock-tag').waitFor({ state: 'detached', timeout: 5000 });
    expect(Math.abs(sb.clock.offsetMs)).toBe(0);
    expect(Math.abs(sb.github.now() - Date.now())).toBeLessThan(60_000);
    const today = (await (await fetch(new URL('/console/api/clock', sb.url))).json()) as ClockState;
    if (!today.frozen.some((f) => f.env === 'prod')) {
      // prod is open today: the queued promotion goes ahead now, not when the delayed job would have fired
      const done = await waitUntil('the queued promotion to run', async () => {
        const p = await sb.app.repo.get(blocked!.id);
        return p && ['succeeded', 'failed'].includes(p.state) ? p : undefined;
      }, 60_000);
      expect(done.state).toBe('succeeded');
      expect(sb.github.dispatches.length).toBe(dispatchesBefore + 1);
    } else {
      // today is frozen too (the test runs during a freeze): re-checked and queued again, nothing dispatched
      await waitUntil('the re-check to queue it again', async () => (await sb.app.audit.forPromotion(blocked!.id)).filter((a) => a.type === 'rescheduled').length >= 2, 15_000);
      expect(sb.github.dispatches.length).toBe(dispatchesBefore);
    }
    expect(pageErrors).toEqual([]);
  });
});
