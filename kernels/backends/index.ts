/**
 * Picks the fastest TensorFlow.js backend that loads in this process:
 * tensorflow (CUDA, @tensorflow/tfjs-node-gpu) > tensorflow (CPU, @tensorflow/tfjs-node) >
 * wasm (@tensorflow/tfjs-backend-wasm: SIMD, and threads through our pthread loader) > cpu.
 * The native packages are optional dependencies that an offline install drops, so each is tried
 * and skipped, with the reason, when it is missing or fails to load.
 * MLSYS_LAB_BACKEND (or the `force` option) pins one; MLSYS_LAB_WASM_THREADS (or `threads`) sets
 * the wasm thread count, 1 for the single-threaded build.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { installKernelGate } from './kernel-gate';
import { registerWasmKernels } from './wasm-kernels';
import { installPthreadWorker, withLogicalCores } from './wasm-threads';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  /** Our name for what loaded (tensorflow-gpu and tensorflow both register tf backend "tensorflow"). */
  name: BackendName;
  /** tf.getBackend() after loading. */
  tfBackend: string;
  /** Human-readable device, e.g. "CPU (wasm SIMD, 1 thread)" or "CUDA GPU". */
  device: string;
  versions: Record<string, string>;
  /** Backends tried before this one, with why they did not load. */
  skipped: { name: BackendName; reason: string }[];
  /** wasm: whether the SIMD build runs. */
  simd?: boolean;
  /** Threads the backend computes with (wasm: XNNPACK's pool, including the calling thread). */
  threads?: number;
  /** Why fewer threads run than were asked for, e.g. the threaded build failed to start. */
  threadsNote?: string;
  /** Gradient kernels we registered because the backend lacks them. */
  addedKernels?: string[];
}

export interface InitBackendOptions {
  /** One of BACKEND_ORDER, or 'auto'; default MLSYS_LAB_BACKEND, else the first that loads. */
  force?: string;
  /** wasm threads; default MLSYS_LAB_WASM_THREADS, else 1 (see DEFAULT_WASM_THREADS). */
  threads?: number;
}

/** The wasm build's thread pool is 8 workers (PTHREAD_POOL_SIZE), so more threads cannot start. */
const MAX_WASM_THREADS = 8;
/**
 * Threads are opt-in. Every XNNPACK kernel then ends in a barrier that waits for each thread to be
 * scheduled: the labs' many small kernels get slower, and on a busy machine (here: 2 cores, load
 * 20) even large ones do; measured in `npm run bench -- kernel` (the two_threads fields).
 */
const DEFAULT_WASM_THREADS = 1;

export { kernelGateBuffer } from './kernel-gate';
export { interruptBetweenKernels } from './interrupt-between-kernels';

// not named `require`: electron-vite injects its own `require` shim into ES chunks that use require()
const requireHere = createRequire(import.meta.url);

type Loaded = Pick<BackendInfo, 'tfBackend' | 'device' | 'simd' | 'threads' | 'threadsNote' | 'addedKernels'> & {
  versions?: Record<string, string>;
};

function packageVersion(name: string): string {
  return (requireHere(`${name}/package.json`) as { version: string }).version;
}

/** The wasm thread count asked for, validated. */
export function wantedWasmThreads(option: number | undefined): number {
  const raw = option ?? process.env.MLSYS_LAB_WASM_THREADS;
  if (raw === undefined || raw === '') return DEFAULT_WASM_THREADS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new RangeError(`Invalid wasm thread count ${JSON.stringify(raw)} (MLSYS_LAB_WASM_THREADS or the threads option): use an integer from 1 to ${MAX_WASM_THREADS}`);
  }
  return n;
}

/**
 * emscripten installs process listeners at init that rethrow every unhandled rejection as an
 * uncaught exception, which would turn any forgotten promise in a cell into a dead kernel. The
 * kernel decides that policy, so we take back what init added.
 */
