import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../kernels/backends';
import { matMulColumnBlock } from '../../../kernels/backends/wasm-kernels';

/**
 * Gradients computed on wasm (through the kernels we register there) against the cpu backend's
 * reference kernels, on the same seeded inputs. Values are O(1)..O(10), so 1e-4 absolute is
 * float32 rounding, not an approximation.
 */
async function onBoth(f: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[]; shapes: number[][] }> {
  await tf.setBackend('cpu');
  const cpu = tf.tidy(f);
  const cpuValues = cpu.map((t) => t.dataSync() as Float32Array);
  await tf.setBackend('wasm');
  const wasm = tf.tidy(f);
  const out = { cpu: cpuValues, wasm: wasm.map((t) => t.dataSync() as Float32Array), shapes: wasm.map((t) => t.shape) };
  expect(wasm.map((t) => t.shape)).toEqual(cpu.map((t) => t.shape));
  tf.dispose([...cpu, ...wasm]);
  return out;
}

function expectClose(r: { cpu: Float32Array[]; wasm: Float32Array[] }, tol = 1e-4): void {
  const within = tol === 0 ? (d: number) => d === 0 : (d: number) => d < tol;
  r.cpu.forEach((ref, k) => {
    let worst = 0;
    ref.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - r.wasm[k][i])); });
    expect(within(worst), `result ${k}: largest difference from cpu is ${worst}`).toBe(true);
  });
}

const seeded = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

beforeAll(async () => {
  const info = await initBackend({ force: 'wasm' });
  expect(info.addedKernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'Conv2DBackpropInput']));
});

describe('wasm gradient kernels', () => {
  const convCases: { x: number[]; f: number[]; strides: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 9, 9, 3], f: [3, 3, 3, 4], strides: 1, pad: 'valid' },
    { x: [2, 9, 9, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [2, 9, 10, 3], f: [3, 3, 3, 4], strides: 2, pad: 'same' },
    { x: [2, 11, 9, 2], f: [5, 5, 2, 3], strides: 2, pad: 'valid' },
    { x: [1, 7, 7, 1], f: [4, 4, 1, 2], strides: 3, pad: 'same' },
  ];
  it.each(convCases)('conv2d gradients match cpu for x $x, filter $f, strides $strides, $pad', async (c) => {
    const r = await onBoth(() => {
      const x = seeded(c.x, 1) as tf.Tensor4D;
      const w = seeded(c.f, 2) as tf.Tensor4D;
      const weights = seeded(tf.conv2d(x, w, c.strides, c.pad).shape, 3);
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), weights));
      return tf.grads(loss)([x, w]);
    });
    expectClose(r);
  });

  it('depthwise conv2d gradients match cpu', async () => {
    for (const [strides, pad] of [[1, 'same'], [2, 'valid']] as const) {
      const r = await onBoth(() => {
        const x = seeded([2, 8, 8, 3], 4) as tf.Tensor4D;
        const w = seeded([3, 3, 3, 2], 5) as tf.Tensor4D;
        const weights = seeded(tf.depthwiseConv2d(x, w, strides, pad).shape, 6);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), weights)))([x, w]);
      });
      expectClose(r);
    }
  });

  it('the gradient of gather (embedding lookup) matches cpu, repeated and unused ids included', async () => {
    const r = await onBoth(() => {
      const table = seeded([6, 4], 7);
      const ids = tf.tensor2d([[1, 3, 1], [0, 5, 1]], [2, 3], 'int32');
      const weights = seeded([2, 3, 4], 8);
      return tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)))([table]);
    });
    expectClose(r);
  });

  it('transposed and fused matMul, and the dense-layer gradients that use them, match cpu', async () => {
    const r = await onBoth(() => {
      const a = seeded([24, 40], 9);
      const b = seeded([24, 16], 10);
      const batched = tf.matMul(seeded([3, 8, 5], 11), seeded([3, 6, 5], 12), false, true);
      const fused = tf.fused.matMul({ a, b, transposeA: true, bias: seeded([16], 13), activation: 'relu' });
      const dense = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, activation: 'relu' })))([seeded([12, 24], 14), seeded([24, 16], 15)]);
      return [tf.matMul(a, b, true, false), tf.matMul(b, a, true, false), tf.matMul(a, a, false, true), batched, fused, ...dense];
    });
    expectClose(r);
  });

  it('a matMul whose b outgrows the cache, computed in column blocks, matches cpu', async () => {
    // b of 2048 x 1000 floats is 8 MB: blocks of 512 columns, the last one narrower
    expect(matMulColumnBlock(2048, 1000)).toBe(512);
    expect(matMulColumnBlock(1024, 1024)).toBe(1024);
    const r = await onBoth(() => {
      const b = seeded([2048, 1000], 21);
      const grads = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, w))))([seeded([6, 2048], 22), b]);
      return [tf.matMul(seeded([5, 2048], 23), b), tf.matMul(seeded([2, 3, 2048], 24), seeded([2, 2048, 1000], 25)), ...grads];
    });
    // values reach ~3000 in the gradients: 0.05 is float32 rounding in a different summation
    // order at that size, while a misplaced block would be off by tens
    expectClose(r, 0.05);
  });

  it('maxPool gradients match cpu, ties and overlapping windows included', async () => {
    const cases = [[2, 2, 'valid'], [3, 2, 'same'], [2, 1, 'valid'], [3, 3, 'same']] as const;
    const r = await onBoth(() => cases.flatMap(([size, strides, pad]) => {
      // rounded values make ties common: the first maximum of a window gets the gradient
      const x = tf.round(tf.mul(seeded([2, 7, 9, 3], 19), 2));
      const weights = seeded(tf.maxPool(x as tf.Tensor4D, size, strides, pad).shape, 20);
      return tf.grads((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, size, strides, pad), weights)))([x]);
    }));
    expectClose(r, 1e-5);
  });

  it('slice and gather, which we run heap to heap, match cpu', async () => {
    const r = await onBoth(() => {
      const x = seeded([5, 6, 7, 3], 16);
      const ids = tf.tensor1d([4, 0, 4, 2], 'int32');
      return [
        tf.slice(x, [1, 0, 0, 0], [2, -1, -1, -1]), // contiguous
        tf.slice(x, [0, 2, 1, 1], [5, 3, 4, 2]), // strided rows
        tf.slice(seeded([9], 17), 3, 4),
        tf.gather(x, ids), // rows, as model.fit takes a shuffled batch
        tf.gather(x, ids, 2),
        tf.gather(x, tf.tensor1d([2, 1], 'int32'), 3),
        tf.gather(seeded([2, 4, 3], 18), tf.tensor2d([[3, 0], [1, 1]], [2, 2], 'int32'), 1, 1), // batchDims
      ];
    });
    expectClose(r, 0);
    await tf.setBackend('wasm');
    expect(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([3], 'int32'))).toThrow(/index value 3 is not in \[0, 2\]/);
  });

  it('leaves no tensors behind', () => {
    const x = seeded([2, 8, 8, 3], 1) as tf.Tensor4D;
    const w = seeded([3, 3, 3, 4], 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([x, w, ...g]);
  });
});
