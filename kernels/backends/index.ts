/**
 * Picks the fastest TensorFlow.js backend that loads in this process:
 * tensorflow (CUDA, @tensorflow/tfjs-node-gpu) > tensorflow (CPU, @tensorflow/tfjs-node) >
 * wasm (@tensorflow/tfjs-backend-wasm) > cpu. The native packages are optional dependencies that
 * an offline install drops, so each is tried and skipped when it is missing or fails to load.
 * MLSYS_LAB_BACKEND (or the `force` option) pins one.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

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
}

// not named `require`: electron-vite injects its own `require` shim into ES chunks that use require()
const requireHere = createRequire(import.meta.url);

async function tryLoad(name: BackendName): Promise<{ tfBackend: string; device: string }> {
  switch (name) {
    case 'tensorflow-gpu':
      requireHere('@tensorflow/tfjs-node-gpu');
      await tf.setBackend('tensorflow');
      return { tfBackend: 'tensorflow', device: 'CUDA GPU (libtensorflow)' };
    case 'tensorflow':
      requireHere('@tensorflow/tfjs-node');
      await tf.setBackend('tensorflow');
      return { tfBackend: 'tensorflow', device: 'CPU (libtensorflow)' };
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(join(dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
      if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
      return { tfBackend: 'wasm', device: 'CPU (WebAssembly)' };
    }
    case 'cpu':
      await tf.setBackend('cpu');
      return { tfBackend: 'cpu', device: 'CPU (plain JavaScript)' };
  }
}

export async function initBackend(options: { force?: string } = {}): Promise<BackendInfo> {
  const force = options.force ?? process.env.MLSYS_LAB_BACKEND;
  if (force !== undefined && !BACKEND_ORDER.includes(force as BackendName)) {
    throw new Error(`Unknown backend "${force}": choose one of ${BACKEND_ORDER.join(', ')}`);
  }
  const order = force ? [force as BackendName] : BACKEND_ORDER;
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    try {
      const { tfBackend, device } = await tryLoad(name);
      await tf.ready();
      return { name, tfBackend, device, versions: { tfjs: tf.version.tfjs, node: process.versions.node }, skipped };
    } catch (err) {
      skipped.push({ name, reason: (err as Error).message.split('\n')[0] });
    }
  }
  throw new Error(`No TensorFlow.js backend could load: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
