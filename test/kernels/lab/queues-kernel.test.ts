import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabRequestRouter } from '../../../main/kernels';
import { QueueService, registerLabQueues } from '../../../main/queues';
import { DatasetService, lazySqliteQueueStore, registerLabData } from '../../../main/store';
import { startTestKernel, type TestKernel } from '../../helpers/kernel';

let dir: string;
let datasets: DatasetService;
let queues: QueueService;
let kernel: TestKernel;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-kernel-queues-'));
  datasets = new DatasetService({ file: join(dir, 'lab.db') });
  await datasets.import({ path: '/work/shared/data/sklearn/iris.csv' });
  queues = new QueueService(lazySqliteQueueStore(() => datasets.store));
  const router = new LabRequestRouter();
  registerLabData(router, datasets);
  registerLabQueues(router, queues);
  kernel = await startTestKernel({ labRequests: router });
}, 120_000);
afterAll(async () => {
  queues?.dispose();
  await kernel?.dispose();
  datasets?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a cell printed as JSON on its last stdout line. */
function printed(run: { streams: string[] }): unknown {
  const text = run.streams.filter((s) => s.startsWith('stdout:')).map((s) => s.slice(7)).join('');
  return JSON.parse(text.trim().split('\n').at(-1)!);
}

describe('lab.queues through a real kernel process and a real SQLite store', () => {
  it('a cell opens a queue, publishes a model, and the annotator is asked the most ambiguous sample first; the simulated oracle labels a batch', async () => {
    const run = await kernel.run(`
      import * as tf from '@tensorflow/tfjs';
      const d = await lab.datasets.load('iris', { testFraction: 0 });
      const q = await lab.queues.open({ dataset: 'iris', name: 'iris margin', strategy: 'margin', refreshEvery: 0, overlap: 0 });
      const again = await lab.queues.open({ dataset: 'iris', name: 'iris margin' });
      // a made-up model: sure about everything but the sample at row 7, torn between two classes
      const n = d.idsTrain.length;
      const p = tf.tensor2d(Array.from({ length: n }, (_, i) => (i === 7 ? [0.45, 0.45, 0.1] : [0.9, 0.05, 0.05])));
      const after = await lab.queues.publish(q, { modelVersion: 'made-up-1', sampleIds: d.idsTrain, probabilities: p });
      const batch = await lab.queues.take(q, 2);
      const labeled = await lab.queues.label(q, batch.map((b) => ({ sampleId: b.sampleId, value: '1' })));
      const ls = await lab.queues.labels(q);
      console.log(JSON.stringify({ same: again.id === q.id, version: after.modelVersion, first: batch[0].sampleId === d.idsTrain[7], done: labeled.counts.done, annotators: ls.annotators, values: ls.values, ambiguous: d.idsTrain[7] }));
      d.dispose();
    `);
    expect(run.reply.status, JSON.stringify(run.reply)).toBe('ok');
    const out = printed(run) as { same: boolean; version: string; first: boolean; done: number; annotators: string[]; values: string[]; ambiguous: number };
    expect(out).toMatchObject({ same: true, version: 'made-up-1', first: true, done: 2, annotators: ['cell:oracle', 'cell:oracle'], values: ['1', '1'] });
    // main wrote them: in SQLite, with the queue and the model version that chose the item
    const [q] = await queues.list();
    const history = await datasets.labelHistory(out.ambiguous);
    expect(history.at(-1)).toMatchObject({ value: '1', source: 'annotator', modelVersion: 'made-up-1' });
    expect(q.counts.done).toBe(2);
  }, 120_000);

  it('keepFresh retrains in the background after every N labels from the annotator screen, and the new model version ranks the queue', async () => {
    const start = await kernel.run(`
      const fresh = await lab.queues.open({ dataset: 'iris', name: 'iris refresh', strategy: 'least-confidence', refreshEvery: 3 });
      const pool = await lab.datasets.load('iris', { testFraction: 0 });
      const poolIds = pool.idsTrain;
      pool.dispose();
      // "retraining": confidence grows with the number of labels, so each version scores differently
      const loop = lab.queues.keepFresh(fresh, ({ labels }) => ({
        modelVersion: 'iris-v' + labels.count,
        sampleIds: poolIds,
        probabilities: poolIds.map((id) => { const c = Math.min(0.98, 0.4 + 0.1 * labels.count + (id % 5) / 100); return [c, (1 - c) / 2, (1 - c) / 2]; }),
      }));
      console.log(JSON.stringify({ id: fresh.id }));
    `);
    expect(start.reply.status, JSON.stringify(start.reply)).toBe('ok');
    const queueId = (printed(start) as { id: number }).id;
    // a person labels 3 items through the annotator API; the cell has finished, the kernel is idle
    let state = await queues.resume(queueId, 'ana');
    for (let i = 0; i < 3; i++) state = await queues.label(queueId, 'ana', state.item!.sampleId, '0');
    await expect.poll(async () => (await queues.get(queueId)).modelVersion, { timeout: 30_000, interval: 50 }).toBe('iris-v3');
    // the next item the annotator is shown carries the new model's suggestion
    const after = await queues.resume(queueId, 'ana');
    expect(after.next?.suggestion).toMatchObject({ value: '0' });
    const done = await kernel.run(`const v = await loop.trainedOn(3, 5000); loop.stop(); console.log(JSON.stringify(v));`);
    expect(printed(done)).toEqual({ modelVersion: 'iris-v3', labels: 3 });
  }, 120_000);

  it('a wait for people ends at its timeout with what arrived, and bad arguments come back named', async () => {
    const run = await kernel.run(`
      const q = await lab.queues.open({ dataset: 'iris', name: 'iris margin' });
      const t0 = Date.now();
      const r = await lab.queues.waitForLabels(q, 20, { timeoutMs: 200 });
      console.log(JSON.stringify({ ...r, quick: Date.now() - t0 < 5000 }));
    `);
    expect(run.reply.status, JSON.stringify(run.reply)).toBe('ok');
    // this workspace is interactive: nobody labels, so the wait times out with what arrived (none by people)
    expect(printed(run)).toEqual({ byPeople: 0, timedOut: true, interactive: true, quick: true });
    // a lab puts its data in the store once: importing under the same name again finds it
    const again = await kernel.run(`const d = await lab.datasets.import('/work/shared/data/sklearn/iris.csv', { name: 'iris' }); console.log(JSON.stringify({ id: d.id, n: (await lab.datasets.list()).length }))`);
    expect(printed(again)).toEqual({ id: 1, n: 1 });
    const relative = await kernel.run(`await lab.datasets.import('no-such-file.csv', { name: 'nothing' })`);
    expect(relative.reply.evalue).toMatch(/no-such-file\.csv/);
    const bad = await kernel.run(`await lab.queues.open({ dataset: 'penguins', name: 'x' })`);
    expect(bad.reply.evalue).toContain('No dataset named "penguins"');
    const bad2 = await kernel.run(`await lab.queues.label(1, [{ sampleId: 1, value: 'tiger' }])`);
    expect(bad2.reply.evalue).toMatch(/"tiger" \(sample 1\) is not a class of queue "iris margin"/);
  }, 60_000);
});
