import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Each wasm thread count needs a fresh process (the wasm module initialises once per process), so
 * this runs a small script as a real child process per count, the way the kernel process would.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const outDir = join(root, '.cache', 'test', 'wasm-threads');
const script = join(outDir, 'child.mjs');

const CHILD = `
import * as tf from '@tensorflow/tfjs';
import { initBackend } from ${JSON.stringify(join(root, 'kernels', 'backends', 'index.ts'))};
const info = await initBackend({ force: 'wasm' });
const a = tf.randomNormal([96, 80], 0, 1, 'float32', 1);
const b = tf.randomNormal([80, 112], 0, 1, 'float32', 2);
const product = Array.from(tf.matMul(a, b).dataSync());
const conv = Array.from(tf.conv2d(tf.randomNormal([4, 20, 20, 8], 0, 1, 'float32', 3), tf.randomNormal([3, 3, 8, 16], 0, 1, 'float32', 4), 1, 'same').dataSync());
const pool = tf.backend().wasm.PThread;
console.log(JSON.stringify({ info, product, conv, runningWorkers: pool ? pool.runningWorkers.length : 0 }));
// no process.exit: the process must end on its own once the event loop is empty
`;

/**
 * A cell's synchronous loop of multi-threaded matMuls, interrupted again and again the way a
 * kernel would: another thread takes the kernel gate, then terminates JavaScript on the main thread
 * (here by SIGINT into vm's breakOnSigint, a terminateExecution like the inspector's). Without the
 * gate, termination lands inside XNNPACK's parallel region and the next matMul hangs for good.
 */
const INTERRUPTED = `
import * as tf from '@tensorflow/tfjs';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { initBackend, kernelGateBuffer } from ${JSON.stringify(join(root, 'kernels', 'backends', 'index.ts'))};
await initBackend({ force: 'wasm', threads: 2 });
const a = tf.randomNormal([512, 512]);
const context = vm.createContext({ tf, a });
const interrupter = new Worker(${JSON.stringify(join(outDir, 'interrupter.mjs'))}, { workerData: kernelGateBuffer });
await new Promise((r) => interrupter.once('message', r));
let interrupts = 0;
for (let k = 0; k < 3; k++) {
  const done = new Promise((r) => interrupter.once('message', r));
  interrupter.postMessage(30 + 17 * k);
  try { vm.runInContext('for (;;) tf.tidy(() => tf.matMul(a, a).dataSync());', context, { breakOnSigint: true }); }
  catch (e) { if (/interrupted/.test(e.message)) interrupts++; }
  await done;
  tf.tidy(() => tf.matMul(a, a).dataSync());
}
console.log(JSON.stringify({ interrupts }));
await interrupter.terminate();
`;

const INTERRUPTER = `
import { parentPort, workerData } from 'node:worker_threads';
import { interruptBetweenKernels } from ${JSON.stringify(join(root, 'kernels', 'backends', 'interrupt-between-kernels.ts'))};
parentPort.on('message', (ms) => setTimeout(async () => {
  await interruptBetweenKernels(workerData, () => process.kill(process.pid, 'SIGINT'));
  parentPort.postMessage('done');
}, ms));
parentPort.postMessage('ready');
`;

type ChildResult = { info: { threads: number; device: string; threadsNote?: string }; product: number[]; conv: number[]; runningWorkers: number };

function runChild(threads: number, file = script): ChildResult {
  const r = spawnSync(process.execPath, [file], {
    env: { ...process.env, MLSYS_LAB_WASM_THREADS: String(threads) },
    encoding: 'utf8',
    timeout: 80_000,
    maxBuffer: 64 << 20,
  });
  expect(r.error, 'child process ended on its own').toBeUndefined();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

beforeAll(async () => {
  mkdirSync(outDir, { recursive: true });
  for (const [name, source] of [['child', CHILD], ['interrupted', INTERRUPTED], ['interrupter', INTERRUPTER]]) {
    writeFileSync(join(outDir, `${name}.ts`), source);
    await build({
      entryPoints: [join(outDir, `${name}.ts`)], outfile: join(outDir, `${name}.mjs`), bundle: true, platform: 'node',
      format: 'esm', target: 'node20', packages: 'external', logLevel: 'error',
    });
  }
});

describe('wasm threads', () => {
  it('run the threaded build with two threads under Node, giving the single-threaded results', () => {
    const two = runChild(2);
    expect(two.info.threadsNote).toBeUndefined();
    expect(two.info.threads).toBe(2);
    expect(two.info.device).toBe('CPU (WebAssembly SIMD, 2 threads)');
    // XNNPACK's pool: the calling thread plus one pthread worker, running
    expect(two.runningWorkers).toBe(1);

    const one = runChild(1);
    expect(one.info.threads).toBe(1);
    expect(one.runningWorkers).toBe(0);
    expect(two.product.length).toBe(96 * 112);
    // values are O(10); a different split of the sums changes only float32 rounding
    expect(maxDiff(two.product, one.product)).toBeLessThan(1e-3);
    expect(maxDiff(two.conv, one.conv)).toBeLessThan(1e-3);
  }, 90_000);

  it('survive interrupts between kernels: the kernel gate keeps termination out of the thread pool', () => {
    const r = runChild(2, join(outDir, 'interrupted.mjs')) as unknown as { interrupts: number };
    expect(r.interrupts).toBe(3);
  }, 90_000);
});
