import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementView, AnnotatorState, QueueSummary, ServerMessage } from '../../main/api';
import { importDataset } from '../../main/store/import/importer';
import { startBrowserMode, type BrowserModeHarness } from '../helpers/browser-mode';
import { launchChromium, type LaunchedBrowser } from '../helpers/chromium';
import { loadDigits } from '../helpers/digits';
import { WsClient } from '../helpers/ws-client';

let h: BrowserModeHarness;
let chrome: LaunchedBrowser;
let client: WsClient;
let queue: QueueSummary;
const digits = loadDigits();
const COUNT = 300;

/** Writes the first `count` digits as an IDX images file (pixels 0..255), the MNIST format the store imports. */
function writeDigitsIdx(dir: string, count: number): string {
  const path = join(dir, 'digits-images-idx3-ubyte');
  const buf = Buffer.alloc(16 + count * 64);
  buf.writeUInt32BE(0x00000803, 0);
  buf.writeUInt32BE(count, 4);
  buf.writeUInt32BE(8, 8);
  buf.writeUInt32BE(8, 12);
  for (let i = 0; i < count * 64; i++) buf[16 + i] = Math.round(digits.x[i] * 255);
  writeFileSync(path, buf);
  return path;
}

async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  const reply = (await client.call(method, args)) as ServerMessage;
  if (reply.kind === 'error') throw new Error(`${method}: ${reply.error.message}`);
  return (reply as { value: T }).value;
}

beforeAll(async () => {
  h = await startBrowserMode();
  client = await WsClient.connect(`ws://127.0.0.1:${h.server.port}/api?token=${h.server.token}`, { origin: `http://127.0.0.1:${h.server.port}` });
  // the dataset goes in through the store's own importer, as the datasets screen does
  const report = await importDataset(h.workspace.store, { path: writeDigitsIdx(h.workspaceDir, COUNT), format: 'idx', name: 'digits' });
  queue = await call<QueueSummary>('queues.create', {
    datasetId: report.dataset.id,
    name: 'ambiguous digits',
    strategy: 'margin',
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    target: 60,
    overlap: 0,
  });
  // a model's output: confident and right on most samples, torn between two digits on every third
  const ids: number[] = [];
  const probabilities: number[] = [];
  for (const s of h.workspace.store.datasets.page(report.dataset.id, 0, COUNT)) {
    ids.push(s.id);
    const row = new Array(10).fill(0.01);
    const y = digits.y[s.position];
    if (s.position % 3 === 0) {
      row[y] = 0.46;
      row[(y + 1) % 10] = 0.46;
    } else row[y] = 0.91;
    probabilities.push(...row);
  }
  await call('queues.publishScores', { queueId: queue.id, modelVersion: 'digits-lr-1', sampleIds: ids, classes: queue.classes.map((c) => c.value), probabilities });
  chrome = await launchChromium();
}, 120_000);

afterAll(async () => {
  client?.close();
  await chrome?.close();
  await h?.close();
});