async function withoutEmscriptenProcessListeners<T>(init: () => Promise<T>): Promise<T> {
  const events = ['uncaughtException', 'unhandledRejection'];
  const listeners = (e: string) => process.listeners(e as 'exit') as ((...a: unknown[]) => void)[];
  const before = new Map(events.map((e) => [e, new Set(listeners(e))]));
  try {
    return await init();
  } finally {
    for (const e of events) {
      for (const l of listeners(e)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
  }
}

async function loadWasm(threads: number): Promise<Loaded> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = join(dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  wasm.setWasmPaths(dist);
  const addedKernels = registerWasmKernels('wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean;
  let threadsNote: string | undefined;
  const start = async (n: number) => {
    // the stock loader turns threads off under Node; installPthreadWorker makes them start
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', n > 1 && simd);
    wasm.setThreadsCount(n);
    if (n > 1) installPthreadWorker();
    const ok = await withoutEmscriptenProcessListeners(() => withLogicalCores(n, () => tf.setBackend('wasm')));
    if (!ok) throw new Error('tf.setBackend("wasm") returned false');
  };
  if (threads > 1 && !simd) threadsNote = 'the threaded wasm build needs SIMD, which this runtime lacks';
  try {
    await start(threads > 1 && simd ? threads : 1);
  } catch (err) {
    if (!(threads > 1 && simd)) throw err;
    threadsNote = `the threaded wasm build failed to start (${(err as Error).message?.split('\n')[0] ?? err}); running single-threaded`;
    await start(1);
  }
  const actual = wasm.getThreadsCount();
  // an interrupt that lands inside a multi-threaded kernel hangs the next one: see kernel-gate.ts
  if (actual > 1) installKernelGate();
  // pthreads ref their worker while they run, and XNNPACK's run for good: without unref an idle
  // kernel process could never exit on its own
  const module = (tf.backend() as unknown as { wasm: { PThread?: { runningWorkers: { unref(): void }[] } } }).wasm;
  for (const w of module.PThread?.runningWorkers ?? []) w.unref();
  return {
    tfBackend: 'wasm',
    device: `CPU (WebAssembly${simd ? ' SIMD' : ''}, ${actual} thread${actual === 1 ? '' : 's'})`,
    simd,
    threads: actual,
    threadsNote,
    addedKernels,
    versions: { 'tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm') },
  };
}

async function tryLoad(name: BackendName, options: InitBackendOptions): Promise<Loaded> {
  switch (name) {
    case 'tensorflow-gpu':
      requireHere('@tensorflow/tfjs-node-gpu');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tf.setBackend("tensorflow") returned false');
      return { tfBackend: 'tensorflow', device: 'CUDA GPU (libtensorflow)', versions: { 'tfjs-node-gpu': packageVersion('@tensorflow/tfjs-node-gpu') } };
    case 'tensorflow':
      requireHere('@tensorflow/tfjs-node');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tf.setBackend("tensorflow") returned false');
      return { tfBackend: 'tensorflow', device: 'CPU (libtensorflow)', versions: { 'tfjs-node': packageVersion('@tensorflow/tfjs-node') } };
    case 'wasm':
      return loadWasm(wantedWasmThreads(options.threads));
    case 'cpu':
      await tf.setBackend('cpu');
      return { tfBackend: 'cpu', device: 'CPU (plain JavaScript, 1 thread)', threads: 1 };
  }
}

export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  // 'auto' is the setting's value for "no preference"
  const pinned = options.force ?? (process.env.MLSYS_LAB_BACKEND || undefined);
  const force = pinned === 'auto' ? undefined : pinned;
  if (force !== undefined && !BACKEND_ORDER.includes(force as BackendName)) {
    throw new Error(`Unknown backend "${force}" (MLSYS_LAB_BACKEND or the backend setting): choose one of ${BACKEND_ORDER.join(', ')}`);
  }
  const order = force ? [force as BackendName] : BACKEND_ORDER;
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    try {
      const { versions, ...loaded } = await tryLoad(name, options);
      await tf.ready();
      return {
        name,
        ...loaded,
        versions: { tfjs: tf.version.tfjs, ...versions, node: process.versions.node, v8: process.versions.v8 },
        skipped,
      };
    } catch (err) {
      if (err instanceof RangeError) throw err;
      skipped.push({ name, reason: String((err as Error)?.message ?? err).split('\n')[0] });
    }
  }
  throw new Error(`No TensorFlow.js backend could load: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
