import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMode, type BrowserModeHarness } from '../helpers/browser-mode';
import { launchChromium, type LaunchedBrowser } from '../helpers/chromium';

const DATA = '/work/shared/data';
let h: BrowserModeHarness;
let chrome: LaunchedBrowser;
beforeAll(async () => {
  h = await startBrowserMode();
  chrome = await launchChromium();
  await h.workspace.datasets.import({ path: join(DATA, 'fashion-mnist/t10k-images-idx3-ubyte.gz'), name: 'fashion-mnist test', limit: 600 });
  await h.workspace.datasets.import({ path: join(DATA, 'vega/penguins.json') });
  mkdirSync('test-results', { recursive: true });
});
afterAll(async () => {
  await chrome?.close();
  await h?.close();
});

describe('the dataset browser in Chromium', () => {
  it('shows image samples as images, pages through them, and draws the label distribution', async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${h.server.urlWithToken}#/datasets`);
    const item = page.locator('.dataset-item', { hasText: 'fashion-mnist test' });
    await item.waitFor();
    expect(await item.locator('.muted').textContent()).toBe('image · 600 samples · 600 labeled');
    await page.locator('.sample img').first().waitFor();
    expect(await page.locator('.sample').count()).toBe(24);
    // every image really decoded: 28x28 pixels drawn from the stored features
    const sizes = await page.$$eval('.sample img', (imgs) => imgs.map((i) => `${(i as HTMLImageElement).naturalWidth}x${(i as HTMLImageElement).naturalHeight}`));
    expect(new Set(sizes)).toEqual(new Set(['28x28']));
    expect(await page.locator('.sample figcaption').first().textContent()).toBe('Ankle boot');
    await page.locator('.label-chart .main-svg').first().waitFor();
    const bars = await page.locator('.label-chart .bars .point').count();
    expect(bars).toBe(10);
    expect(await page.locator('.label-chart').textContent()).toContain('Ankle boot (9)');
    expect(await page.locator('.page-range').textContent()).toBe('1–24 of 600');
    await page.screenshot({ path: 'test-results/datasets-images-light.png', fullPage: true });
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForFunction(() => document.querySelector('.page-range')?.textContent === '25–48 of 600');
    await page.emulateMedia({ colorScheme: 'dark' });
    // the chart redraws in the dark theme's colours: its tick labels follow --fg
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.label-chart .ytick text')!).fill === 'rgb(230, 237, 243)');
    await page.screenshot({ path: 'test-results/datasets-images-dark.png', fullPage: true });
    await page.locator('.sample-grid').screenshot({ path: 'test-results/datasets-samples-dark.png' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a table dataset with columns, missing values per column and missing cells', async () => {
    const page = await chrome.browser.newPage();
    await page.goto(`${h.server.urlWithToken}#/datasets`);
    await page.locator('.dataset-item', { hasText: 'penguins' }).click();
    await page.locator('.columns-table').waitFor();
    const rows = await page.$$eval('.columns-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows).toContainEqual(['Beak Length (mm)', 'number', 'feature', '2']);
    expect(rows).toContainEqual(['Species', 'string', 'label', '0']);
    await page.locator('.rows-table tbody tr').first().waitFor();
    // the fourth penguin has no measurements: shown as missing, never as 0
    const fourth = await page.$$eval('.rows-table tbody tr:nth-child(4) td', (tds) => tds.map((td) => td.textContent));
    expect(fourth.slice(1, 6)).toEqual(['Torgersen', '—', '—', '—', '—']);
    await page.locator('.label-chart .main-svg').first().waitFor();
    await page.screenshot({ path: 'test-results/datasets-table-light.png', fullPage: true });
    await page.close();
  });

  it('imports a file from the form, reports its rejected rows, and shows it', async () => {
    const file = join(h.workspaceDir, 'scores.csv');
    writeFileSync(file, 'hours,score,grade\n1,50,C\n2,,B\n3,80,A\n4,90\n');
    const page = await chrome.browser.newPage();
    await page.goto(`${h.server.urlWithToken}#/datasets`);
    await page.getByLabel('File or folder to import').fill(file);
    await page.getByLabel('Label column').fill('grade');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('.import-done').waitFor();
    expect(await page.locator('.import-done').textContent()).toMatch(/^Imported 3 samples into "scores"/);
    expect(await page.locator('.rejected summary').textContent()).toBe('1 row(s) rejected');
    expect(await page.locator('.rejected li').textContent()).toBe('line 5 has 2 field(s), the header has 3');
    await page.locator('.dataset-item.selected', { hasText: 'scores' }).waitFor();
    await page.getByLabel('File or folder to import').fill(join(h.workspaceDir, 'missing.csv'));
    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('.ds-import-status .problem').waitFor();
    expect(await page.locator('.ds-import-status .problem').textContent()).toMatch(/missing\.csv": there is no such file or folder/);
    await page.close();
  });
});
