import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeKernelLauncher, type KernelLauncher } from '../../../main/kernels/kernel-launcher';
import { resultText, startTestKernel, type TestKernel } from '../../helpers/kernel';

/** Resolves when the cell `msgId` has printed `text` (so we know its loop is running). */
function printed(k: TestKernel, msgId: string, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    const sub = k.manager.onOutput((e) => {
      if (e.msgId === msgId && e.output.output_type === 'stream') {
        seen += e.output.text;
        if (seen.includes(text)) {
          sub.dispose();
          resolve();
        }
      }
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('interrupting a kernel', () => {
  let k: TestKernel;
  beforeAll(async () => {
    k = await startTestKernel();
  }, 60_000);
  afterAll(() => k?.dispose());

  it('interrupt stops a synchronous loop and keeps earlier variables', async () => {
    await k.run('const before = 41; let spins = 0;');
    const cell = k.start('console.log("looping"); while (true) { spins++; }');
    await printed(k, cell.msgId, 'looping');
    const outcome = await k.session.interrupt();
    const run = await cell.done;
    expect(outcome).toBe('terminated');
    expect(run.reply.status).toBe('error');
    expect(run.reply.ename).toBe('KeyboardInterrupt');
    expect(resultText(await k.run('before + 1'))).toBe('42');
    expect(resultText(await k.run('spins > 0'))).toBe('true');
  });

  it('interrupt stops an async loop, which does not go on in the background', async () => {
    const cell = k.start('let ticks = 0; console.log("ticking"); for (;;) { await new Promise((r) => setTimeout(r, 10)); ticks++; }');
    await printed(k, cell.msgId, 'ticking');
    await sleep(100);
    expect(await k.session.interrupt()).toBe('interrupted');
    expect((await cell.done).reply.ename).toBe('KeyboardInterrupt');
    const after = resultText(await k.run('ticks'));
    await sleep(300);
    expect(resultText(await k.run('ticks'))).toBe(after);
  });

  it('interrupt stops model.fit between batches, and the model can train again at once', async () => {
    await k.run(
      [
        "import * as tf from '@tensorflow/tfjs';",
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });',
        "model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });",
        'const xs = tf.randomNormal([64, 4]); const ys = tf.randomNormal([64, 1]);',
        'let batches = 0;',
      ].join('\n'),
    );
    // the callback's await keeps the interrupted fit alive for a moment after the interrupt's reply
    const cell = k.start('console.log("training"); await model.fit(xs, ys, { epochs: 100000, batchSize: 8, callbacks: { onBatchEnd: async () => { batches++; await new Promise((r) => setTimeout(r, 30)); } } });');
    await printed(k, cell.msgId, 'training');
    await sleep(300);
    // 'interrupted' as a rule; 'terminated' when a loaded machine keeps the kernel from answering in time
    expect(['interrupted', 'terminated']).toContain(await k.session.interrupt());
    expect((await cell.done).reply.ename).toBe('KeyboardInterrupt');
    // right away: the interrupted fit may still be finishing its batch
    const again = await k.run('(await model.fit(xs, ys, { epochs: 1, batchSize: 32 })).epoch.length');
    expect(again.reply.evalue).toBeUndefined();
    expect(resultText(again)).toBe('1');
    // the interrupted fit is over: the count stays put
    const stopped = resultText(await k.run('batches'));
    await sleep(300);
    expect(resultText(await k.run('batches'))).toBe(stopped);
  });

  it('a model whose fit was terminated in a blocking callback can train again', async () => {
    const cell = k.start('console.log("training"); await model.fit(xs, ys, { epochs: 100000, batchSize: 8, callbacks: { onBatchEnd: () => { if (++batches % 20 === 0) while (true) {} } } });');
    await printed(k, cell.msgId, 'training');
    expect(await k.session.interrupt()).toBe('terminated');
    expect((await cell.done).reply.ename).toBe('KeyboardInterrupt');
    const again = await k.run('(await model.fit(xs, ys, { epochs: 1, batchSize: 32 })).epoch.length');
    expect(again.reply.evalue).toBeUndefined();
    expect(resultText(again)).toBe('1');
  });

  it('interrupting a cell inside tf.tidy ends its scopes, and tf.memory() returns to where it was', async () => {
    await k.run("import * as tf from '@tensorflow/tfjs';");
    const before = Number(resultText(await k.run('tf.memory().numTensors')));
    const cell = k.start('tf.tidy(() => { const a = tf.ones([1000]); tf.tidy(() => { const b = tf.add(a, 1); console.log("inside"); while (true) {} }); })');
    await printed(k, cell.msgId, 'inside');
    expect(await k.session.interrupt()).toBe('terminated');
    expect((await cell.done).reply.ename).toBe('KeyboardInterrupt');
    expect(resultText(await k.run('tf.engine().state.scopeStack.length'))).toBe('0');
    expect(Number(resultText(await k.run('tf.memory().numTensors')))).toBe(before);
    // and later tensors are not caught in a scope left open: a kept tensor stays, a disposed one goes
    const after = await k.run('const kept = tf.ones([3]); tf.dispose(tf.zeros([3])); tf.memory().numTensors');
    expect(Number(resultText(after))).toBe(before + 1);
  });

  it('drops cells queued behind the interrupted one', async () => {
    const cell = k.start('console.log("spinning"); while (true) {}');
    const queued = k.start('"should not run"');
    await printed(k, cell.msgId, 'spinning');
    await k.session.interrupt();
    expect((await cell.done).reply.ename).toBe('KeyboardInterrupt');
    expect((await queued.done).reply.status).toBe('aborted');
  });
});

describe('an interrupt that overtakes its cell', () => {
  // On a loaded machine the interrupt (which travels by the watchdog's socket) can reach the kernel
  // before the cell's execute_request (which travels by IPC). This launcher holds every
  // execute_request back for a moment, as such a machine would.
  const slowIpc: KernelLauncher = {
    launch(options) {
      const proc = nodeKernelLauncher.launch(options);
      return {
        ...proc,
        pid: proc.pid,
        send(message) {
          const type = (message as { header?: { msg_type?: string } }).header?.msg_type;
          if (type === 'execute_request') setTimeout(() => proc.send(message), 400);
          else proc.send(message);
        },
      };
    },
  };
  let k: TestKernel;
  beforeAll(async () => {
    k = await startTestKernel({ launcher: slowIpc });
  }, 60_000);
  afterAll(() => k?.dispose());

  it('stops the cell when it arrives instead of letting it run', async () => {
    await k.run('const before = 41');
    const cell = k.start('while (true) {}');
    expect(await k.session.interrupt()).not.toBe('idle');
    expect((await cell.done).reply.ename).toBe('KeyboardInterrupt');
    expect(resultText(await k.run('before + 1'))).toBe('42');
  });
});

describe.skipIf(process.platform === 'win32')('a kernel that ignores interrupts or dies', () => {
  it('a cell stuck in native code is reported unresponsive, and restart gives a fresh kernel', async () => {
    const k = await startTestKernel();
    try {
      await k.run('const mark = "old kernel";');
      const cell = k.start("import { execSync } from 'node:child_process';\nconsole.log('blocking');\nexecSync('sleep 30');");
      await printed(k, cell.msgId, 'blocking');
      expect(await k.session.interrupt()).toBe('unresponsive');
      expect(k.session.status().unresponsive).toBe(true);
      expect(k.statuses.some((s) => s.unresponsive)).toBe(true);
      const info = await k.session.restart();
      expect(info.state).not.toBe('dead');
      expect((await cell.done).reply.ename).toBe('KernelRestarted');
      expect(resultText(await k.run('typeof mark'))).toBe("'undefined'");
      expect(k.session.status().unresponsive).toBeUndefined();
    } finally {
      await k.dispose();
    }
  });

  it('a kernel that calls process.exit is reported dead with the reason, and restart gives a fresh kernel', async () => {
    const k = await startTestKernel();
    try {
      await k.run('const mark = 1;');
      const run = await k.run('process.exit(3)');
      expect(run.reply.status).toBe('error');
      expect(run.reply.ename).toBe('KernelDied');
      const error = run.outputs.find((o) => o.output_type === 'error');
      expect(error).toBeDefined();
      const status = k.session.status();
      expect(status.state).toBe('dead');
      expect(status.reason).toContain('code 3');
      expect((await k.session.execute('1').done).status).toBe('aborted');
      await k.session.restart();
      expect(resultText(await k.run('typeof mark'))).toBe("'undefined'");
    } finally {
      await k.dispose();
    }
  });

  it('a kernel that crashes in native code is reported with the signal', async () => {
    const k = await startTestKernel();
    try {
      const run = await k.run("process.kill(process.pid, 'SIGSEGV'); await new Promise(() => {});");
      expect(run.reply.ename).toBe('KernelDied');
      expect(k.session.status().reason).toContain('crashed in native code (SIGSEGV)');
    } finally {
      await k.dispose();
    }
  });

  it('a kernel that runs out of memory is reported as such', async () => {
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = '--max-old-space-size=64';
    let k: TestKernel | undefined;
    try {
      k = await startTestKernel();
      const run = await k.run('const hog: number[][] = []; while (true) hog.push(new Array(1e5).fill(Math.random()));');
      expect(run.reply.ename).toBe('KernelDied');
      expect(k.session.status().reason).toMatch(/ran out of memory/);
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
      await k?.dispose();
    }
  });
});

describe('interrupting multi-threaded wasm', () => {
  it('a loop of tensor kernels on two wasm threads is terminated between kernels, and the next cell runs', async () => {
    const saved = { backend: process.env.MLSYS_LAB_BACKEND, threads: process.env.MLSYS_LAB_WASM_THREADS };
    process.env.MLSYS_LAB_BACKEND = 'wasm';
    process.env.MLSYS_LAB_WASM_THREADS = '2';
    let k: TestKernel | undefined;
    try {
      k = await startTestKernel();
      await k.run("import * as tf from '@tensorflow/tfjs';\nconst a = tf.randomNormal([128, 128]);");
      expect(k.session.status().backend?.threads).toBe(2);
      const cell = k.start('console.log("multiplying"); for (;;) tf.tidy(() => tf.matMul(a, a));');
      await printed(k, cell.msgId, 'multiplying');
      await sleep(300);
      expect(await k.session.interrupt()).toBe('terminated');
      expect((await cell.done).reply.ename).toBe('KeyboardInterrupt');
      // a termination inside a threaded kernel would hang this one for good
      expect(resultText(await k.run('tf.matMul(a, a).shape'))).toBe('[ 128, 128 ]');
    } finally {
      for (const [key, value] of [['MLSYS_LAB_BACKEND', saved.backend], ['MLSYS_LAB_WASM_THREADS', saved.threads]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await k?.dispose();
    }
  });
});
