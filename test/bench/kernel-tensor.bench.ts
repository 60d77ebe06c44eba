/**
 * Tensor speed of the kernel's backend: float32 matmul GFLOPS at n = 256..2048, and training
 * throughput of the two reference models (784-128-10 MLP, batch 128; conv 3x3x16, maxpool,
 * conv 3x3x32, maxpool, dense 10 on 28x28x1, batch 64) on synthetic MNIST-shaped data, one epoch
 * after a warm-up, through the standard tf.LayersModel.fit.
 *
 * The same workloads also run in child processes on plain TF.js wasm (one thread, its stock
 * kernels; for the CNN plus our Conv2DBackpropFilter, without which it cannot train at all) and on
 * our wasm with two threads, so each line carries the baseline measured in the same run and the
 * ratio; the matmul lines also carry the same product as a plain JavaScript loop (`plain_js`, up
 * to n = 1024). Each figure also comes per CPU-second of the process (`per_cpu_s`): on a shared machine
 * wall time swells with other people's load, CPU time much less.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../kernels/backends';
import { registerWasmKernels } from '../../kernels/backends/wasm-kernels';
import { quantile, report } from './report';

type Figures = Record<string, { wall: number; cpu: number }>;
const CHILD_FLAG = '--child';

async function usePlainWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  registerWasmKernels('wasm', { replaceSlow: false });
  if (!(await tf.setBackend('wasm'))) throw new Error('plain wasm did not load');
  return 'wasm (plain TF.js, 1 thread)';
}

/** Rate per wall second and per CPU second (all threads) of `work` units done by `run`. */
async function rate(work: number, run: () => Promise<unknown> | unknown): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall: work / wall, cpu: work / ((c.user + c.system) / 1e6) };
}

/**
 * One n x n float32 product, timed until its values are readable (dataSync: on wasm and tfjs-node
 * the product is computed inside matMul, and dataSync is a copy of n^2 floats; on an async backend
 * it is the wait for the result). Not inside tf.tidy: tidy walks whatever its function returns,
 * looking for tensors, and a for-in over n^2 array elements costs more than the product itself
 * (at n = 1024 about 0.9 s against 0.09 s): that walk is what earlier runs of this bench measured.
 */
function timeMatMul(a: tf.Tensor2D, b: tf.Tensor2D): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const c = tf.matMul(a, b);
  c.dataSync();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  c.dispose();
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** GFLOPS (2n^3 floating-point operations per product) over wall and CPU time, median of the runs. */
async function matmulGflops(n: number): Promise<{ wall: number; cpu: number }> {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2) as tf.Tensor2D;
  // warm-up: the first product sets up XNNPACK's operator and packs b
  timeMatMul(a, b);
  const flop = (2 * n ** 3) / 1e9;
  const rates: { wall: number; cpu: number }[] = [];
  const until = performance.now() + (n >= 2048 ? 2000 : 1000);
  while (rates.length < 3 || (performance.now() < until && rates.length < 50)) {
    const t = timeMatMul(a, b);
    rates.push({ wall: flop / t.wall, cpu: flop / t.cpu });
  }
  tf.dispose([a, b]);
  return { wall: quantile(rates.map((r) => r.wall), 0.5), cpu: quantile(rates.map((r) => r.cpu), 0.5) };
}

/**
 * The floor to compare against: the same product as a plain JavaScript loop over Float32Arrays
 * (i-k-j order, so the inner loop runs along rows of b and c), best of a few runs.
 */
function plainJsGflops(n: number): number {
  const a = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const c = new Float32Array(n * n);
  let best = Infinity;
  for (let run = 0; run < (n <= 512 ? 3 : 1); run++) {
    c.fill(0);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const ci = i * n;
      for (let k = 0; k < n; k++) {
        const aik = a[ci + k];
        const bk = k * n;
        for (let j = 0; j < n; j++) c[ci + j] += aik * b[bk + j];
      }
    }
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return (2 * n ** 3) / 1e9 / best;
}

