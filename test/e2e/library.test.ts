import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinLabsDir } from '../../main/paths';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMode, type BrowserModeHarness } from '../helpers/browser-mode';
import { launchChromium, type LaunchedBrowser } from '../helpers/chromium';

let h: BrowserModeHarness;
let chrome: LaunchedBrowser;
beforeAll(async () => {
  h = await startBrowserMode();
  chrome = await launchChromium();
});
afterAll(async () => {
  await chrome?.close();
  await h?.close();
});

describe('the lab library in Chromium', () => {
  it('lists the built-in packs from their manifests, in light and dark', async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(h.server.urlWithToken);
    const card = page.locator('[data-pack-id="software-2"]');
    await card.waitFor();
    expect(await card.locator('h2').textContent()).toBe('Software 1.0 vs 2.0');
    expect(await card.locator('.topic').allTextContents()).toContain('software 2.0');
    const manifest = JSON.parse(readFileSync(join(builtinLabsDir(), '01-software-2', 'labpack.json'), 'utf8'));
    expect(await card.locator('.minutes').textContent()).toBe(`${manifest.estimatedMinutes} min`);
    await page.waitForFunction(() => document.querySelector('.app-status')?.textContent?.includes('Browser mode'));
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/library-light.png' });
    const lightBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    const darkBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(lightBg).toBe('rgb(255, 255, 255)');
    expect(darkBg).not.toBe(lightBg);
    await page.screenshot({ path: 'test-results/library-dark.png' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows nothing but a refusal to a page opened without the token', async () => {
    await chrome.browser.clearCookies();
    const page = await chrome.browser.newPage();
    const res = await page.goto(h.server.url);
    expect(res?.status()).toBe(403);
    expect(await page.textContent('body')).toMatch(/missing token/);
    await page.close();
  });
});
