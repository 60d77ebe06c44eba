import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { builtinLabsDir } from '../../main/paths';
import { startBrowserMode, type BrowserModeHarness } from '../helpers/browser-mode';
import { launchChromium, type LaunchedBrowser } from '../helpers/chromium';
import { cellIds, code, FRAME_PROBE, FRAME_PROBE_CONTAINED, markdown, openNotebook, writeNotebook } from './notebook-helpers';

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

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await chrome.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { page, errors };
}

const figure = {
  data: [
    { type: 'scatter', mode: 'lines+markers', name: 'train loss', x: [1, 2, 3, 4, 5], y: [1.2, 0.8, 0.55, 0.4, 0.33] },
    { type: 'scatter', mode: 'lines', name: 'val loss', x: [1, 2, 3, 4, 5], y: [1.3, 0.95, 0.7, 0.62, 0.6] },
  ],
  layout: { title: { text: 'Loss per epoch' }, xaxis: { title: { text: 'epoch' } } },
};


const htmlCells = [code('html', 'lab.html(widget)', [{ output_type: 'display_data', data: { 'text/html': FRAME_PROBE, 'text/plain': 'widget' }, metadata: {} }], 1), code('plain', 'table()', [{ output_type: 'display_data', data: { 'text/html': '<table class="t"><tr><td>1</td></tr></table>' }, metadata: {} }], 2)];

