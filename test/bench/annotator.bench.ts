/**
 * The annotator's wait: from a key press (a label sent over the real WebSocket) until the next item
 * has arrived, with 1,000,000 samples in the pool. The browser's own drawing of one image is not
 * included; it is a few hundred microseconds next to this.
 */
import { performance } from 'node:perf_hooks';
import { startBrowserMode } from '../helpers/browser-mode';
import { WsClient } from '../helpers/ws-client';
import { quantile, report } from './report';
import type { AnnotatorState, ServerMessage } from '../../main/api';

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
    Array.from({ length: batch }, (_, i) => ({ features: Float32Array.from({ length: DIM }, (_, d) => ((start + i) * (d + 1)) % 17), rawType: 'application/json', raw: JSON.stringify({ id: start + i }) })),
  );
}
store.datasets.finish(datasetId, { columns: [], featureNames: Array.from({ length: DIM }, (_, d) => `f${d}`), shape: null, classes: null });
const setupMs = performance.now() - t0;

const client = await WsClient.connect(`ws://127.0.0.1:${h.server.port}/api?token=${h.server.token}`, { origin: `http://127.0.0.1:${h.server.port}` });
async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  const reply = (await client.call(method, args)) as ServerMessage;
  client.messages.length = 0;
  if (reply.kind === 'error') throw new Error(`${method}: ${reply.error.message}`);
  return (reply as { value: T }).value;
}
const classes = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const t1 = performance.now();
// created in-process: filling a million items takes longer than a WebSocket call should wait
const queue = await h.workspace.queues.create({ datasetId, name: 'bench', strategy: 'margin', classes, target: 2000, overlap: 0.1, refreshEvery: 0 });
const createMs = performance.now() - t1;

let state = await call<AnnotatorState>('queues.resume', queue.id, 'ana');
const times: number[] = [];
for (let i = 0; i < LABELS + WARMUP; i++) {
  const start = performance.now();
  state = await call<AnnotatorState>('queues.label', queue.id, 'ana', state.item!.sampleId, classes[i % 10], { durationMs: 900 });
  if (i >= WARMUP) times.push(performance.now() - start);
}
report('annotator.next_item.p99_ms', quantile(times, 0.99), 'ms', { pool: POOL, labels: LABELS });
report('annotator.next_item.p90_ms', quantile(times, 0.9), 'ms');
report('annotator.next_item.p95_ms', quantile(times, 0.95), 'ms');
report('annotator.next_item.median_ms', quantile(times, 0.5), 'ms', { pool: POOL });
report('annotator.queue_create_1m_ms', createMs, 'ms', { pool: POOL, setupMs: Math.round(setupMs) });
client.close();
await h.close();
