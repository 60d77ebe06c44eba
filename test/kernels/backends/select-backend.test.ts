import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKEND_ORDER, initBackend } from '../../../kernels/backends';

const saved = { backend: process.env.MLSYS_LAB_BACKEND, threads: process.env.MLSYS_LAB_WASM_THREADS };
afterEach(() => {
  for (const [key, value] of [['MLSYS_LAB_BACKEND', saved.backend], ['MLSYS_LAB_WASM_THREADS', saved.threads]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('backend selection', () => {
  it('loads the first backend that works and says why each one before it was skipped', async () => {
    delete process.env.MLSYS_LAB_BACKEND;
    const info = await initBackend();
    expect(tf.getBackend()).toBe(info.tfBackend);
    const before = BACKEND_ORDER.slice(0, BACKEND_ORDER.indexOf(info.name));
    expect(info.skipped.map((s) => s.name)).toEqual(before);
    for (const s of info.skipped) {
      // an optional native package that is not installed is named in the reason
      expect(s.reason).toMatch(/\S/);
      if (/Cannot find module/.test(s.reason)) expect(s.reason).toMatch(/@tensorflow\/tfjs-node/);
    }
    expect(info.versions).toMatchObject({ tfjs: tf.version.tfjs, node: process.versions.node });
    if (info.name === 'wasm') {
      expect(info.versions['tfjs-backend-wasm']).toBe('4.22.0');
      expect(info.simd).toBe(true);
      expect(info.device).toMatch(/^CPU \(WebAssembly SIMD, \d+ threads?\)$/);
    }
  });

  it('uses a forced backend, from the option or MLSYS_LAB_BACKEND, and treats "auto" as no preference', async () => {
    expect((await initBackend({ force: 'cpu' })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    process.env.MLSYS_LAB_BACKEND = 'wasm';
    expect((await initBackend()).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    process.env.MLSYS_LAB_BACKEND = 'cpu';
    expect((await initBackend()).tfBackend).toBe('cpu');
    const auto = await initBackend({ force: 'auto' });
    expect(auto.name).not.toBe('cpu');
  });

  it('refuses an unknown backend or thread count and names the choices', async () => {
    await expect(initBackend({ force: 'tpu' })).rejects.toThrow(/Unknown backend "tpu".*tensorflow-gpu, tensorflow, wasm, cpu/);
    process.env.MLSYS_LAB_WASM_THREADS = 'many';
    await expect(initBackend({ force: 'wasm' })).rejects.toThrow(/Invalid wasm thread count "many".*1 to 8/);
    await expect(initBackend({ force: 'wasm', threads: 0 })).rejects.toThrow(RangeError);
  });

  it('reports a forced native backend that cannot load with the reason', async () => {
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
      return; // installed here: nothing to refuse
    } catch {
      // not installed, as on an offline machine
    }
    await expect(initBackend({ force: 'tensorflow' })).rejects.toThrow(/No TensorFlow.js backend could load: tensorflow: Cannot find module '@tensorflow\/tfjs-node'/);
  });
});