describe('the notebook in Chromium', () => {
  it("opens a pack's notebook from the library as the attendee's copy", async () => {
    const { page, errors } = await newPage();
    const packFile = join(builtinLabsDir(), '01-software-2', 'software-2.ipynb');
    const before = readFileSync(packFile, 'utf8');
    await page.goto(h.server.urlWithToken);
    await page.locator('[data-pack-id="software-2"] a.open-notebook').click();
    await page.waitForSelector('.notebook[data-editors="ready"]');
    expect(await page.locator('.notebook-title').textContent()).toBe('software-2');
    expect(await page.locator('.markdown-cell .rendered h1').textContent()).toBe('Software 1.0 vs 2.0');
    await page.locator('.cell[data-type="code"] .monaco-editor').first().waitFor();
    expect(readFileSync(packFile, 'utf8')).toBe(before);
    expect(readFileSync(join(h.workspaceDir, 'notebooks/software-2/software-2.ipynb'), 'utf8')).toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('inserts, moves, deletes and restores cells with the keyboard alone', async () => {
    writeNotebook(h.workspaceDir, 'keys.ipynb', [code('one', '1'), code('two', '2'), code('three', '3')]);
    const { page, errors } = await newPage();
    await openNotebook(page, h.server.urlWithToken, 'keys.ipynb');
    await page.locator('.cells').focus();
    expect(await cellIds(page)).toEqual(['one', 'two', 'three']);
    await page.keyboard.press('j'); // select "two"
    await page.keyboard.press('b'); // insert below it, stay in command mode
    let ids = await cellIds(page);
    expect(ids).toHaveLength(4);
    const inserted = ids[2];
    await page.keyboard.press('Enter'); // edit it
    await page.keyboard.type('const typed = 42;');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Alt+ArrowUp'); // move it above "two"
    expect(await cellIds(page)).toEqual(['one', inserted, 'two', 'three']);
    await page.keyboard.press('k'); // select "one"
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    expect(await cellIds(page)).toEqual([inserted, 'two', 'three']);
    await page.keyboard.press('a'); // insert above the selection
    expect(await cellIds(page)).toHaveLength(4);
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    await page.keyboard.press('z'); // undo the last delete... twice brings "one" back too
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    await page.keyboard.press('m'); // the selected cell becomes markdown
    expect(await page.locator('.cells > .cell.selected').getAttribute('data-type')).toBe('markdown');
    await page.keyboard.press('y');
    expect(await page.locator('.cells > .cell.selected').getAttribute('data-type')).toBe('code');
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => document.querySelector('.notebook-title')?.getAttribute('data-dirty') === 'false');
    ids = await cellIds(page);
    const saved = JSON.parse(readFileSync(join(h.workspaceDir, 'keys.ipynb'), 'utf8'));
    expect(saved.cells.map((c: { id: string }) => c.id)).toEqual(ids);
    expect(saved.cells.find((c: { id: string }) => c.id === inserted).source).toEqual(['const typed = 42;']);
    // the help panel lists the keys
    await page.keyboard.press('h');
    expect(await page.locator('.help-panel').textContent()).toMatch(/D, D.*Delete the cell/);
    await page.keyboard.press('Escape');
    expect(await page.locator('.help-panel').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('copies, pastes, merges and splits cells from the keyboard', async () => {
    writeNotebook(h.workspaceDir, 'edit.ipynb', [code('one', 'const a = 1;'), code('two', 'const b = 2;')]);
    const { page, errors } = await newPage();
    await openNotebook(page, h.server.urlWithToken, 'edit.ipynb');
    const text = async (id: string) => (await page.locator(`[data-cell-id="${id}"] .input`).innerText()).replace(/\u00a0/g, ' ').trimEnd();
    await page.locator('.cells').focus();
    await page.keyboard.press('c'); // copy "one"
    await page.keyboard.press('j');
    await page.keyboard.press('v'); // paste it below "two", as a new cell
    let ids = await cellIds(page);
    expect(ids.slice(0, 2)).toEqual(['one', 'two']);
    expect(ids).toHaveLength(3);
    expect(await text(ids[2])).toBe('const a = 1;');
    await page.keyboard.press('k'); // select "two"
    await page.keyboard.press('Shift+M'); // merge the pasted cell into it
    expect(await cellIds(page)).toEqual(['one', 'two']);
    await expect.poll(() => text('two')).toBe('const b = 2;\nconst a = 1;');
    await page.keyboard.press('Enter'); // edit "two", then split it before its second line
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Control+Shift+Minus');
    ids = await cellIds(page);
    expect(ids.slice(0, 2)).toEqual(['one', 'two']);
    expect(ids).toHaveLength(3);
    await expect.poll(() => text('two')).toBe('const b = 2;');
    expect(await text(ids[2])).toBe('const a = 1;');
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => document.querySelector('.notebook-title')?.getAttribute('data-dirty') === 'false');
    const saved = JSON.parse(readFileSync(join(h.workspaceDir, 'edit.ipynb'), 'utf8'));
    expect(saved.cells.map((c: { id: string; source: string | string[] }) => [c.id, [c.source].flat().join('')])).toEqual([
      ['one', 'const a = 1;'],
      ['two', 'const b = 2;'],
      [ids[2], 'const a = 1;'],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders saved outputs by MIME type, an interactive Plotly figure among them, and the same after a reload', async () => {
    writeNotebook(h.workspaceDir, 'outputs.ipynb', [
      markdown('intro', '# Outputs\n\nEnergy is $E = P \\cdot t$.\n\n$$\\sum_{i=1}^n x_i$$'),
      code('plot', 'lab.plot(losses)', [{ output_type: 'display_data', data: { 'application/vnd.plotly.v1+json': figure, 'text/plain': '<Figure>' }, metadata: {} }], 1),
      code('text', 'console.log("hi")', [
        { output_type: 'stream', name: 'stdout', text: ['plain \u001b[31mred\u001b[0m and \u001b[1;32mbold green\u001b[0m\n'] },
        { output_type: 'error', ename: 'RangeError', evalue: 'shape mismatch', traceback: ['RangeError: shape mismatch', '    at cell 3:1'] },
      ], 2),
      code('long', 'for (let i = 0; i < 3000; i++) console.log(`line ${i}`)', [{ output_type: 'stream', name: 'stdout', text: Array.from({ length: 3000 }, (_, i) => `line ${i}\n`).join('') }], 4),
      code('rich', 'show()', [
        { output_type: 'execute_result', execution_count: 3, data: { 'application/json': [{ name: 'a', acc: 0.91 }, { name: 'b', acc: 0.875 }], 'text/plain': '[...]' }, metadata: {} },
        { output_type: 'display_data', data: { 'application/vnd.mlsys-lab.tensor+json': { dtype: 'float32', shape: [2, 2], values: [[1, 2], [3, 4]], bytes: 16 }, 'text/plain': 'Tensor' }, metadata: {} },
        { output_type: 'display_data', data: { 'text/html': '<b class="ok">bold</b><script>window.pwned = 1</script><details open ontoggle="window.pwned = 2">x</details>' }, metadata: {} },
        { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' }, metadata: {} },
      ], 3),
    ]);
    const { page, errors } = await newPage();
    await openNotebook(page, h.server.urlWithToken, 'outputs.ipynb');
    const check = async () => {
      await page.locator('[data-cell-id="plot"] .plotly-output svg.main-svg').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-cell-id="plot"] .scatterlayer .trace').count()).toBe(2);
      expect(await page.locator('[data-cell-id="plot"] .legendtext').allTextContents()).toEqual(['train loss', 'val loss']);
      expect(await page.locator('[data-cell-id="intro"] .katex').count()).toBeGreaterThanOrEqual(2);
      const stream = page.locator('[data-cell-id="text"] .output-stream pre');
      expect(await stream.textContent()).toBe('plain red and bold green\n');
      expect(await stream.locator('span').first().evaluate((e) => getComputedStyle(e).color)).not.toBe(await stream.evaluate((e) => getComputedStyle(e).color));
      expect(await page.locator('[data-cell-id="text"] .traceback').textContent()).toMatch(/RangeError: shape mismatch[\s\S]*at cell 3:1/);
      expect(await page.locator('[data-cell-id="rich"] table.data-table td').allTextContents()).toEqual(['a', '0.91', 'b', '0.875']);
      expect(await page.locator('[data-cell-id="rich"] .tensor-head').textContent()).toBe('Tensor float32 [2, 2] · 4 elements · 16 B');
      expect(await page.locator('[data-cell-id="rich"] .html-output b.ok').textContent()).toBe('bold');
      expect(await page.locator('[data-cell-id="rich"] .html-output script').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(await page.locator('[data-cell-id="rich"] img[alt="image output"]').count()).toBe(1);
      expect(await page.locator('[data-cell-id="rich"] details').getAttribute('ontoggle')).toBeNull();
      expect(await page.locator('[data-cell-id="plot"] .prompt').textContent()).toBe('[1]');
    };
    await check();
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/notebook-plot.png', fullPage: true });
    // a long stream shows its last lines, then all of them when asked; the outputs area scrolls
    const long = page.locator('[data-cell-id="long"]');
    expect(await long.locator('.stream-hidden').textContent()).toBe('… 1,000 earlier lines not shown. Show all');
    expect(await long.locator('.output-stream pre').evaluate((e) => [e.textContent!.split('\n')[0], e.textContent!.split('\n').length - 1])).toEqual(['line 1000', 2000]);
    await long.locator('.stream-hidden button').click();
    expect(await long.locator('.output-stream pre').evaluate((e) => e.textContent!.split('\n').length - 1)).toBe(3000);
    expect(await long.locator('.outputs').evaluate((e) => e.scrollHeight > e.clientHeight && getComputedStyle(e).overflowY === 'auto')).toBe(true);
    // edit, save with Ctrl+S, reload: the same outputs, and the edit
    await page.locator('[data-cell-id="text"] .monaco-editor').click();
    await page.keyboard.press('End');
    await page.keyboard.type(' // edited');
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => document.querySelector('.notebook-title')?.getAttribute('data-dirty') === 'false');
    await page.reload();
    await page.waitForSelector('.notebook[data-editors="ready"]');
    await check();
    expect((await page.locator('[data-cell-id="text"] .view-lines').textContent())?.replace(/\u00a0/g, ' ')).toContain('console.log("hi") // edited');
    expect(JSON.parse(readFileSync(join(h.workspaceDir, 'outputs.ipynb'), 'utf8')).cells[2].source).toEqual(['console.log("hi") // edited']);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('opens a Python notebook read-only with its outputs, and refuses an invalid file naming the field', async () => {
    writeNotebook(h.workspaceDir, 'py.ipynb', [code('p1', 'print(1)', [{ output_type: 'stream', name: 'stdout', text: '1\n' }], 1)], {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
    });
    const { page } = await newPage();
    await openNotebook(page, h.server.urlWithToken, 'py.ipynb');
    expect(await page.locator('.banners .notice').textContent()).toMatch(/Python 3.*read-only/);
    expect(await page.locator('[data-cell-id="p1"] .output-stream').textContent()).toBe('1\n');
    await page.locator('.cells').focus();
    await page.keyboard.press('b');
    expect(await cellIds(page)).toEqual(['p1']);
    writeNotebook(h.workspaceDir, 'bad.ipynb', [{ cell_type: 'code', id: 'x', metadata: {}, source: '', outputs: 'none', execution_count: null }]);
    const url = new URL(h.server.urlWithToken);
    url.hash = '#/notebook?path=bad.ipynb';
    await page.goto(url.toString());
    await page.locator('main .problem').waitFor();
    expect(await page.locator('main .problem').textContent()).toMatch(/Cannot open "bad.ipynb": cells\[0\]\.outputs must be a list/);
    expect(await page.locator('.cell').count()).toBe(0);
    await page.close();
  });

  it('offers TypeScript completions for TensorFlow.js, the lab API and names declared in earlier cells', async () => {
    writeNotebook(h.workspaceDir, 'intellisense.ipynb', [code('decl', 'const learningRate: number = 0.01;\nfunction trainStep(batch: number[]): number { return batch.length; }'), code('use', '')]);
    const { page } = await newPage();
    await openNotebook(page, h.server.urlWithToken, 'intellisense.ipynb');
    await page.locator('[data-cell-id="use"] .monaco-editor').click();
    await page.keyboard.type('trainS');
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget .monaco-list-row', { hasText: 'trainStep' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('tf.tens');
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget .monaco-list-row', { hasText: 'tensor2d' }).first().waitFor({ timeout: 60_000 });
    // resting on a suggestion brings its signature (fetched only once typing pauses)
    await page.keyboard.type('or2');
    await page.locator('.suggest-widget .monaco-list-row.focused .details-label', { hasText: /tensor2d\(values/ }).waitFor({ timeout: 30_000 });
    // the list is drawn under the cursor, wherever the cell sits on the page
    const cursor = (await page.locator('[data-cell-id="use"] .cursor').first().boundingBox())!;
    const list = (await page.locator('.suggest-widget').boundingBox())!;
    expect(Math.abs(list.y - (cursor.y + cursor.height))).toBeLessThan(10);
    expect(Math.abs(list.x - cursor.x)).toBeLessThan(120);
    await page.keyboard.press('Escape');
    // the kernel's lab API
    await page.keyboard.press('Control+a');
    await page.keyboard.type('lab.progr');
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget .monaco-list-row', { hasText: 'progress' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    // Node's modules, which cells import to read their pack's data, are typed (untyped, readFileSync
    // would be `any` and offer no string methods)
    await page.keyboard.press('Control+a');
    await page.keyboard.type("import { readFileSync } from 'node:fs';\nreadFileSync('data.csv', 'utf8').toUpperC");
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget .monaco-list-row', { hasText: 'toUpperCase' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    // a type error from an earlier cell's declaration
    await page.keyboard.press('Control+a');
    await page.keyboard.type('const s: string = learningRate;');
    await page.locator('[data-cell-id="use"] .squiggly-error').first().waitFor({ timeout: 30_000 });
    await page.close();
  }, 120_000);

  it('runs the scripts of HTML outputs in a trusted notebook, in a sandboxed frame apart from the app, and only sanitizes them in an untrusted one', async () => {
    // the attendee's copy of a built-in (trusted) pack's notebook, and a notebook of their own
    writeNotebook(h.workspaceDir, 'notebooks/software-2/widget.ipynb', htmlCells);
    writeNotebook(h.workspaceDir, 'widget.ipynb', htmlCells);
    const { page, errors } = await newPage();

    await openNotebook(page, h.server.urlWithToken, 'notebooks/software-2/widget.ipynb');
    const frameEl = page.locator('[data-cell-id="html"] iframe.html-frame');
    await frameEl.waitFor();
    expect(await frameEl.getAttribute('sandbox')).toBe('allow-scripts');
    const frame = page.frameLocator('[data-cell-id="html"] iframe.html-frame');
    await expect.poll(() => frame.locator('#w').textContent(), { timeout: 15_000 }).toMatch(/^ran 42/);
    expect(await frame.locator('#w').textContent()).toBe(FRAME_PROBE_CONTAINED);
    await expect.poll(() => frame.locator('#w').getAttribute('data-fetch')).toBe('refused');
    // the frame grew to its content; the app's window was not touched
    await expect.poll(async () => (await frameEl.boundingBox())?.height ?? 0).toBeGreaterThan(30);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // HTML with nothing to strip stays in the page, frame or not
    expect(await page.locator('[data-cell-id="plain"] .html-output table.t td').textContent()).toBe('1');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/notebook-html-trusted.png' });

    await openNotebook(page, h.server.urlWithToken, 'widget.ipynb');
    await page.locator('[data-cell-id="html"] .html-output #w').waitFor();
    expect(await page.locator('[data-cell-id="html"] iframe').count()).toBe(0);
    expect(await page.locator('[data-cell-id="html"] .html-output script').count()).toBe(0);
    expect(await page.locator('[data-cell-id="html"] .html-output #w').textContent()).toBe('waiting');
    expect(await page.locator('[data-cell-id="html"] .html-stripped').textContent()).toMatch(/not trusted/);
    expect(await page.locator('[data-cell-id="plain"] .html-stripped').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.screenshot({ path: 'test-results/notebook-html-untrusted.png' });
    // the frame's refused fetch is reported by the browser as a policy violation; nothing else went wrong
    expect(errors.filter((e) => !/Content Security Policy/.test(e))).toEqual([]);
    // the frame's page is served with a policy of its own: the app's page may frame it, no other
    const frameUrl = new URL('/output-frame.html', h.server.urlWithToken);
    frameUrl.search = new URL(h.server.urlWithToken).search;
    const res = await fetch(frameUrl);
    expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'self'");
    expect(res.headers.get('x-frame-options')).toBeNull();
    await page.close();
  }, 90_000);

  it("opens an app link in a cell's output (a lab's link to Annotate) beside the notebook, which stays open", async () => {
    const link = { output_type: 'display_data', data: { 'text/markdown': '**Your turn:** open [Annotate → you are the oracle](#/annotate?queue=7) and label 20 digits.' }, metadata: {} };
    writeNotebook(h.workspaceDir, 'beside.ipynb', [code('wait', 'lab.markdown(link)', [link], 1)]);
    const { page } = await newPage();
    await openNotebook(page, h.server.urlWithToken, 'beside.ipynb');
    const opened = page.context().waitForEvent('page');
    await page.locator('[data-cell-id="wait"] .outputs a', { hasText: 'Annotate' }).click();
    const annotate = await opened;
    await annotate.locator('.view-header h1', { hasText: 'Annotate' }).waitFor();
    expect(new URL(annotate.url()).hash).toBe('#/annotate?queue=7');
    // the notebook did not move
    expect(new URL(page.url()).hash).toBe('#/notebook?path=beside.ipynb');
    expect(await page.locator('[data-cell-id="wait"]').count()).toBe(1);
    await annotate.close();
    await page.close();
  });

  it('asks before leaving unsaved work when autosave is off, and saves it on the way out when autosave is on', async () => {
    const file = writeNotebook(h.workspaceDir, 'leave.ipynb', [code('c', 'const a = 1;')]);
    const before = readFileSync(file, 'utf8');
    const typeInCell = async (page: Page, text: string) => {
      await openNotebook(page, h.server.urlWithToken, 'leave.ipynb');
      await page.locator('[data-cell-id="c"] .monaco-editor').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.type(text);
      await page.locator('.notebook.dirty').waitFor();
    };
    const autosave = h.workspace.settings.snapshot()['notebook.autosaveSeconds'];
    await h.workspace.settings.update({ 'notebook.autosaveSeconds': 0 });
    try {
      const { page } = await newPage();
      const dialogs: string[] = [];
      let leave = false;
      page.on('dialog', (d) => {
        dialogs.push(d.type());
        void (leave ? d.accept() : d.dismiss());
      });
      await typeInCell(page, ' // kept?');
      // Stay: the page and the typing are still there, and nothing was written behind the person's back
      await page.close({ runBeforeUnload: true });
      await expect.poll(() => dialogs).toEqual(['beforeunload']);
      expect(page.isClosed()).toBe(false);
      // (Monaco draws spaces as no-break spaces)
      expect(await page.locator('[data-cell-id="c"] .view-lines').innerText()).toMatch(/\/\/\skept\?/);
      expect(readFileSync(file, 'utf8')).toBe(before);
      // Leave: the page goes, the file on disk is the one that was saved
      leave = true;
      await page.close({ runBeforeUnload: true });
      await expect.poll(() => page.isClosed()).toBe(true);
      expect(dialogs).toEqual(['beforeunload', 'beforeunload']);
      expect(readFileSync(file, 'utf8')).toBe(before);
    } finally {
      await h.workspace.settings.update({ 'notebook.autosaveSeconds': autosave });
    }
    // autosave on: no question; what was typed reaches the file as the page goes
    const { page } = await newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.dismiss();
    });
    await typeInCell(page, ' // saved on the way out');
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => readFileSync(file, 'utf8'), { timeout: 10_000 }).toContain('// saved on the way out');
    expect(dialogs).toEqual([]);
  }, 60_000);
});
