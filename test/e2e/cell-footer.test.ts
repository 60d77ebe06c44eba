/** The cell footer shows what a run cost and what it left behind, measured by the real kernel. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
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

it('the footer counts the tensors a cell created, those its variables keep, and flags those it leaked, with their size', async () => {
  writeNotebook(h.workspaceDir, 'footer.ipynb', [
    code('leaks', "import * as tf from '@tensorflow/tfjs';\nconst w = tf.ones([256, 256]);\ntf.square(w);\ntf.tidy(() => { tf.square(w); });"),
    code('clean', 'tf.tidy(() => { tf.square(w); });'),
  ]);
  const page = await chrome.browser.newPage();
  await openNotebook(page, h.server.urlWithToken, 'footer.ipynb');
  await page.locator('.toolbar [data-command="runAll"]').click();
  const footer = (id: string) => page.locator(`[data-cell-id="${id}"] .cell-footer`);
  await page.waitForFunction(() => /created/.test(document.querySelector('[data-cell-id="clean"] .cell-footer')?.textContent ?? ''), undefined, { timeout: 120_000 });
  // w (256 KiB) is kept by its variable; the first square is lost (nothing holds it); the one inside tf.tidy was disposed
  expect(await footer('leaks').innerText()).toContain('3 tensors created · 1 kept in variables · 1 leaked (256.0 KiB)');
  expect(await footer('leaks').getAttribute('class')).toContain('leak');
  expect(await footer('leaks').getAttribute('title')).toMatch(/still alive \(256\.0 KiB\) and no variable holds them/);
  expect(await footer('clean').innerText()).toContain('1 tensor created');
  expect(await footer('clean').innerText()).not.toContain('leaked');
  expect(await footer('clean').getAttribute('class')).not.toContain('leak');
  mkdirSync('test-results', { recursive: true });
  await page.locator('[data-cell-id="leaks"]').screenshot({ path: 'test-results/cell-footer-tensors.png' });

  // the footer is saved with the notebook (JupyterLab's timing keys and our own) and comes back
  // when the notebook is opened again, after its session (and kernel) are gone
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+s');
  await page.locator('.notebook:not(.dirty)').waitFor();
  const saved = JSON.parse(readFileSync(join(h.workspaceDir, 'footer.ipynb'), 'utf8')) as { cells: { metadata: Record<string, Record<string, unknown>> }[] };
  const leaks = saved.cells[0].metadata;
  expect(leaks.mlsys_lab.last_run).toMatchObject({ ok: true, tensors_created: 3, tensors_kept: 1, tensors_leaked: 1, tensors_leaked_bytes: 262144, backend: expect.any(String), wall_ms: expect.any(Number) });
  expect(Date.parse(leaks.execution['shell.execute_reply'] as string)).toBeGreaterThanOrEqual(Date.parse(leaks.execution['iopub.execute_input'] as string));
  await page.goto(`${h.server.urlWithToken}#/`);
  await h.workspace.notebooks.close('footer.ipynb');
  await openNotebook(page, h.server.urlWithToken, 'footer.ipynb');
  expect(await footer('leaks').innerText()).toContain('3 tensors created · 1 kept in variables · 1 leaked (256.0 KiB)');
  expect(await footer('clean').innerText()).toContain('1 tensor created');
  await page.close();
}, 180_000);
