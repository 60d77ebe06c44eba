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

type ChildResult = { info: { threads: number; device: string; threadsNote?: string }; product: number[]; conv: number[]; runningWorkers: number };

function runChild(threads: number): ChildResult {
  const r = spawnSync(process.execPath, [script], {
    env: { ...process.env, MLSYS_LAB_WASM_THREADS: String(threads) },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 << 20,
  });
  expect(r.error, 'child process ended on its own').toBeUndefined();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

beforeAll(async () => {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'child.ts'), CHILD);
  await build({
    entryPoints: [join(outDir, 'child.ts')], outfile: script, bundle: true, platform: 'node', format: 'esm',
    target: 'node20', packages: 'external', logLevel: 'error',
  });
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
  });
});