describe('the annotator screen in Chromium', () => {
  it('labels 20 items from the keyboard, undoes one, and a reload shows the same counts; SQLite has every label with its provenance', async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${h.server.urlWithToken}#/annotate?queue=${queue.id}&annotator=ana`);
    const sample = page.locator('.annotate-sample');
    const counts = page.locator('.annotate-counts');
    await page.locator('.annotate-sample img').waitFor();
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      const sampleId = Number(await sample.getAttribute('data-sample-id'));
      seen.push(sampleId);
      // the margin strategy asks first about the items torn between two digits
      if (i % 2 === 0) await page.keyboard.press('Enter');
      else await page.keyboard.press(String(i % 10));
      await page.waitForFunction((n) => document.querySelector('.annotate-counts')?.getAttribute('data-mine') === String(n), i + 1);
    }
    expect(new Set(seen).size).toBe(20);
    await page.keyboard.press('Backspace');
    await page.waitForFunction(() => document.querySelector('.annotate-counts')?.getAttribute('data-labeled') === '19');
    expect(Number(await sample.getAttribute('data-sample-id'))).toBe(seen[19]);
    await expect.poll(() => page.locator('.annotate-status').textContent()).toMatch(/Correcting/);
    const before = await counts.textContent();
    await page.reload();
    await page.locator('.annotate-sample img').waitFor();
    await page.waitForFunction(() => document.querySelector('.annotate-counts')?.getAttribute('data-labeled') === '19');
    expect(await counts.textContent()).toBe(before);
    expect(Number(await sample.getAttribute('data-sample-id'))).toBe(seen[19]);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/annotate.png' });
    // the correction: a new row, the first one stays
    await page.keyboard.press('7');
    await page.waitForFunction(() => document.querySelector('.annotate-counts')?.getAttribute('data-labeled') === '20');
    expect(errors).toEqual([]);
    await page.close();

    const db = new Database(join(h.workspaceDir, 'lab.db'), { readonly: true });
    const rows = db
      .prepare(
        `SELECT l.sample_id AS sampleId, l.value, a.name AS annotator, l.queue_id AS queueId, l.model_version AS modelVersion, l.duration_ms AS durationMs, l.uid, l.source
         FROM labels l JOIN annotators a ON a.id = l.annotator_id ORDER BY l.id`,
      )
      .all() as { sampleId: number; value: string; annotator: string; queueId: number; modelVersion: string; durationMs: number; uid: string; source: string }[];
    db.close();
    expect(rows).toHaveLength(21);
    for (const r of rows) {
      expect(r).toMatchObject({ annotator: 'ana', queueId: queue.id, modelVersion: 'digits-lr-1', source: 'annotator' });
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
      expect(r.uid).toMatch(/^[0-9a-f-]{36}$/);
    }
    const history = rows.filter((r) => r.sampleId === seen[19]);
    expect(history.map((r) => r.value).at(-1)).toBe('7');
    expect(history).toHaveLength(2);
  }, 120_000);

  it('shows agreement per pair and overall, and the items two annotators disagree on', async () => {
    const q = await call<QueueSummary>('queues.create', { datasetId: queue.datasetId, name: 'double-checked', strategy: 'random', classes: queue.classes.map((c) => c.value), overlap: 1 });
    const labelSome = async (who: string, n: number, pick: (position: number) => string) => {
      let s = await call<AnnotatorState>('queues.resume', q.id, who);
      for (let i = 0; i < n && s.item; i++) s = await call<AnnotatorState>('queues.label', q.id, who, s.item.sampleId, pick(s.item.position), { durationMs: 1500 });
    };
    await labelSome('ana', 12, (p) => String(digits.y[p]));
    await labelSome('bo', 12, (p) => String(p % 4 === 0 ? (digits.y[p] + 1) % 10 : digits.y[p]));
    const agreement = await call<AgreementView>('queues.agreement', q.id);
    expect(agreement.overlapItems).toBe(12);
    expect(agreement.disagreements.length).toBeGreaterThan(0);
    const page = await chrome.browser.newPage();
    await page.goto(`${h.server.urlWithToken}#/review?queue=${q.id}`);
    await page.locator('.review-pairs tbody tr').waitFor();
    expect(await page.locator('.review-pairs tbody tr td').first().textContent()).toBe('ana · bo');
    expect(await page.locator('.disagreement').count()).toBe(agreement.disagreements.length);
    expect(await page.locator('[data-alpha]').textContent()).toBe(agreement.alpha!.toFixed(3));
    await page.screenshot({ path: 'test-results/review.png' });
    await page.close();
  });

  it("an archived queue leaves the annotators' list and stops handing out items; Review keeps it under Archived and Restore brings it back", async () => {
    const q = await call<QueueSummary>('queues.create', { datasetId: queue.datasetId, name: 'simulation run 1', strategy: 'random', classes: queue.classes.map((c) => c.value), overlap: 0 });
    const page = await chrome.browser.newPage();
    // an annotator is at work in it when it is archived
    await page.goto(`${h.server.urlWithToken}#/annotate?queue=${q.id}&annotator=cy`);
    await page.locator('.annotate-stage [data-sample-id]').waitFor();
    await page.goto(`${h.server.urlWithToken}#/review?queue=${q.id}`);
    await page.locator('button.archive-queue').click();
    await page.locator('.archived-badge').waitFor();
    expect((await call<QueueSummary>('queues.get', q.id)).counts.leased).toBe(0);
    await page.goto(`${h.server.urlWithToken}#/annotate?queue=${q.id}&annotator=cy`);
    expect(await page.locator('.annotate-done').textContent()).toMatch(/This queue was archived/);
    // the picker offers the queues in use only
    await page.goto(`${h.server.urlWithToken}#/annotate`);
    await page.locator('#queue-select').waitFor();
    const offered = await page.locator('#queue-select option').allTextContents();
    expect(offered.some((o) => o.startsWith('ambiguous digits'))).toBe(true);
    expect(offered.some((o) => o.startsWith('simulation run 1'))).toBe(false);
    await page.goto(`${h.server.urlWithToken}#/review`);
    const row = page.locator(`.review-archived li[data-queue-id="${q.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toMatch(/simulation run 1/);
    await page.screenshot({ path: 'test-results/review-archived.png' });
    await row.locator('button.restore-queue').click();
    await page.locator('.review-queues a', { hasText: 'simulation run 1' }).waitFor();
    expect(await page.locator('.review-archived').count()).toBe(0);
    expect((await call<QueueSummary>('queues.get', q.id)).archivedAt).toBeNull();
    await page.close();
  });

  it('a team lead creates a diversity queue on its own screen; the annotator exports their labels to a file and importing it again changes nothing', async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h.server.urlWithToken}#/annotate`);
    await page.locator('a.new-queue-link').click();
    await page.locator('#queue-dataset').waitFor();
    await page.selectOption('#queue-strategy', 'k-center');
    await page.fill('#queue-batch', '16');
    await page.fill('#queue-name', 'diverse digits');
    await page.fill('#queue-target', '50');
    await page.fill('#queue-refresh', '5');
    await page.fill('#queue-overlap', '0');
    // the IDX images came without a labels file: the dataset lists no classes, so the screen asks
    await page.fill('#queue-classes', '0, 1, 2, 3, 4, 5, 6, 7, 8, 9');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/new-queue.png', fullPage: true });
    await page.locator('.new-queue-form button[type=submit]').click();
    await page.waitForFunction(() => /#\/annotate\?queue=\d+$/.test(location.hash));
    const created = (await call<QueueSummary[]>('queues.list')).find((q) => q.name === 'diverse digits')!;
    expect(created).toMatchObject({ strategy: 'k-center', settings: { target: 50, refreshEvery: 5, overlap: 0, batchSize: 16 } });
    expect(created.classes.map((c) => c.value)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(await page.locator('#queue-select').inputValue()).toBe(String(created.id));

    await page.fill('#annotator-name', 'cy');
    await page.locator('.annotate-picker button[type=submit]').click();
    await page.locator('.annotate-sample img').waitFor();
    for (let i = 1; i <= 3; i++) {
      await page.keyboard.press(String(i));
      await page.waitForFunction((n) => document.querySelector('.annotate-counts')?.getAttribute('data-mine') === String(n), i);
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.export-labels').click()]);
    const file = join(h.workspaceDir, 'cy.labels.jsonl');
    await download.saveAs(file);
    expect(download.suggestedFilename()).toBe('digits.cy.labels.jsonl');
    const lines = (await import('node:fs')).readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ format: 'mlsys-lab/labels', annotator: 'cy', count: 3 });
    expect(lines.slice(1).map((l) => JSON.parse(l).queue)).toEqual(['diverse digits', 'diverse digits', 'diverse digits']);
    await expect.poll(() => page.locator('.annotate-status').textContent()).toMatch(/^Exported 3 label\(s\) to digits\.cy\.labels\.jsonl/);
    await page.setInputFiles('#import-labels-file', file);
    await expect.poll(() => page.locator('.annotate-status').textContent()).toBe('Imported 0 label(s) from cy.labels.jsonl: 3 already here, 0 kept beside a different label.');
    await page.screenshot({ path: 'test-results/annotate-label-file.png' });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('a person labels 20 items on the screen while a notebook cell waits for them; keepFresh retrains in the kernel and the new model version ranks the queue', async () => {
    const kernels = h.workspace.kernels;
    const info = await kernels.start({ notebook: `e2e-retrain-${Date.now()}` });
    const session = kernels.session(info.kernelId);
    const printed: string[] = [];
    const sub = kernels.onOutput((e) => e.kernelId === info.kernelId && e.output.output_type === 'stream' && printed.push(e.output.text));
    try {
      // a "model" whose confidence grows with its labels: each version scores the queue differently
      const setup = await session.execute(`
        const q = await lab.queues.open({ dataset: 'digits', name: 'you label, it retrains', strategy: 'margin', refreshEvery: 10, overlap: 0, target: 20, classes: ['0','1','2','3','4','5','6','7','8','9'] });
        const ids = await lab.queues.sampleIds(q);
        const scores = (n: number) => ({ modelVersion: 'digits-v' + n, sampleIds: ids, probabilities: ids.map((id) => { const c = Math.min(0.95, 0.3 + n / 40 + (id % 7) / 100); return Array.from({ length: 10 }, (_, k) => (k === id % 10 ? c : (1 - c) / 9)); }) });
        await lab.queues.publish(q, scores(0));
        const loop = lab.queues.keepFresh(q, ({ labels }) => scores(labels.count));
        console.log(JSON.stringify({ queue: q.id }));
      `).done;
      expect(setup.status, JSON.stringify(setup)).toBe('ok');
      const queueId = JSON.parse(printed.join('').trim().split('\n').at(-1)!).queue as number;
      const waiting = session.execute(`const arrived = await lab.queues.waitForLabels(q, 20, { timeoutMs: 120_000 }); const v = await loop.trainedOn(20, 30_000); console.log(JSON.stringify({ arrived, v }));`);

      const page = await chrome.browser.newPage();
      await page.goto(`${h.server.urlWithToken}#/annotate?queue=${queueId}&annotator=dee`);
      await page.locator('.annotate-sample img').waitFor();
      expect(await page.locator('.annotate-suggestion').textContent()).toContain('Model suggests');
      for (let i = 1; i <= 20; i++) {
        await page.keyboard.press('Enter');
        await page.waitForFunction((n) => document.querySelector('.annotate-counts')?.getAttribute('data-mine') === String(n), i);
      }
      const reply = await waiting.done;
      expect(reply.status, JSON.stringify(reply)).toBe('ok');
      const out = JSON.parse(printed.join('').trim().split('\n').at(-1)!);
      expect(out).toEqual({ arrived: { byPeople: 20, timedOut: false, interactive: true }, v: { modelVersion: 'digits-v20', labels: 20 } });
      expect((await call<QueueSummary>('queues.get', queueId)).modelVersion).toBe('digits-v20');
      await page.close();
    } finally {
      sub.dispose();
      await kernels.shutdown(info.kernelId);
    }
  }, 120_000);
});
