/**
 * Entry of the kernel process (built as out/main/kernel.js). Main starts it with
 * child_process.fork under plain Node or utilityProcess.fork in Electron, one per open notebook,
 * and passes in the environment:
 *
 *   MLSYS_LAB_KERNEL_CONTROL  where the watchdog listens for interrupts (Unix socket / Windows pipe)
 *   MLSYS_LAB_KERNEL_TOKEN    the secret main presents on that socket
 *   MLSYS_LAB_BACKEND         optional: force a TensorFlow.js backend
 *   MLSYS_LAB_GRID_INTENSITY, MLSYS_LAB_CPU_WATTS_PER_CORE, MLSYS_LAB_LAB_ID  energy settings
 *                             and the lab whose totals the cells add to (kernels/energy)
 *
 * TensorFlow.js loads in the background after the kernel has said hello, so the first reply is
 * not held up by it; a cell waits for it only if it arrives before it is ready.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { kernelGateBuffer } from './backends/interrupt-between-kernels';
import { KernelEnergy } from './energy/kernel-energy';
import { registerCellMeter } from './runtime/cell-meters';
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

// every cell is measured: time, energy (measured or estimated, kernels/energy) and carbon
const energy = KernelEnergy.fromEnv(process.env, (m) => process.stderr.write(`[mlsys-lab kernel] ${m}\n`));
registerCellMeter({
  start() {
    const span = energy.startCell();
    return () => energy.finishCell(span);
  },
});

const kernel = new Kernel({
  energy,
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
  workerData: { address, token, acks, gate: kernelGateBuffer } satisfies WatchdogData,
});
watchdog.on('message', (m: { type: string; seq?: number; terminated?: boolean; cell?: string; message?: string }) => {
  if (m.type === 'interrupt') {
    try {
      kernel.interrupt(m.terminated === true, m.cell);
    } finally {
      Atomics.store(new Int32Array(acks), 0, m.seq!);
      Atomics.notify(new Int32Array(acks), 0);
    }
  } else if (m.type === 'error') kernel.log(m.message!);
});
watchdog.on('error', (err) => kernel.log(`watchdog failed: ${err.stack ?? err}`));
watchdog.unref();

kernel.start();
