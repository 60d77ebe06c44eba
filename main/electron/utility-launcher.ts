/**
 * Kernels in the Electron app run as Electron utility processes: a hardened build has the
 * RunAsNode fuse off, so the app cannot fork itself as plain Node, but a utility process is a
 * Node environment that Electron starts for us (native addons such as tfjs-node load in it). The
 * kernel detects it by `process.parentPort` (kernels/runtime/channel.ts). All the adapting is in
 * main/kernels/utility-process.ts, which tests drive without Electron; this file is only the call.
 */
import { utilityProcess } from 'electron';
import type { KernelLauncher } from '../kernels/kernel-launcher';
import { adaptUtilityProcess, utilityForkOptions } from '../kernels/utility-process';

export const utilityKernelLauncher: KernelLauncher = {
  launch: (options) => adaptUtilityProcess(utilityProcess.fork(options.entry, [], utilityForkOptions(options))),
};
