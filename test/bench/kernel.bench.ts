/**
 * The kernel's own overhead, through KernelManager as the app uses it:
 *   kernel.cold_start_ms       spawn until the reply to the first cell (`1+1`), median of 3
 *   kernel.hello_ms            spawn until the kernel's first message (kernel_info_reply)
 *   kernel.cold_start_tf_ms    spawn until a following cell that imports TensorFlow.js has run
 *   kernel.roundtrip.*_ms      execute `1+1` until the kernel is idle again, 500 runs after warm-up
 *   kernel.roundtrip_new_cell.*_ms  the same with a new cell each time (`0 + 1`, `1 + 1`, ...)
 *   kernel.interrupt.*_ms      interrupt until the cell's reply: a `while (true) {}` and an async loop
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KernelManager } from '../../main/kernels';
import type { KernelSession } from '../../main/kernels';
import { projectRoot } from '../../main/paths';
import { quantile, report } from './report';

const root = projectRoot();
const { ensureBuilt } = await import(pathToFileURL(join(root, 'scripts', 'ensure-built.js')).href);
ensureBuilt(root);

const manager = new KernelManager({ log: () => {} });
let idleWaiters: (() => void)[] = [];
manager.onStatus((s) => {
  if (s.state === 'idle') for (const w of idleWaiters.splice(0)) w();
});

async function runUntilIdle(session: KernelSession, code: string): Promise<void> {
  const idle = new Promise<void>((r) => idleWaiters.push(r));
  await session.execute(code).done;
  await idle;
}

const cold: number[] = [];
const hello: number[] = [];
const coldTf: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const info = await manager.start({ notebook: `bench-cold-${i}` });
  hello.push(performance.now() - t0);
  await manager.session(info.kernelId).execute('1+1').done;
  cold.push(performance.now() - t0);
  await manager.session(info.kernelId).execute("import * as tf from '@tensorflow/tfjs';\ntf.scalar(1).dataSync()[0]").done;
  coldTf.push(performance.now() - t0);
  await manager.shutdown(info.kernelId);
}
// TensorFlow.js loads after the first reply (when a cell imports it or the kernel is idle)
report('kernel.cold_start_ms', quantile(cold, 0.5), 'ms', { runs: cold.map((x) => Math.round(x)) });
report('kernel.hello_ms', quantile(hello, 0.5), 'ms');
report('kernel.cold_start_tf_ms', quantile(coldTf, 0.5), 'ms', { note: 'spawn until a second cell that imports TensorFlow.js has run' });

const info = await manager.start({ notebook: 'bench-roundtrip' });
const session = manager.session(info.kernelId);
idleWaiters = [];
// with TensorFlow.js loaded, so every reply includes tf.memory() as in real use
await runUntilIdle(session, "import * as tf from '@tensorflow/tfjs'");
for (let i = 0; i < 50; i++) await runUntilIdle(session, '1+1');
const times: number[] = [];
for (let i = 0; i < 500; i++) {
  const t0 = performance.now();
  await runUntilIdle(session, '1+1');
  times.push(performance.now() - t0);
}
report('kernel.roundtrip.median_ms', quantile(times, 0.5), 'ms', { runs: times.length, backend: session.status().backend?.name });
report('kernel.roundtrip.p99_ms', quantile(times, 0.99), 'ms', { runs: times.length });
// a different cell each time: includes transpiling and parsing, which a re-run cell skips
const fresh: number[] = [];
for (let i = 0; i < 300; i++) {
  const t0 = performance.now();
  await runUntilIdle(session, `${i} + 1`);
  fresh.push(performance.now() - t0);
}
report('kernel.roundtrip_new_cell.median_ms', quantile(fresh, 0.5), 'ms', { runs: fresh.length });
report('kernel.roundtrip_new_cell.p99_ms', quantile(fresh, 0.99), 'ms', { runs: fresh.length });

/** Starts `code`, waits until it printed `marker`, interrupts, and times interrupt -> reply. */
async function interruptLatency(code: string, marker: string): Promise<number> {
  const run = session.execute(code);
  await new Promise<void>((resolve) => {
    const sub = manager.onOutput((e) => {
      if (e.msgId === run.msgId && e.output.output_type === 'stream' && e.output.text.includes(marker)) {
        sub.dispose();
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  void session.interrupt();
  const reply = await run.done;
  if (reply.ename !== 'KeyboardInterrupt') throw new Error(`expected KeyboardInterrupt, got ${JSON.stringify(reply)}`);
  return performance.now() - t0;
}

const sync: number[] = [];
const async: number[] = [];
for (let i = 0; i < 5; i++) {
  sync.push(await interruptLatency('console.log("spin"); while (true) {}', 'spin'));
  async.push(await interruptLatency('console.log("tick"); for (;;) { await new Promise((r) => setTimeout(r, 5)); }', 'tick'));
}
report('kernel.interrupt.sync_ms', quantile(sync, 0.5), 'ms', { max: Math.round(Math.max(...sync)) });
report('kernel.interrupt.async_ms', quantile(async, 0.5), 'ms', { max: Math.round(Math.max(...async)) });

await manager.dispose();
