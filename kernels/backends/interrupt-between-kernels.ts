/**
 * The interrupting thread's side of the kernel gate (kernel-gate.ts). Kept free of TensorFlow.js
 * so that a small interrupt worker can load it without the whole library.
 */
export const OPEN = 0;
export const IN_KERNEL = 1;
export const CLOSED = -1;

/**
 * For the interrupting thread: waits until no tensor kernel runs on the main thread, keeps new ones
 * from starting, calls `terminate` (e.g. posting Runtime.terminateExecution), and reopens the
 * gate once the termination has had `graceMs` to land. Pass the main thread's kernelGateBuffer.
 */
export async function interruptBetweenKernels(
  buffer: SharedArrayBuffer,
  terminate: () => unknown,
  options: { graceMs?: number } = {},
): Promise<void> {
  const shared = new Int32Array(buffer);
  while (Atomics.compareExchange(shared, 0, OPEN, CLOSED) !== OPEN) Atomics.wait(shared, 0, IN_KERNEL, 1);
  try {
    await terminate();
    await new Promise((resolve) => setTimeout(resolve, options.graceMs ?? 100));
  } finally {
    Atomics.store(shared, 0, OPEN);
    Atomics.notify(shared, 0);
  }
}
