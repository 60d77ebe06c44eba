import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installKernelGate, kernelGateBuffer } from '../../../kernels/backends/kernel-gate';

/**
 * The gate's two sides on real threads: the main thread runs tensor kernels, a worker plays the
 * interrupting thread (it only closes and reopens the gate here; terminating is the kernel's job).
 */
const gate = new Int32Array(kernelGateBuffer);

function interrupter(source: string): Worker {
  return new Worker(`const { parentPort, workerData } = require('worker_threads');
const gate = new Int32Array(workerData);
${source}`, { eval: true, workerData: kernelGateBuffer });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  installKernelGate();
});

describe('kernel gate', () => {
  it('is open between kernels and held while one runs', () => {
    expect(Atomics.load(gate, 0)).toBe(0);
    let seen = 99;
    const x = tf.tidy(() => tf.customGrad(((a: tf.Tensor) => {
      seen = Atomics.load(gate, 0);
      return { value: tf.add(a, 1), gradFunc: (dy: tf.Tensor) => dy };
    }) as Parameters<typeof tf.customGrad>[0])(tf.scalar(1)) as tf.Tensor);
    expect(x.dataSync()[0]).toBe(2);
    // customGrad's forward runs inside the op's kernel call, so the gate is held there
    expect(seen).toBe(1);
    expect(Atomics.load(gate, 0)).toBe(0);
  });

  it('holds back a kernel while an interrupt has the gate closed', async () => {
    const w = interrupter(`Atomics.store(gate, 0, -1); parentPort.postMessage('closed');
setTimeout(() => { Atomics.store(gate, 0, 0); Atomics.notify(gate, 0); }, 300);`);
    await new Promise((r) => w.once('message', r));
    const t0 = performance.now();
    const y = tf.add(tf.scalar(2), 3);
    expect(performance.now() - t0).toBeGreaterThan(250);
    expect(y.dataSync()[0]).toBe(5);
    await w.terminate();
  });

  it('lets an interrupt in only once the running kernel is done', async () => {
    const w = interrupter(`parentPort.on('message', () => {
  const t0 = Date.now();
  while (Atomics.compareExchange(gate, 0, 0, -1) !== 0) Atomics.wait(gate, 0, 1, 1);
  const waited = Date.now() - t0;
  Atomics.store(gate, 0, 0);
  parentPort.postMessage(waited);
});
parentPort.postMessage('ready');`);
    await new Promise((r) => w.once('message', r));
    const waited = new Promise<number>((r) => w.once('message', r));
    // a kernel that takes 300 ms on the main thread while the interrupter asks for the gate
    tf.tidy(() => tf.customGrad(((a: tf.Tensor) => {
      w.postMessage('interrupt');
      const until = Date.now() + 300;
      while (Date.now() < until) { /* busy inside the kernel */ }
      return { value: tf.neg(a), gradFunc: (dy: tf.Tensor) => dy };
    }) as Parameters<typeof tf.customGrad>[0])(tf.scalar(1)));
    expect(await waited).toBeGreaterThan(200);
    await w.terminate();
  });
});
