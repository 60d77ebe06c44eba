/**
 * The store's figures (issue 5): CSV import throughput at 1M rows x 16 float features, next-batch
 * latency over a 1M-item queue, and the latency of one label committed as its own transaction
 * with synchronous=FULL. Everything runs on a real file in a temporary folder on the same disk.
 */
import { closeSync, createWriteStream, fsyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Store } from '../../main/store/store';
import { importDataset } from '../../main/store/import/importer';
import { seededRandom } from '../../main/queues/strategies/seeded-random';
import { quantile, report } from './report';

const ROWS = Number(process.env.STORE_BENCH_ROWS ?? 1_000_000);
const FEATURES = 16;
const dir = mkdtempSync(join(tmpdir(), 'mlsys-store-bench-'));
try {
  // a CSV like a real export: a header, 16 float columns with 4-6 significant digits
  const csv = join(dir, 'features.csv');
  const out = createWriteStream(csv);
  const rand = seededRandom(1);
  out.write(Array.from({ length: FEATURES }, (_, i) => `f${i}`).join(',') + '\n');
  for (let r = 0; r < ROWS; r += 1000) {
    let chunk = '';
    for (let k = 0; k < 1000 && r + k < ROWS; k++) {
      const row: string[] = new Array(FEATURES);
      for (let f = 0; f < FEATURES; f++) row[f] = ((rand() - 0.5) * 200).toFixed(3);
      chunk += row.join(',') + '\n';
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');

  const store = Store.open(join(dir, 'lab.db'));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const imported = await importDataset(store, { path: csv });
  const importS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  // on a shared machine wall time includes waiting for a core; rows per CPU-second does not
  report('store.import.rows_per_s', imported.imported / importS, 'rows/s', {
    rows: imported.imported,
    features: FEATURES,
    seconds: Number(importS.toFixed(2)),
    cpu_seconds: Number(cpuS.toFixed(2)),
    rows_per_cpu_s: Math.round(imported.imported / cpuS),
    csv_mb: Math.round(statSync(csv).size / 1e6),
  });

  // a queue over every sample, scored at random (as an uncertainty strategy would)
  const datasetId = imported.dataset.id;
  const ids = (store.db.prepare('SELECT id FROM samples WHERE dataset_id = ?').pluck().all(datasetId) as number[]);
  const q = store.queues.create(datasetId, 'bench', 'random');
  const t1 = performance.now();
  store.queues.score(q.id, ids.map((sampleId) => ({ sampleId, score: rand() })));
  report('store.queue.score_rows_per_s', ids.length / ((performance.now() - t1) / 1000), 'rows/s', { items: ids.length });

  // next batch: the 32 pending items with the highest score; between reads an annotator leases
  // a batch, so every read finds a new top
  const next: number[] = [];
  const lease: number[] = [];
  for (let i = 0; i < 1200; i++) {
    const a = performance.now();
    const batch = store.queues.peek(q.id, 32);
    const b = performance.now();
    if (batch.length !== 32) throw new Error(`next batch returned ${batch.length} items`);
    store.queues.lease(q.id, `annotator-${i % 4}`, 32, 60_000);
    const c = performance.now();
    if (i >= 200) {
      next.push(b - a);
      lease.push(c - b);
    }
  }
  report('store.next_batch.median_ms', quantile(next, 0.5), 'ms', { queue_items: ids.length, batch: 32 });
  report('store.next_batch.p99_ms', quantile(next, 0.99), 'ms', { queue_items: ids.length, batch: 32 });
  report('store.lease.p99_ms', quantile(lease, 0.99), 'ms', { note: 'expire + select + lease 32 in one transaction (synchronous=NORMAL: a lost lease only returns to the queue)' });

  // the disk's own fsync latency, as the peer of a FULL commit (which is one fsync of the WAL)
  const fsyncs: number[] = [];
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  for (let i = 0; i < 300; i++) {
    writeSync(fd, Buffer.alloc(4096, i), 0, 4096, (i % 16) * 4096);
    const a = performance.now();
    fsyncSync(fd);
    fsyncs.push(performance.now() - a);
  }
  closeSync(fd);
  report('store.disk_fsync.p50_ms', quantile(fsyncs, 0.5), 'ms', { note: 'peer: one 4 KiB write + fsync on the same disk' });
  report('store.disk_fsync.p99_ms', quantile(fsyncs, 0.99), 'ms');

  // one label per transaction, synchronous=FULL: durable when append() returns
  const commit: number[] = [];
  for (let i = 0; i < 1200; i++) {
    const a = performance.now();
    store.labels.append({ sampleId: ids[(i * 7919) % ids.length], value: `c${i % 10}`, annotator: 'bench', durationMs: 1000 });
    if (i >= 200) commit.push(performance.now() - a);
  }
  if (store.db.pragma('synchronous', { simple: true }) !== 2) throw new Error('label commits must run with synchronous=FULL');
  report('store.label_commit.p50_ms', quantile(commit, 0.5), 'ms', { synchronous: 'FULL', journal_mode: 'wal' });
  report('store.label_commit.p99_ms', quantile(commit, 0.99), 'ms', { synchronous: 'FULL', journal_mode: 'wal' });
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
