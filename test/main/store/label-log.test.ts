import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueTable } from '../../../main/store/queue-table';
import { Store } from '../../../main/store/store';

let dir: string;
let store: Store;
let datasetId: number;
let sampleIds: number[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-store-'));
  store = Store.open(join(dir, 'lab.db'));
  datasetId = store.datasets.begin({ name: 'd', kind: 'table', format: 'csv', source: 'x.csv' });
  store.datasets.appendBatch(datasetId, 0, Array.from({ length: 10 }, (_, i) => ({ features: new Float32Array([i]), rawType: null, raw: null })));
  store.datasets.finish(datasetId, { columns: [], featureNames: ['x'], shape: null, classes: null });
  sampleIds = (store.db.prepare('SELECT id FROM samples ORDER BY position').all() as { id: number }[]).map((r) => r.id);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the label log', () => {
  it('keeps a correction as a new row with its provenance, and the latest label wins', () => {
    const first = store.labels.append({ sampleId: sampleIds[0], value: 'cat', annotator: 'ada', durationMs: 1234.4, modelVersion: 'm1' });
    const second = store.labels.append({ sampleId: sampleIds[0], value: 'dog', annotator: 'grace' });
    expect(second.id).toBeGreaterThan(first.id);
    const history = store.labels.history(sampleIds[0]);
    expect(history.map((l) => [l.value, l.annotator, l.source, l.durationMs, l.modelVersion])).toEqual([
      ['cat', 'ada', 'annotator', 1234, 'm1'],
      ['dog', 'grace', 'annotator', null, null],
    ]);
    expect(store.labels.latest(sampleIds[0])).toEqual({ value: 'dog', count: 2 });
    expect(store.labels.distribution(datasetId)).toEqual([{ value: 'dog', count: 1 }]);
  });

  it('refuses UPDATE and DELETE on labels, even in raw SQL', () => {
    store.labels.append({ sampleId: sampleIds[1], value: 'cat' });
    expect(() => store.db.prepare("UPDATE labels SET value = 'x'").run()).toThrow(/append-only/);
    expect(() => store.db.prepare('DELETE FROM labels').run()).toThrow(/append-only/);
    expect(store.labels.history(sampleIds[1])).toHaveLength(1);
  });

  it('deleting the dataset removes its labels with it', () => {
    store.labels.append({ sampleId: sampleIds[1], value: 'cat' });
    store.datasets.delete(datasetId);
    expect(store.db.prepare('SELECT count(*) AS n FROM labels').get()).toEqual({ n: 0 });
    expect(store.datasets.list()).toEqual([]);
  });

  it('refuses a label for a missing sample or with an empty value, naming it', () => {
    expect(() => store.labels.append({ sampleId: 999999, value: 'cat' })).toThrow(/Cannot label sample 999999: there is no such sample/);
    expect(() => store.labels.append({ sampleId: sampleIds[0], value: '' })).toThrow(/A label must be a string of 1 to 1000 characters, got ""/);
  });
});

describe('queues', () => {
  it('leases the highest-scoring pending items, never the same item twice, and expired leases come back', () => {
    let now = 1_000_000;
    const queues = new QueueTable(store.db, store.labels, () => now);
    const q = queues.create(datasetId, 'uncertain', 'entropy', 'model-7');
    queues.score(q.id, sampleIds.map((id, i) => ({ sampleId: id, score: i / 10 })));
    expect(queues.peek(q.id, 3).map((i) => i.sampleId)).toEqual([sampleIds[9], sampleIds[8], sampleIds[7]]);
    const ada = queues.lease(q.id, 'ada', 3, 60_000);
    const grace = queues.lease(q.id, 'grace', 3, 60_000);
    expect(ada.map((i) => i.sampleId)).toEqual([sampleIds[9], sampleIds[8], sampleIds[7]]);
    expect(grace.map((i) => i.sampleId)).toEqual([sampleIds[6], sampleIds[5], sampleIds[4]]);
    expect(() => queues.label(q.id, sampleIds[9], 'grace', 'cat')).toThrow(/leased to another annotator/);
    const rec = queues.label(q.id, sampleIds[9], 'ada', 'cat', 800);
    expect([rec.queueId, rec.modelVersion, rec.annotator, rec.durationMs]).toEqual([q.id, 'model-7', 'ada', 800]);
    expect(queues.counts(q.id)).toEqual({ pending: 4, leased: 5, done: 1, skipped: 0 });
    now += 60_001; // every lease expires
    const again = queues.lease(q.id, 'grace', 2, 60_000);
    expect(again.map((i) => i.sampleId)).toEqual([sampleIds[8], sampleIds[7]]);
    // re-scoring keeps a labeled item closed
    queues.score(q.id, [{ sampleId: sampleIds[9], score: 99 }]);
    expect(queues.peek(q.id, 1)[0].sampleId).not.toBe(sampleIds[9]);
  });

  it('reads the next batch off the index, without sorting the queue', () => {
    const q = store.queues.create(datasetId, 'q', 'random');
    const plan = store.db
      .prepare("EXPLAIN QUERY PLAN SELECT sample_id AS sampleId, score FROM queue_items WHERE queue_id = ? AND status = 'pending' ORDER BY score DESC LIMIT ?")
      .all(q.id, 32) as { detail: string }[];
    const details = plan.map((p) => p.detail).join('; ');
    expect(details).toMatch(/USING (COVERING )?INDEX queue_items_next/);
    expect(details).not.toMatch(/TEMP B-TREE/);
  });
});