function mlp(): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
}

function cnn(): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
}

/** Samples per second of one epoch of model.fit, after a warm-up epoch on a slice of the data. */
async function fitSamplesPerSecond(model: tf.LayersModel, xShape: number[], samples: number, batchSize: number): Promise<{ wall: number; cpu: number }> {
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.randomUniform([samples, ...xShape], 0, 1, 'float32', 3);
  const y = tf.randomUniform([samples, 1], 0, 10, 'int32', 4).asType('float32');
  const warm = Math.min(samples, batchSize * 5);
  await model.fit(x.slice(0, warm), y.slice(0, warm), { batchSize, epochs: 1, verbose: 0 });
  const r = await rate(samples, () => model.fit(x, y, { batchSize, epochs: 1, verbose: 0, shuffle: true }));
  tf.dispose([x, y]);
  model.dispose();
  return r;
}

const MATMUL_SIZES = [256, 512, 1024, 2048];
/** The plain JavaScript loop is run up to this size (n = 2048 would take it half a minute). */
const PLAIN_JS_MAX_N = 1024;

async function measure(): Promise<Figures> {
  const figures: Figures = {};
  for (const n of MATMUL_SIZES) figures[`kernel.matmul.n${n}.gflops`] = await matmulGflops(n);
  figures['kernel.mlp.samples_per_s'] = await fitSamplesPerSecond(mlp(), [784], 25_600, 128);
  figures['kernel.cnn.samples_per_s'] = await fitSamplesPerSecond(cnn(), [28, 28, 1], 3_200, 64);
  return figures;
}

const UNITS: Record<string, string> = { gflops: 'GFLOPS', samples_per_s: 'samples/s' };

/** Runs measure() in a child process: 'plain' TF.js wasm, or ours with `threads`. */
function inChild(kind: 'plain' | 'ours', threads?: number): Figures {
  const child = spawnSync(process.execPath, [process.argv[1], CHILD_FLAG, kind], {
    encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, ...(threads ? { MLSYS_LAB_WASM_THREADS: String(threads) } : {}) },
  });
  if (child.status === 0) return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Figures;
  process.stderr.write(`[bench] ${kind} wasm (threads ${threads ?? 'default'}) failed: ${child.stderr}\n`);
  return {};
}

const childKind = process.argv[process.argv.indexOf(CHILD_FLAG) + 1];
if (process.argv.includes(CHILD_FLAG)) {
  if (childKind === 'plain') await usePlainWasm();
  else await initBackend({ force: 'wasm' });
  process.stdout.write(JSON.stringify(await measure()) + '\n');
  process.exit(0);
}

const info = await initBackend();
const ours = await measure();
const plainJs: Record<string, number> = {};
for (const n of MATMUL_SIZES.filter((n) => n <= PLAIN_JS_MAX_N)) plainJs[`kernel.matmul.n${n}.gflops`] = plainJsGflops(n);
const plain = inChild('plain');
const twoThreads = info.name === 'wasm' && info.threads === 1 ? inChild('ours', 2) : {};
const round = (v: number) => Number(v.toPrecision(4));
for (const [metric, value] of Object.entries(ours)) {
  const base = plain[metric];
  report(metric, value.wall, UNITS[metric.split('.').at(-1)!], {
    backend: info.name,
    device: info.device,
    per_cpu_s: round(value.cpu),
    ...(base ? { plain_wasm: round(base.wall), ratio: round(value.wall / base.wall), plain_wasm_per_cpu_s: round(base.cpu), ratio_per_cpu_s: round(value.cpu / base.cpu) } : {}),
    ...(plainJs[metric] ? { plain_js: round(plainJs[metric]), ratio_to_plain_js: round(value.wall / plainJs[metric]) } : {}),
    ...(twoThreads[metric] ? { two_threads: round(twoThreads[metric].wall), two_threads_per_cpu_s: round(twoThreads[metric].cpu) } : {}),
  });
}
