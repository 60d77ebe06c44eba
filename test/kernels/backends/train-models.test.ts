import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, initBackend } from '../../../kernels/backends';

/**
 * The kinds of model the labs train, fitted with the standard tf.LayersModel.fit on every backend
 * that loads here. The task is learnable from a few hundred samples (which half of a small image
 * holds a bright blob; which token pair a sequence holds), so a model that trains at all must
 * lower its loss clearly within a few epochs.
 */
const available: BackendName[] = [];

beforeAll(async () => {
  for (const name of ['tensorflow', 'wasm', 'cpu'] as const) {
    try {
      await initBackend({ force: name });
      available.push(name);
    } catch {
      // not installed here (the native package is optional)
    }
  }
  expect(available).toEqual(expect.arrayContaining(['wasm', 'cpu']));
});

function blobImages(n: number, size: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const side = tf.randomUniform([n], 0, 2, 'int32', 11) as tf.Tensor1D;
    const cols = tf.range(0, size).reshape([1, 1, size, 1]);
    const left = tf.less(cols, size / 2);
    const onSide = tf.logicalXor(left, tf.cast(side.reshape([n, 1, 1, 1]), 'bool'));
    const noise = tf.randomNormal([n, size, size, 1], 0, 0.3, 'float32', 12);
    const x = tf.add(tf.mul(tf.cast(onSide, 'float32'), 1), noise) as tf.Tensor4D;
    return { x, y: tf.oneHot(side, 2) as tf.Tensor2D };
  });
}

async function lossDrop(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, epochs: number): Promise<{ first: number; last: number }> {
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const h = await model.fit(x, y, { batchSize: 32, epochs, shuffle: false, verbose: 0 });
  const loss = h.history.loss as number[];
  return { first: loss[0], last: loss[loss.length - 1] };
}

describe.each(['tensorflow', 'wasm', 'cpu'] as const)('training on %s', (backend) => {
  beforeAll(async () => {
    if (available.includes(backend)) await tf.setBackend(backend === 'tensorflow' ? 'tensorflow' : backend);
  });

  it('fits a CNN (conv, maxpool, conv, maxpool, dense): the loss falls', async (ctx) => {
    if (!available.includes(backend)) ctx.skip();
    const { x, y } = blobImages(96, 10);
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ] });
    const { first, last } = await lossDrop(model, x, y, 4);
    expect(last).toBeLessThan(first * 0.6);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('fits a separable-conv and batch-norm model: the loss falls', async (ctx) => {
    if (!available.includes(backend)) ctx.skip();
    const { x, y } = blobImages(192, 12);
    const model = tf.sequential({ layers: [
      tf.layers.separableConv2d({ inputShape: [12, 12, 1], filters: 8, kernelSize: 3, strides: 2, activation: 'relu', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 4 }), pointwiseInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
      tf.layers.batchNormalization(),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }),
    ] });
    const { first, last } = await lossDrop(model, x, y, 6);
    expect(last).toBeLessThan(first * 0.8);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('fits an embedding model: the loss falls', async (ctx) => {
    if (!available.includes(backend)) ctx.skip();
    const n = 256;
    const { x, y } = tf.tidy(() => {
      const tokens = tf.randomUniform([n, 6], 0, 20, 'int32', 21);
      // class: whether token 7 occurs in the sequence
      const label = tf.cast(tf.any(tf.equal(tokens, 7), 1), 'int32') as tf.Tensor1D;
      return { x: tf.cast(tokens, 'float32'), y: tf.oneHot(label, 2) };
    });
    const model = tf.sequential({ layers: [
      tf.layers.embedding({ inputDim: 20, outputDim: 8, inputLength: 6, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 7 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
      tf.layers.dropout({ rate: 0.1 }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }) }),
    ] });
    const { first, last } = await lossDrop(model, x, y, 8);
    expect(last).toBeLessThan(first * 0.8);
    tf.dispose([x, y]);
    model.dispose();
  });
});
