import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLabQueueHandlers, QueueService } from '../../../main/queues';
import { SqliteQueueStore } from '../../../main/store/sqlite-queue-store';
import { Store } from '../../../main/store/store';

const open: Store[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function setup(n: number) {
  const store = Store.open(join(mkdtempSync(join(tmpdir(), 'mlsys-labq-')), 'lab.db'));
  open.push(store);
  const datasetId = store.datasets.begin({ name: 'points', kind: 'table', format: 'csv', source: 'test' });
  store.datasets.appendBatch(datasetId, 0, Array.from({ length: n }, (_, i) => ({ features: Float32Array.from([i, i % 3]), rawType: null, raw: null })));
  store.datasets.finish(datasetId, { columns: [], featureNames: ['x', 'y'], shape: null, classes: { a: 'A', b: 'B' } });
  const service = new QueueService(new SqliteQueueStore(store));
  return { store, datasetId, service, lab: createLabQueueHandlers(service), ids: Int32Array.from(store.datasets.page(datasetId, 0, n).map((s) => s.id)) };
}

describe('lab.queues handlers (what cells call through the kernel)', () => {
  it('take a model output as typed arrays and re-rank the queue under the model version', async () => {
    const { lab, datasetId, ids, service } = setup(20);
    const q = await lab['queues.create']({ datasetId, name: 'from a cell', strategy: 'entropy' });
    expect(q.classes).toEqual([{ value: 'a', name: 'A' }, { value: 'b', name: 'B' }]);
    const probabilities = new Float32Array(40);
    ids.forEach((_, i) => probabilities.set(i === 7 ? [0.5, 0.5] : [0.95, 0.05], 2 * i));
    const summary = await lab['queues.publishScores']({ queueId: q.id, modelVersion: 'cell-lr-1', sampleIds: ids, classes: ['a', 'b'], probabilities });
    expect(summary.modelVersion).toBe('cell-lr-1');
    const state = await service.resume(q.id, 'ana');
    expect(state.item!.sampleId).toBe(ids[7]);
    expect((await lab['queues.list'](datasetId)).map((x) => x.name)).toEqual(['from a cell']);
  });

  it('refuse what a cell gets wrong with a message that names it', async () => {
    const { lab, datasetId, ids } = setup(4);
    const q = await lab['queues.create']({ datasetId, name: 'q', strategy: 'margin' });
    const bad = Float32Array.from([0.5, 0.5, NaN, 1, 0, 1, 0, 1]);
    await expect(lab['queues.publishScores']({ queueId: q.id, modelVersion: 'm', sampleIds: ids, classes: ['a', 'b'], probabilities: bad })).rejects.toThrow(
      /lab queues.publishScores: argument 1.probabilities\[2\] must be a finite number, got NaN/,
    );
    await expect(lab['queues.publishScores']({ queueId: q.id, modelVersion: 'm', sampleIds: ids, classes: ['a', 'b'], probabilities: new Float32Array(6) })).rejects.toThrow(
      /got 6 probabilities for 4 samples x 2 classes \(expected 8\)/,
    );
    await expect(lab['queues.create']({ datasetId, name: 'q2', strategy: 'bald' })).rejects.toThrow(/strategy must be one of "random", "least-confidence"/);
  });
});
