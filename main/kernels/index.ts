/** The kernel manager and what it is made of; the rest of main imports from here. */
export { KernelManager, defaultKernelEntry, type KernelManagerOptions } from './kernel-manager';
export { KernelSession, describeExit, type ExecuteHandle } from './kernel-session';
export { nodeKernelLauncher, type KernelLauncher, type KernelProcess, type LaunchOptions, type KernelExit } from './kernel-launcher';
export { LabRequestRouter, type LabRequestHandler, type LabRequestContext } from './lab-requests';
export type { InterruptOutcome } from './control-connection';
export { registerKernels } from './register';
