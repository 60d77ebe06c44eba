/**
 * What a notebook session needs from a kernel. The kernel side (KernelManager, kernels/protocol.ts)
 * is adapted to this in one place, so the notebook model never depends on how kernels are run.
 */
import type { NotebookKernelStatus, KernelVariable } from '../api/notebooks';
import type { CellKernelEvent } from './apply-kernel-event';

export interface NotebookKernel {
  /** Runs code; events arrive through `onEvent` and the promise settles after execute_reply. */
  execute(code: string, onEvent: (event: CellKernelEvent) => void): Promise<void>;
  interrupt(): Promise<void>;
  restart(): Promise<void>;
  variables(): Promise<KernelVariable[]>;
  /** Status changes (busy, idle, dead, backend); the current one first. */
  onStatus(listener: (info: NotebookKernelStatus) => void): { dispose(): void };
  dispose(): Promise<void>;
}

/** Starts a kernel for a notebook (its path relative to the workspace). */
export type KernelFactory = (notebookPath: string) => Promise<NotebookKernel>;
