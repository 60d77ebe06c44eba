/**
 * The interrupting thread's side of the kernel gate (kernel-gate.ts). Kept free of TensorFlow.js
 * so that the kernel's watchdog thread can load it without the whole library.
 */
export const OPEN = 0;
export const IN_KERNEL = 1;
export const CLOSED = -1;

/** The gate's state, shared by the kernel's main thread and its interrupting thread (pass it in workerData). */
export const kernelGateBuffer = new SharedArrayBuffer(4);

/**
 * Waits until no tensor kernel runs on the main thread and closes the gate, so none starts; false
 * when one is still running after `timeoutMs`. Blocks the calling thread (never the main one).
 */
export function closeGate(buffer: SharedArrayBuffer, timeoutMs = Infinity): boolean {
  const shared = new Int32Array(buffer);
  const deadline = performance.now() + timeoutMs;
  while (Atomics.compareExchange(shared, 0, OPEN, CLOSED) !== OPEN) {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(shared, 0, IN_KERNEL, Math.min(left, 1));
  }
  return true;
}

/** Reopens the gate closed by closeGate and wakes a main thread waiting at it. */
export function openGate(buffer: SharedArrayBuffer): void {
  const shared = new Int32Array(buffer);
  Atomics.store(shared, 0, OPEN);
  Atomics.notify(shared, 0);
}

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
  closeGate(buffer);
  try {
    await terminate();
    await new Promise((resolve) => setTimeout(resolve, options.graceMs ?? 100));
  } finally {
    openGate(buffer);
  }
}
