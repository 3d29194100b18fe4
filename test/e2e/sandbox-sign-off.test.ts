/**
 * The sandbox's sign-off demo in a real browser (Debian's Chromium, never a downloaded one):
 * the checklist form before the request, then three approval rules on the card.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

jest.setTimeout(120_000);

describe('sandbox sign-off demo (Chromium)', () => {
  let sb: Sandbox;
  let browser: Browser;
  let page: Page;
  const prefix = uniquePrefix('sandbox-signoff');
  const pageErrors: string[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: sudo apt-get install -y chromium (the tests never download a browser)`);
    sb = await startSandbox({ port: 0, redisUrl: REDIS_URL, prefix, logLevel: 'silent', freezeCalendar: false, pollMs: 250, log: (m) => logs.push(m) });
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

  async function approveAs(userId: string, name: string, title: string): Promise<void> {
    await actAs(userId, name);
    const message = page.locator('#messages .msg[data-kind="bot"]').filter({ hasText: title });
    await message.locator('.bk-btn.primary', { hasText: 'Approve' }).click();
    const dialog = page.locator('[role="dialog"]', { hasText: 'Approve?' });
    await dialog.waitFor({ timeout: 5000 });
    await dialog.locator('[data-confirm="ok"]').click();
  }

  it('the guide shows the demo; the checklist form refuses unticked items, then the card shows three rules and the attestation; three sign-offs deploy', async () => {
    // every rule names a user group the demo workspace declares, with enough people in it
    expect(logs.filter((l) => l.startsWith('warning:'))).toEqual([]);
    await page.goto(`${sb.url}?as=U0RELMGR1&channel=C0RELEASES`);
    await page.locator('.intro h2', { hasText: '#releases' }).waitFor({ timeout: 10_000 });
    await page.click('[data-tab="guide"]');
    await page.locator('.guide h3', { hasText: 'Sign-off rules and a checklist' }).waitFor({ timeout: 5000 });
    await page.click('[data-try-signoff]');
    await expect(page.locator('#composer-input').inputValue()).resolves.toContain('/promote surveillance-pipeline surveillance-prod');
    const input = page.locator('#composer-input');
    await input.press('Escape');
    await input.press('Enter');

    const form = page.locator('#view-form');
    await form.locator('.dialog-title', { hasText: 'Checklist' }).waitFor({ timeout: 10_000 });
    await expect(form.locator('input[type=checkbox]:checked').count()).resolves.toBe(0);
    await form.locator('#view-submit').click();
    await form.locator('.field.has-error .err', { hasText: 'Tick “No increase in quarantined rows” to confirm it.' }).waitFor({ timeout: 10_000 });
    await form.locator('.field.has-error .err', { hasText: '“Rollback plan documented” needs a text.' }).waitFor({ timeout: 10_000 });
    for (const box of await form.locator('input[type=checkbox]').all()) await box.check();
    await form.locator('textarea').fill('redeploy the previous build with /rollback');
    await form.locator('#view-submit').click();
    await form.waitFor({ state: 'detached', timeout: 10_000 });

    const title = 'Promote surveillance-pipeline: int → surveillance-prod';
    const message = page.locator('#messages .msg[data-kind="bot"]').filter({ hasText: title });
    const signOff = (text: string) => message.locator('.bk-text', { hasText: 'Sign-off (every rule)' }).filter({ hasText: text });
    await signOff('data engineering 0/1').waitFor({ timeout: 15_000 });
    await expect(message.textContent()).resolves.toMatch(/Checklist attested by .*rita/i);
    await expect(message.textContent()).resolves.toContain('redeploy the previous build with /rollback');

    await approveAs('U0RELMGR2', 'Ravi Release', title);
    await signOff('release manager 1/1').waitFor({ timeout: 10_000 });
    await expect(message.textContent()).resolves.toContain('Awaiting approval');
    await approveAs('U0DATAENG1', 'Dana Data', title);
    await signOff('data engineering 1/1').waitFor({ timeout: 10_000 });
    await approveAs('U0BIZOWNR1', 'Bianca Business', title);
    await message.locator('.bk-text', { hasText: 'Succeeded' }).first().waitFor({ timeout: 60_000 });
    expect(sb.github.dispatches.filter((d) => d.inputs?.environment === 'surveillance-prod')).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });
});
