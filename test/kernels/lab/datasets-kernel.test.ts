import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabRequestRouter } from '../../../main/kernels';
import { DatasetService, registerLabData } from '../../../main/store';
import { startTestKernel, type TestKernel } from '../../helpers/kernel';

let dir: string;
let service: DatasetService;
let kernel: TestKernel;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-kernel-datasets-'));
  service = new DatasetService({ file: join(dir, 'lab.db') });
  await service.import({ path: '/work/shared/data/sklearn/iris.csv' });
  const router = new LabRequestRouter();
  registerLabData(router, service);
  kernel = await startTestKernel({ labRequests: router });
}, 120_000);
afterAll(async () => {
  await kernel?.dispose();
  service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('lab.datasets and lab.labels through a real kernel process', () => {
  it('a cell loads a dataset as tensors, labels a sample, and reads its history from the store', async () => {
    const run = await kernel.run(`
      const d = await lab.datasets.load('iris', { seed: 1, testFraction: 0.2 });
      const id = d.idsTest[0];
      const rec = await lab.labels.append(id, '2', { modelVersion: 'softmax-1' });
      const history = await lab.labels.history(id);
      console.log(JSON.stringify({ x: d.xTrain.shape, y: d.yTest.shape, dtype: d.yTrain.dtype, classes: d.classNames, names: (await lab.datasets.list()).map((x) => x.name), source: rec.source, history: history.map((h) => h.source) }));
      d.dispose();
    `);
    expect(run.reply.status, JSON.stringify(run.reply)).toBe('ok');
    const printed = JSON.parse(run.streams.join('').replace(/^stdout:/, ''));
    expect(printed).toEqual({
      x: [120, 4],
      y: [30],
      dtype: 'int32',
      classes: ['setosa', 'versicolor', 'virginica'],
      names: ['iris'],
      source: 'cell',
      history: ['import', 'cell'],
    });
    // main wrote it: the label is in the store with its provenance
    const sampleId = service.load('iris', { seed: 1, testFraction: 0.2 }).idsTest[0];
    expect((await service.labelHistory(sampleId)).at(-1)).toMatchObject({ value: '2', source: 'cell', modelVersion: 'softmax-1' });
  }, 120_000);

  it('a bad request from a cell comes back as an error that names the problem', async () => {
    const run = await kernel.run(`await lab.datasets.load('penguins')`);
    expect(run.reply.status).toBe('error');
    expect(run.reply.evalue).toContain('No dataset named "penguins". The datasets here: "iris"');
  }, 60_000);
});
