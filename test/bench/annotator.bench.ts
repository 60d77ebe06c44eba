/**
 * The annotator's wait, measured in Chromium on the real screen: from the key press until the next
 * item is painted (`annotate.next-item`, a performance entry the screen records), with 1,000,000
 * samples in the pool. Also the time until the label is durable on disk and acknowledged
 * (`annotate.label-saved`): the screen does not wait for it, because the server leases the next
 * item ahead and the screen shows it at once.
 */
import { performance } from 'node:perf_hooks';
import { startBrowserMode } from '../helpers/browser-mode';
import { launchChromium } from '../helpers/chromium';
import { quantile, report } from './report';

/** The page's document, typed just enough: this file compiles without the DOM types, and the page's CSP forbids evaluating strings. */
type PageGlobal = { document: { querySelector(s: string): { getAttribute(name: string): string | null } | null }; performance: { getEntriesByName(name: string): { duration: number }[] } };

const POOL = 1_000_000;
const DIM = 16;
const LABELS = 1000;
const WARMUP = 50;

const h = await startBrowserMode();
const store = h.workspace.store;
const t0 = performance.now();
const datasetId = store.datasets.begin({ name: 'pool', kind: 'table', format: 'csv', source: 'bench' });
const batch = 10_000;
for (let start = 0; start < POOL; start += batch) {
  store.datasets.appendBatch(
    datasetId,
    start,
    Array.from({ length: batch }, (_, i) => ({ features: Float32Array.from({ length: DIM }, (_, d) => ((start + i) * (d + 1)) % 17), rawType: 'application/json', raw: JSON.stringify({ id: start + i, text: `row ${start + i}` }) })),
  );
}
store.datasets.finish(datasetId, { columns: [], featureNames: Array.from({ length: DIM }, (_, d) => `f${d}`), shape: null, classes: null });
const setupMs = performance.now() - t0;

const classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const t1 = performance.now();
const queue = await h.workspace.queues.create({ datasetId, name: 'bench', strategy: 'margin', classes, target: 2000, overlap: 0.1, refreshEvery: 0 });
const createMs = performance.now() - t1;

const chrome = await launchChromium();
const page = await chrome.browser.newPage();
await page.goto(`${h.server.urlWithToken}#/annotate?queue=${queue.id}&annotator=ana`);
await page.locator('.annotate-sample table').waitFor();
for (let i = 0; i < LABELS + WARMUP; i++) {
  await page.keyboard.press(classes[i % 10]);
  // paced like a person: the next key only after the label was acknowledged
  await page.waitForFunction((n) => (globalThis as unknown as PageGlobal).document.querySelector('.annotate-counts')?.getAttribute('data-mine') === String(n), i + 1, { polling: 'raf' });
}
// the page's own performance timeline, through globalThis: the bundler renames this file's
// node:perf_hooks import, and a bare `performance` here would be sent to the page renamed
const entries = await page.evaluate(() => {
  const timeline = (globalThis as unknown as PageGlobal).performance;
  return {
    shown: timeline.getEntriesByName('annotate.next-item').map((e) => e.duration),
    saved: timeline.getEntriesByName('annotate.label-saved').map((e) => e.duration),
  };
});
const shown = entries.shown.slice(-LABELS);
const saved = entries.saved.slice(-LABELS);
report('annotator.next_item.p99_ms', quantile(shown, 0.99), 'ms', { pool: POOL, labels: shown.length });
report('annotator.next_item.median_ms', quantile(shown, 0.5), 'ms', { pool: POOL });
report('annotator.label_saved.p99_ms', quantile(saved, 0.99), 'ms', { pool: POOL, sync: 'FULL' });
report('annotator.label_saved.median_ms', quantile(saved, 0.5), 'ms', { pool: POOL });
report('annotator.queue_create_1m_ms', createMs, 'ms', { pool: POOL, setupMs: Math.round(setupMs) });
await page.close();
await chrome.close();
await h.close();
