import { describe, expect, it } from 'vitest';
import { resultText, startTestKernel } from '../../helpers/kernel';

describe('kernel settings', () => {
  it.skipIf(process.env.MLSYS_LAB_WASM_THREADS !== undefined)('the kernel.wasmThreads setting starts the wasm backend with that many threads', async () => {
    const k = await startTestKernel({ backend: () => 'wasm', wasmThreads: () => 2 });
    try {
      const run = await k.run("import * as tf from '@tensorflow/tfjs';\ntf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync()[0]");
      expect(resultText(run)).toBe('64');
      expect(k.session.status().backend).toMatchObject({ name: 'wasm', threads: 2 });
    } finally {
      await k.dispose();
    }
  }, 60_000);
});
