/**
 * The notebook service's view of a kernel (main/notebooks/kernel-port.ts) on top of the
 * KernelManager: one kernel per notebook, outputs and replies turned into the cell events the
 * notebook model applies, status in the status bar's terms.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KernelStatus, KernelOutput } from '../api/kernels';
import type { KernelInfo as NotebookKernelInfo, VariableInfo as NotebookVariable } from '../api/notebooks';
import type { CellKernelEvent } from '../notebooks/apply-kernel-event';
import type { KernelFactory, NotebookKernel } from '../notebooks/kernel-port';
import type { KernelManager } from './kernel-manager';

function statusForNotebook(s: KernelStatus): NotebookKernelInfo {
  const info: NotebookKernelInfo = { state: s.state === 'shutdown' ? 'none' : s.state };
  if (s.backend) {
    info.backend = s.backend.name;
    info.device = s.backend.device;
  }
  const message = s.reason ?? (s.unresponsive ? 'The running cell does not respond to the interrupt. Restart the kernel to stop it (variables will be lost).' : s.backendError);
  if (message) info.message = message;
  return info;
}

function cellEvent(o: KernelOutput): CellKernelEvent {
  switch (o.output_type) {
    case 'stream':
      return { msg_type: 'stream', content: { name: o.name, text: o.text } };
    case 'display_data':
      return { msg_type: 'display_data', content: { data: o.data, metadata: o.metadata, transient: o.transient } };
    case 'update_display_data':
      return { msg_type: 'update_display_data', content: { data: o.data, metadata: o.metadata, transient: o.transient } };
    case 'execute_result':
      return { msg_type: 'execute_result', content: { execution_count: o.execution_count ?? 0, data: o.data, metadata: o.metadata } };
    case 'error':
      return { msg_type: 'error', content: { ename: o.ename, evalue: o.evalue, traceback: o.traceback } };
    case 'clear_output':
      return { msg_type: 'clear_output', content: { wait: o.wait } };
  }
}

/** A KernelFactory for the notebook service; `resolve` turns a notebook handle into its file path. */
export function notebookKernelFactory(manager: KernelManager, resolve: (notebookPath: string) => string): KernelFactory {
  return async (notebookPath) => {
    const file = resolve(notebookPath);
    const started = await manager.start({ notebook: file, cwd: existsSync(dirname(file)) ? dirname(file) : undefined });
    const session = manager.session(started.kernelId);
    let lastCount = 0;
    let tensorsBefore: number | undefined;
    const kernel: NotebookKernel = {
      async execute(code, onEvent) {
        // the notebook runs one cell at a time, so the cell starts now, with the next count
        onEvent({ msg_type: 'execute_input', content: { execution_count: lastCount + 1 } });
        const run = session.execute(code, { stopOnError: false });
        const sub = manager.onOutput((e) => {
          if (e.kernelId === session.id && e.msgId === run.msgId) onEvent(cellEvent(e.output));
        });
        try {
          const reply = await run.done;
          if (reply.execution_count !== null) lastCount = reply.execution_count;
          const m = reply.metrics;
          const tensors = m?.memory?.numTensors;
          const stats: Extract<CellKernelEvent, { msg_type: 'execute_reply' }>['content']['stats'] = { wallMs: m?.wall_ms ?? 0 };
          const backend = session.status().backend?.name;
          if (backend) stats.backend = backend;
          if (tensors !== undefined && tensorsBefore !== undefined) stats.tensorsLeaked = Math.max(0, tensors - tensorsBefore);
          if (tensors !== undefined) tensorsBefore = tensors;
          onEvent({ msg_type: 'execute_reply', content: { status: reply.status, execution_count: reply.execution_count, stats } });
        } finally {
          sub.dispose();
        }
      },
      async interrupt() {
        await session.interrupt();
      },
      async restart() {
        await session.restart();
        lastCount = 0;
        tensorsBefore = undefined;
      },
      async variables(): Promise<NotebookVariable[]> {
        return (await session.inspectVariables()).map((v) => {
          const out: NotebookVariable = { name: v.name, type: v.type, preview: v.summary };
          if (v.shape) out.shape = v.shape;
          if (v.dtype) out.dtype = v.dtype;
          if (v.bytes !== undefined) out.bytes = v.bytes;
          return out;
        });
      },
      onStatus(listener) {
        listener(statusForNotebook(session.status()));
        return manager.onStatus((s) => {
          if (s.kernelId === session.id) listener(statusForNotebook(s));
        });
      },
      async dispose() {
        await manager.shutdown(session.id).catch(() => {});
      },
    };
    return kernel;
  };
}
