/**
 * Tensor speed of the kernel's backend: float32 matmul GFLOPS at n = 256..2048, and training
 * throughput of the two reference models (784-128-10 MLP, batch 128; conv 3x3x16, maxpool,
 * conv 3x3x32, maxpool, dense 10 on 28x28x1, batch 64) on synthetic MNIST-shaped data, one epoch
 * after a warm-up, through the standard tf.LayersModel.fit.
 *
 * The same workloads also run in a child process on plain TF.js wasm (one thread, its stock
 * kernels; for the CNN plus our Conv2DBackpropFilter, without which it cannot train at all), so
 * each line carries the baseline measured in the same run and the ratio: on a shared machine
 * the ratio is the figure to trust.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../kernels/backends';
import { registerWasmKernels } from '../../kernels/backends/wasm-kernels';
import { quantile, report } from './report';

type Figures = Record<string, number>;
const BASELINE_FLAG = '--baseline-plain-wasm';

async function usePlainWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  registerWasmKernels('wasm', { replaceSlow: false });
  if (!(await tf.setBackend('wasm'))) throw new Error('plain wasm did not load');
  return 'wasm (plain TF.js, 1 thread)';
}

function matmulGflops(n: number): number {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  tf.matMul(a, b).dispose();
  const rates: number[] = [];
  const until = performance.now() + (n >= 2048 ? 3000 : 1500);
  while (rates.length < 3 || (performance.now() < until && rates.length < 50)) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    rates.push((2 * n ** 3) / ((performance.now() - t0) / 1000) / 1e9);
    c.dispose();
  }
  tf.dispose([a, b]);
  return quantile(rates, 0.5);
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
async function fitSamplesPerSecond(model: tf.LayersModel, xShape: number[], samples: number, batchSize: number): Promise<number> {
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.randomUniform([samples, ...xShape], 0, 1, 'float32', 3);
  const y = tf.randomUniform([samples, 1], 0, 10, 'int32', 4).asType('float32');
  const warm = Math.min(samples, batchSize * 5);
  await model.fit(x.slice(0, warm), y.slice(0, warm), { batchSize, epochs: 1, verbose: 0 });
  const t0 = performance.now();
  await model.fit(x, y, { batchSize, epochs: 1, verbose: 0, shuffle: true });
  const rate = samples / ((performance.now() - t0) / 1000);
  tf.dispose([x, y]);
  model.dispose();
  return rate;
}

async function measure(): Promise<Figures> {
  const figures: Figures = {};
  for (const n of [256, 512, 1024, 2048]) figures[`kernel.matmul.n${n}.gflops`] = matmulGflops(n);
  figures['kernel.mlp.samples_per_s'] = await fitSamplesPerSecond(mlp(), [784], 60_000, 128);
  figures['kernel.cnn.samples_per_s'] = await fitSamplesPerSecond(cnn(), [28, 28, 1], 6_400, 64);
  return figures;
}

const UNITS: Record<string, string> = { gflops: 'GFLOPS', samples_per_s: 'samples/s' };

if (process.argv.includes(BASELINE_FLAG)) {
  await usePlainWasm();
  process.stdout.write(JSON.stringify(await measure()) + '\n');
  process.exit(0);
}

const info = await initBackend();
const ours = await measure();
const child = spawnSync(process.execPath, [process.argv[1], BASELINE_FLAG], { encoding: 'utf8', maxBuffer: 1 << 20 });
let baseline: Figures = {};
if (child.status === 0) baseline = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Figures;
else process.stderr.write(`[bench] plain wasm baseline failed: ${child.stderr}\n`);
for (const [metric, value] of Object.entries(ours)) {
  const base = baseline[metric];
  report(metric, value, UNITS[metric.split('.').at(-1)!], {
    backend: info.name,
    device: info.device,
    ...(base ? { baseline_plain_wasm: Number(base.toPrecision(4)), ratio: Number((value / base).toFixed(2)) } : {}),
  });
}
