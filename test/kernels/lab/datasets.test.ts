import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatasetsLabApi } from '../../../kernels/lab/datasets';
import { createLabDataHandlers, DatasetService, type LabDataMethod } from '../../../main/store';

let dir: string;
let service: DatasetService;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'mlsys-kernel-data-'));
  service = new DatasetService({ file: join(dir, 'lab.db') });
  await service.import({ path: '/work/shared/data/sklearn/iris.csv', labelColumn: -1 });
  await service.import({ path: '/work/shared/data/fashion-mnist/t10k-images-idx3-ubyte.gz', limit: 500, name: 'fashion' });
});
afterAll(() => {
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Main's handlers behind a structured-clone boundary, as the kernel's IPC channel carries them. */
function boundary() {
  const handlers = createLabDataHandlers(service);
  return async (method: string, args: unknown[]) => deserialize(serialize(await handlers[method as LabDataMethod](...(deserialize(serialize(args)) as unknown[]))));
}

describe('lab.datasets and lab.labels in a cell', () => {
  it('load a table dataset as tensors, split with a seed', async () => {
    const lab = createDatasetsLabApi(() => tf, boundary());
    expect((await lab.datasets.list()).map((d) => d.name)).toEqual(['iris', 'fashion']);
    const iris = await lab.datasets.load('iris', { seed: 3 });
    expect(iris.xTrain.shape).toEqual([120, 4]);
    expect(iris.yTest.shape).toEqual([30]);
    expect(iris.yTrain.dtype).toBe('int32');
    // a logistic-regression-sized sanity check: the per-class feature means differ
    const means = await tf.tidy(() => tf.stack([0, 1, 2].map((c) => tf.mean(tf.gather(iris.xTrain, tf.tensor1d(Array.from(iris.yTrain.dataSync()).flatMap((y, i) => (y === c ? [i] : [])), 'int32')), 0)))).array();
    expect((means as number[][])[0][2]).toBeLessThan((means as number[][])[2][2]);
    iris.dispose();
  });

  it('load images with their shape, scaled, and label a sample with provenance', async () => {
    const lab = createDatasetsLabApi(() => tf, boundary());
    const before = tf.memory().numTensors;
    const f = await lab.datasets.load('fashion', { scale: 255, testFraction: 0.1 });
    expect(f.xTrain.shape).toEqual([450, 28, 28, 1]);
    expect(f.classNames[9]).toBe('Ankle boot');
    expect(tf.tidy(() => tf.max(f.xTrain).dataSync()[0])).toBeLessThanOrEqual(1);
    const id = f.idsTest[0];
    const rec = await lab.labels.append(id, '3', { modelVersion: 'cnn-2' });
    expect(rec).toMatchObject({ sampleId: id, value: '3', source: 'cell', modelVersion: 'cnn-2' });
    expect((await lab.labels.history(id)).map((l) => [l.value, l.source])).toEqual([
      [f.classes[f.yTest.dataSync()[0]], 'import'],
      ['3', 'cell'],
    ]);
    f.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
