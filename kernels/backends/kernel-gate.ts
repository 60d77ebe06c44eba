/**
 * Lets a kernel be interrupted safely while wasm runs on several threads.
 *
 * A cell is interrupted by terminating JavaScript on the kernel's main thread (Node's inspector
 * Runtime.terminateExecution, from another thread). When that lands inside a multi-threaded wasm
 * kernel, the main thread leaves XNNPACK's thread pool mid-barrier, and the next parallel kernel
 * waits forever: the kernel process hangs. Single-threaded wasm and the other backends survive it.
 *
 * The gate closes that window: the main thread holds it while a tensor kernel runs, and the
 * interrupting thread takes it (waiting out the running kernel, a few ms at most) before it
 * terminates, so termination lands between kernels, where the pool is idle.
 *
 * States of the shared Int32: 0 open, 1 a kernel runs on the main thread, -1 closed by an interrupt.
 */
import * as tf from '@tensorflow/tfjs';
import { CLOSED, IN_KERNEL, kernelGateBuffer, OPEN } from './interrupt-between-kernels';

export { kernelGateBuffer };
const gate = new Int32Array(kernelGateBuffer);

let installed = false;

/** Makes every top-level tensor kernel on this (the main) thread hold the gate while it runs. */
export function installKernelGate(): void {
  if (installed) return;
  installed = true;
  const engine = tf.engine() as unknown as { runKernelFunc: (params: unknown) => unknown };
  const runKernelFunc = engine.runKernelFunc.bind(engine);
  let depth = 0;
  engine.runKernelFunc = (params: unknown) => {
    if (depth === 0) {
      // closed: an interrupt is on its way; its termination lands in this loop, between kernels
      while (Atomics.compareExchange(gate, 0, OPEN, IN_KERNEL) !== OPEN) Atomics.wait(gate, 0, CLOSED, 1);
    }
    depth++;
    try {
      return runKernelFunc(params);
    } finally {
      if (--depth === 0) {
        Atomics.store(gate, 0, OPEN);
        Atomics.notify(gate, 0);
      }
    }
  };
}
