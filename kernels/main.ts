/**
 * Entry of the kernel process (built as out/main/kernel.js). Main starts it with
 * child_process.fork under plain Node or utilityProcess.fork in Electron, one per open notebook,
 * and passes in the environment:
 *
 *   MLSYS_LAB_KERNEL_CONTROL  where the watchdog listens for interrupts (Unix socket / Windows pipe)
 *   MLSYS_LAB_KERNEL_TOKEN    the secret main presents on that socket
 *   MLSYS_LAB_BACKEND         optional: force a TensorFlow.js backend
 *
 * TensorFlow.js loads in the background after the kernel has said hello, so the first reply is
 * not held up by it; a cell waits for it only if it arrives before it is ready.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { connectToParent } from './runtime/channel';
import { Kernel } from './runtime/kernel';
import type { WatchdogData } from './watchdog';

const address = process.env.MLSYS_LAB_KERNEL_CONTROL;
const token = process.env.MLSYS_LAB_KERNEL_TOKEN;
if (!address || !token) {
  process.stderr.write('The kernel must be started by mlsys-lab: MLSYS_LAB_KERNEL_CONTROL and MLSYS_LAB_KERNEL_TOKEN are not set.\n');
  process.exit(2);
}

const channel = connectToParent();
channel.onDisconnect(() => process.exit(0));

const kernel = new Kernel({
  channel,
  controlAddress: address,
  version: process.env.MLSYS_LAB_VERSION ?? '0',
  loadBackend: async () => {
    const { initBackend } = await import('./backends/index');
    const info = await initBackend();
    const tf = await import('@tensorflow/tfjs');
    return { tf, report: info };
  },
});

const acks = new SharedArrayBuffer(4);
const watchdog = new Worker(join(dirname(fileURLToPath(import.meta.url)), 'kernel-watchdog.js'), {
  workerData: { address, token, acks } satisfies WatchdogData,
});
watchdog.on('message', (m: { type: string; seq?: number; terminated?: boolean; message?: string }) => {
  if (m.type === 'interrupt') {
    try {
      kernel.interrupt(m.terminated === true);
    } finally {
      Atomics.store(new Int32Array(acks), 0, m.seq!);
      Atomics.notify(new Int32Array(acks), 0);
    }
  } else if (m.type === 'error') kernel.log(m.message!);
});
watchdog.on('error', (err) => kernel.log(`watchdog failed: ${err.stack ?? err}`));
watchdog.unref();

kernel.start();
