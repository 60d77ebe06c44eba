import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installKernelGate, kernelGateBuffer } from '../../../kernels/backends/kernel-gate';

/**
 * The gate's two sides on real threads: the main thread runs tensor kernels, a worker plays the
 * interrupting thread (it only closes and reopens the gate here; terminating is the kernel's job).
 */
const gate = new Int32Array(kernelGateBuffer);

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
    const reopened = new Int32Array(new SharedArrayBuffer(4));
    const w = new Worker(`const { parentPort, workerData } = require('worker_threads');
const gate = new Int32Array(workerData.gate);
const reopened = new Int32Array(workerData.reopened);
Atomics.store(gate, 0, -1);
parentPort.postMessage('closed');
setTimeout(() => { Atomics.store(reopened, 0, 1); Atomics.store(gate, 0, 0); Atomics.notify(gate, 0); }, 200);`,
    { eval: true, workerData: { gate: kernelGateBuffer, reopened: reopened.buffer } });
    await new Promise((r) => w.once('message', r));
    const y = tf.add(tf.scalar(2), 3);
    // the kernel could only run once the interrupter had reopened the gate
    expect(Atomics.load(reopened, 0)).toBe(1);
    expect(y.dataSync()[0]).toBe(5);
    await w.terminate();
  });

  it('lets an interrupt in only once the running kernel is done', async () => {
    // flags[0]: the interrupter is asking for the gate; flags[1]: the kernel has finished its work
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const w = new Worker(`const { parentPort, workerData } = require('worker_threads');
const gate = new Int32Array(workerData.gate);
const flags = new Int32Array(workerData.flags);
parentPort.on('message', () => {
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
  while (Atomics.compareExchange(gate, 0, 0, -1) !== 0) Atomics.wait(gate, 0, 1, 1);
  const kernelDone = Atomics.load(flags, 1);
  Atomics.store(gate, 0, 0);
  parentPort.postMessage(kernelDone);
});
parentPort.postMessage('ready');`, { eval: true, workerData: { gate: kernelGateBuffer, flags: flags.buffer } });
    await new Promise((r) => w.once('message', r));
    const kernelDoneWhenLetIn = new Promise<number>((r) => w.once('message', r));
    tf.tidy(() => tf.customGrad(((a: tf.Tensor) => {
      // inside the kernel: wait until the interrupter is asking, then keep working a while
      w.postMessage('interrupt');
      Atomics.wait(flags, 0, 0, 10_000);
      const until = Date.now() + 100;
      while (Date.now() < until) { /* busy inside the kernel */ }
      Atomics.store(flags, 1, 1);
      return { value: tf.neg(a), gradFunc: (dy: tf.Tensor) => dy };
    }) as Parameters<typeof tf.customGrad>[0])(tf.scalar(1)));
    expect(await kernelDoneWhenLetIn).toBe(1);
    await w.terminate();
  });
});
