/**
 * Adapts the kernel manager (main/kernels, speaking kernels/protocol.ts) to what a notebook
 * session needs (kernel-port.ts). The manager's surface is described structurally here, so this
 * module depends on the shape of the kernels service and not on its module layout.
 */
import { dirname, join } from 'node:path';
import type { CellRunStats, NotebookVariable, NotebookKernelStatus, RunEnergy } from '../api/notebooks';
import type { CellKernelEvent } from './apply-kernel-event';
import type { KernelFactory, NotebookKernel } from './kernel-port';

interface Disposable {
  dispose(): void;
}

/** The kernel's status as the manager reports it. */
export interface ManagedKernelInfo {
  kernelId: string;
  state: 'starting' | 'idle' | 'busy' | 'restarting' | 'dead' | 'shutdown';
  backend: { name: string; device: string } | null;
  backendError?: string;
  reason?: string;
  unresponsive?: boolean;
}

/** The energy report of a run (kernels/energy EnergyReport), as far as the footer reads it. */
interface EnergyReportLike {
  energy: { joules: number; source: 'measured' | 'estimated' };
  carbon: { grams: number };
  short: string;
  text: string;
  components?: { component: string; method: string; source: string }[];
}

export interface ManagedReply {
  status: 'ok' | 'error' | 'aborted';
  execution_count: number | null;
  metadata?: Record<string, unknown>;
  /** The kernel's figures for the run; the energy meter's report is `energy`. */
  metrics?: {
    wall_ms: number;
    cpu_ms?: number;
    memory: { numTensors: number; numBytes: number } | null;
    /** Tensors the cell created, and those of them it left alive (kernels/protocol.ts TensorReport). */
    tensors?: { created: number; kept?: number; leaked: number; leakedBytes: number };
    energy?: EnergyReportLike;
  };
}

type ManagedOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } }
  | { output_type: 'execute_result'; execution_count: number | null; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] }
  | { output_type: 'update_display_data'; data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id: string } }
  | { output_type: 'clear_output'; wait: boolean };

export interface KernelManagerPort {
  start(options: { notebook: string; cwd?: string }): Promise<ManagedKernelInfo>;
  session(kernelId: string): {
    execute(code: string, options?: { stopOnError?: boolean }): { msgId: string; done: Promise<ManagedReply> };
    interrupt(): Promise<unknown>;
    restart(): Promise<unknown>;
    shutdown(): Promise<void>;
    inspectVariables(): Promise<{ name: string; type: string; summary: string; shape?: number[]; dtype?: string; bytes?: number }[]>;
    status(): ManagedKernelInfo;
  };
  onStatus(listener: (info: ManagedKernelInfo) => void): Disposable;
  onOutput(listener: (event: { kernelId: string; msgId: string | null; output: ManagedOutput }) => void): Disposable;
}

export function toKernelStatus(info: ManagedKernelInfo): NotebookKernelStatus {
  const state = info.state === 'shutdown' ? 'none' : info.state;
  const message = info.reason ?? info.backendError ?? (info.unresponsive ? 'The running cell ignored the interrupt; restart the kernel to stop it.' : undefined);
  return { state, backend: info.backend?.name, device: info.backend?.device, ...(message ? { message } : {}) };
}

function runEnergy(r: EnergyReportLike | undefined): RunEnergy | undefined {
  if (!r || typeof r.energy?.joules !== 'number') return undefined;
  const method = r.components?.map((c) => `${c.component}: ${c.method} (${c.source})`).join('; ');
  return { joules: r.energy.joules, source: r.energy.source, co2eGrams: r.carbon.grams, short: r.short, text: r.text, ...(method ? { method } : {}) };
}

function toEvent(output: ManagedOutput): CellKernelEvent {
  switch (output.output_type) {
    case 'stream':
      return { msg_type: 'stream', content: { name: output.name, text: output.text } };
    case 'display_data':
      return { msg_type: 'display_data', content: { data: output.data, metadata: output.metadata, transient: output.transient } };
    case 'update_display_data':
      return { msg_type: 'update_display_data', content: { data: output.data, metadata: output.metadata, transient: output.transient } };
    case 'execute_result':
      return { msg_type: 'execute_result', content: { execution_count: output.execution_count, data: output.data, metadata: output.metadata } };
    case 'error':
      return { msg_type: 'error', content: { ename: output.ename, evalue: output.evalue, traceback: output.traceback } };
    case 'clear_output':
      return { msg_type: 'clear_output', content: { wait: output.wait } };
  }
}

/** One kernel per notebook, started in the notebook's folder (relative paths in cells resolve there). */
/** `cwdOf` picks a notebook's working directory (default its folder; a pack's notebooks run in the pack's folder). */
export function kernelFactory(manager: KernelManagerPort, workspaceDir: string, cwdOf?: (notebookPath: string) => string | null): KernelFactory {
  return async (notebookPath): Promise<NotebookKernel> => {
    const file = join(workspaceDir, notebookPath);
    const info = await manager.start({ notebook: file, cwd: cwdOf?.(notebookPath) ?? dirname(file) });
    const id = info.kernelId;
    const session = () => manager.session(id);
    let backend = info.backend?.name;
    return {
      async execute(code, onEvent) {
        const handle = session().execute(code, { stopOnError: false });
        const sub = manager.onOutput((e) => {
          if (e.kernelId === id && e.msgId === handle.msgId) onEvent(toEvent(e.output));
        });
        onEvent({ msg_type: 'execute_input', content: { execution_count: null } });
        try {
          const reply = await handle.done;
          const m = reply.metrics;
          const stats: Omit<CellRunStats, 'ok'> | undefined = m
            ? {
                wallMs: m.wall_ms,
                cpuMs: m.cpu_ms,
                backend,
                tensorsCreated: m.tensors?.created,
                tensorsKept: m.tensors?.kept,
                tensorsLeaked: m.tensors?.leaked,
                tensorsLeakedBytes: m.tensors?.leakedBytes,
                energy: runEnergy(reply.metrics?.energy),
              }
            : undefined;
          onEvent({ msg_type: 'execute_reply', content: { status: reply.status, execution_count: reply.execution_count, stats } });
        } finally {
          sub.dispose();
        }
      },
      async interrupt() {
        await session().interrupt();
      },
      async restart() {
        await session().restart();
      },
      async variables(): Promise<NotebookVariable[]> {
        const vars = await session().inspectVariables();
        return vars.map((v) => ({ name: v.name, type: v.type, shape: v.shape, dtype: v.dtype, bytes: v.bytes, preview: v.summary }));
      },
      onStatus(listener) {
        listener(toKernelStatus(session().status()));
        return manager.onStatus((s) => {
          if (s.kernelId !== id) return;
          backend = s.backend?.name ?? backend;
          listener(toKernelStatus(s));
        });
      },
      async dispose() {
        // the manager may have shut every kernel down already (the workspace closing)
        await Promise.resolve()
          .then(() => session().shutdown())
          .catch(() => {});
      },
    };
  };
}
