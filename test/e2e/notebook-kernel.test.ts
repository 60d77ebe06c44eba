/** The notebook running cells on the real tensor kernel, in real Chromium against browser mode. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startBrowserMode, type BrowserModeHarness } from '../helpers/browser-mode';
import { launchChromium, type LaunchedBrowser } from '../helpers/chromium';
import { code, openNotebook, writeNotebook } from './notebook-helpers';

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

/** Types into a cell's editor (replacing what is there) without leaving it. */
async function typeInto(page: Page, cellId: string, text: string): Promise<void> {
  await page.locator(`[data-cell-id="${cellId}"] .monaco-editor`).click();
  await page.keyboard.press('Control+a');
  // Monaco auto-closes brackets and quotes as one types; insert the text as a paste would
  await page.keyboard.insertText(text);
}

const outputText = (page: Page, cellId: string) => page.locator(`[data-cell-id="${cellId}"] .outputs`).innerText();

describe('running cells on the kernel', () => {
  it('runs typed code with Shift+Enter, plots, survives an interrupted endless loop, and saves what it showed', async () => {
    writeNotebook(h.workspaceDir, 'run.ipynb', [code('a', ''), code('b', ''), code('c', ''), code('d', '')]);
    const page = await chrome.browser.newPage();
    await openNotebook(page, h.server.urlWithToken, 'run.ipynb');
    await typeInto(page, 'a', 'const xs = [1, 2, 3];\nconsole.log("sum", xs.reduce((s, x) => s + x, 0));\nxs.map((x) => x * 2)');
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => document.querySelector('[data-cell-id="a"] .prompt')?.textContent === '[1]', undefined, { timeout: 120_000 });
    expect(await outputText(page, 'a')).toMatch(/sum 6[\s\S]*2[\s\S]*4[\s\S]*6/);
    expect(await page.locator('[data-cell-id="a"] .cell-footer').innerText()).toMatch(/\d+ ms|\d+\.\d+ s/);
    expect(await page.locator('.kernel-status').innerText()).toMatch(/Kernel: (idle|busy)/);
    // Shift+Enter selected the next cell in command mode
    expect(await page.locator('.cells > .cell.selected').getAttribute('data-cell-id')).toBe('b');

    await typeInto(page, 'b', "lab.plot([{ type: 'scatter', y: xs, name: 'doubled' }, { type: 'bar', y: [3, 1, 2], name: 'bars' }], { title: { text: 'from the kernel' } })");
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-cell-id="b"] .plotly-output svg.main-svg').first().waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-cell-id="b"] .plotly-output .trace').length >= 2);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/notebook-kernel-plot.png' });

    await typeInto(page, 'c', 'while (true) {}');
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => document.querySelector('[data-cell-id="c"]')?.getAttribute('data-run') === 'running');
    await page.waitForTimeout(300);
    await page.locator('.toolbar [data-command="interrupt"]').click();
    await page.waitForFunction(() => document.querySelector('[data-cell-id="c"]')?.getAttribute('data-run') === 'idle', undefined, { timeout: 30_000 });
    expect(await outputText(page, 'c')).toMatch(/interrupt/i);
    // the kernel keeps working, and keeps the variables of earlier cells
    await typeInto(page, 'd', 'xs.length * 10');
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => /30/.test(document.querySelector('[data-cell-id="d"] .outputs')?.textContent ?? ''), undefined, { timeout: 30_000 });

    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => document.querySelector('.notebook-title')?.getAttribute('data-dirty') === 'false');
    const saved = JSON.parse(readFileSync(join(h.workspaceDir, 'run.ipynb'), 'utf8'));
    expect(saved.cells[1].outputs[0].data['application/vnd.plotly.v1+json'].data).toHaveLength(2);
    const before = await outputText(page, 'a');
    await page.reload();
    await page.waitForSelector('.notebook[data-editors="ready"]');
    expect(await outputText(page, 'a')).toBe(before);
    await page.locator('[data-cell-id="b"] .plotly-output svg.main-svg').first().waitFor({ timeout: 60_000 });
    await page.close();
  }, 240_000);

  it('runs the cells above or below the selected one, restarts and runs them all, and re-runs a cell when its form changes', async () => {
    writeNotebook(h.workspaceDir, 'ranges.ipynb', [
      code('r1', 'let n = 1;\nn'),
      code('r2', 'n += 1;\nn'),
      code('r3', 'n += 10;\nn'),
      code('r4', 'const k = 2; // @param {type: "slider", min: 1, max: 5, step: 1}\nn * k'),
    ]);
    const page = await chrome.browser.newPage();
    await openNotebook(page, h.server.urlWithToken, 'ranges.ipynb');
    const state = () => page.evaluate(() => [...document.querySelectorAll('.cells > .cell')].map((c) => `${c.querySelector('.prompt')?.textContent} ${(c.querySelector('.outputs') as HTMLElement).innerText.trim()}`));
    const until = (expected: string[]) => expect.poll(state, { timeout: 120_000, interval: 200 }).toEqual(expected);
    await page.locator('[data-cell-id="r3"] .prompt').click();
    await page.locator('.toolbar [data-command="runAbove"]').click();
    await until(['[1] 1', '[2] 2', '[ ] ', '[ ] ']);
    await page.locator('[data-cell-id="r2"] .prompt').click();
    await page.locator('.toolbar [data-command="runBelow"]').click();
    await until(['[1] 1', '[3] 3', '[4] 13', '[5] 26']);
    await page.locator('.toolbar [data-command="restartRunAll"]').click();
    await until(['[1] 1', '[2] 2', '[3] 12', '[4] 24']);
    // the // @param slider: one step up rewrites the literal and runs the cell again
    const slider = page.locator('[data-cell-id="r4"] .param-form input[type="range"]');
    expect(await slider.inputValue()).toBe('2');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await until(['[1] 1', '[2] 2', '[3] 12', '[5] 36']);
    expect((await page.locator('[data-cell-id="r4"] .input').innerText()).replace(/\u00a0/g, ' ')).toContain('const k = 3; // @param {type: "slider", min: 1, max: 5, step: 1}');
    // 0,0 restarts the kernel from the keyboard: the next run counts from 1 again, without `n`
    await page.locator('[data-cell-id="r2"] .prompt').click();
    await page.keyboard.press('0');
    await page.keyboard.press('0');
    await page.keyboard.press('Control+Enter');
    await expect.poll(async () => (await state())[1], { timeout: 120_000, interval: 200 }).toMatch(/^\[1\] [\s\S]*n is not defined/);
    await page.close();
  }, 180_000);

  it('keeps a running cell going while the page reloads, and the view catches up', async () => {
    writeNotebook(h.workspaceDir, 'live.ipynb', [code('slow', 'for (let i = 0; i < 6; i++) {\n  console.log(`tick ${i}`);\n  await new Promise((r) => setTimeout(r, 500));\n}')]);
    const page = await chrome.browser.newPage();
    await openNotebook(page, h.server.urlWithToken, 'live.ipynb');
    await page.locator('.cells').focus();
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => /tick 1/.test(document.querySelector('[data-cell-id="slow"] .outputs')?.textContent ?? ''), undefined, { timeout: 120_000 });
    await page.reload();
    await page.waitForSelector('.notebook[data-editors="ready"]');
    // the output from before the reload is there at once, and the rest arrives
    expect(await outputText(page, 'slow')).toMatch(/tick 0[\s\S]*tick 1/);
    await page.waitForFunction(() => /tick 5/.test(document.querySelector('[data-cell-id="slow"] .outputs')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-cell-id="slow"]')?.getAttribute('data-run') === 'idle');
    expect((await outputText(page, 'slow')).match(/tick \d/g)).toEqual(['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5']);
    await page.close();
  }, 180_000);
  it("lists the kernel's variables with types, tensor dtypes, shapes and bytes, and follows each run", async () => {
    writeNotebook(h.workspaceDir, 'vars.ipynb', [
      code('decl', "import * as tf from '@tensorflow/tfjs';\nconst weights = tf.zeros([2, 3]);\nconst lr = 0.01;\nconst note = 'x'.repeat(500);"),
      code('more', 'const bias = tf.ones([3], "int32");'),
    ]);
    const page = await chrome.browser.newPage();
    await openNotebook(page, h.server.urlWithToken, 'vars.ipynb');
    await page.locator('[data-cell-id="decl"]').click();
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => document.querySelector('[data-cell-id="decl"] .prompt')?.textContent === '[1]', undefined, { timeout: 120_000 });
    await page.locator('.toolbar [data-command="variables"]').click();
    const row = (name: string) => page.locator(`.variables-panel tr[data-name="${name}"]`);
    await row('weights').waitFor();
    expect(await row('weights').locator('td.type').innerText()).toBe('Tensor float32 [2, 3]');
    expect(await row('weights').locator('td.num').innerText()).toBe('24 B');
    expect(await row('lr').locator('td.type').innerText()).toBe('number');
    expect(await row('lr').locator('td.preview').innerText()).toBe('0.01');
    // a long value stays on one line: every row is as tall as a short one
    const [short, long] = await Promise.all([row('lr').boundingBox(), row('note').boundingBox()]);
    expect(long!.height).toBeLessThanOrEqual(short!.height + 1);
    expect(await row('bias').count()).toBe(0);
    // the open panel follows the next run
    await page.locator('[data-cell-id="more"] .prompt').click();
    await page.keyboard.press('Shift+Enter');
    await row('bias').waitFor({ timeout: 60_000 });
    expect(await row('bias').locator('td.type').innerText()).toBe('Tensor int32 [3]');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/notebook-variables.png' });
    await page.close();
  }, 180_000);
});
