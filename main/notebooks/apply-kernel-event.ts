/**
 * The one place where what a kernel reports about a cell becomes a change of the notebook model.
 * Events use Jupyter's message types and content fields (iopub and execute_reply), so a kernel
 * speaking kernels/protocol.ts maps onto them one to one.
 */
import type { CellRunStats, MimeBundle, NotebookOutput } from '../api/notebooks';
import type { NotebookModel } from './notebook-model';

export type CellKernelEvent =
  | { msg_type: 'queued' }
  | { msg_type: 'execute_input'; content: { execution_count: number | null } }
  | { msg_type: 'stream'; content: { name: 'stdout' | 'stderr'; text: string } }
  | { msg_type: 'display_data'; content: { data: MimeBundle; metadata?: Record<string, unknown>; transient?: { display_id?: string } } }
  | { msg_type: 'update_display_data'; content: { data: MimeBundle; metadata?: Record<string, unknown>; transient: { display_id: string } } }
  | { msg_type: 'execute_result'; content: { execution_count: number | null; data: MimeBundle; metadata?: Record<string, unknown> } }
  | { msg_type: 'error'; content: { ename: string; evalue: string; traceback: string[] } }
  | { msg_type: 'clear_output'; content: { wait: boolean } }
  | { msg_type: 'execute_reply'; content: { status: 'ok' | 'error' | 'aborted'; execution_count: number | null; stats?: Omit<CellRunStats, 'ok'> } };

/** Per-cell state the function keeps between events: a pending clear_output(wait=true). */
const pendingClear = new WeakMap<NotebookModel, Set<string>>();

export function applyKernelEvent(model: NotebookModel, cellId: string, event: CellKernelEvent): void {
  if (model.indexOf(cellId) < 0) return; // the cell was deleted while it ran: its outputs have nowhere to go
  let waiting = pendingClear.get(model);
  if (!waiting) pendingClear.set(model, (waiting = new Set()));
  const flushClear = () => {
    if (waiting.delete(cellId)) model.setOutputs(cellId, [], model.cell(cellId).executionCount);
  };
  switch (event.msg_type) {
    case 'queued':
      model.setRun(cellId, { ...model.runs.get(cellId), state: 'queued' });
      return;
    case 'execute_input':
      waiting.delete(cellId);
      model.setOutputs(cellId, [], event.content.execution_count);
      model.setRun(cellId, { ...model.runs.get(cellId), state: 'running' });
      return;
    case 'stream':
      flushClear();
      model.appendOutput(cellId, { output_type: 'stream', name: event.content.name, text: event.content.text });
      return;
    case 'display_data': {
      flushClear();
      const out: NotebookOutput = { output_type: 'display_data', data: event.content.data, metadata: event.content.metadata ?? {} };
      model.appendOutput(cellId, out, event.content.transient?.display_id);
      return;
    }
    case 'update_display_data':
      model.updateDisplay(event.content.transient.display_id, event.content.data, event.content.metadata ?? {});
      return;
    case 'execute_result':
      flushClear();
      model.appendOutput(cellId, {
        output_type: 'execute_result',
        execution_count: event.content.execution_count,
        data: event.content.data,
        metadata: event.content.metadata ?? {},
      });
      return;
    case 'error':
      flushClear();
      model.appendOutput(cellId, { output_type: 'error', ename: event.content.ename, evalue: event.content.evalue, traceback: event.content.traceback });
      return;
    case 'clear_output':
      if (event.content.wait) waiting.add(cellId);
      else model.setOutputs(cellId, [], model.cell(cellId).executionCount);
      return;
    case 'execute_reply': {
      waiting.delete(cellId);
      const stats = event.content.stats;
      if (event.content.execution_count !== null && event.content.execution_count !== model.cell(cellId).executionCount) model.setExecutionCount(cellId, event.content.execution_count);
      if (stats) model.finishRun(cellId, { ...stats, ok: event.content.status === 'ok' });
      else model.setRun(cellId, { state: 'idle', lastRun: model.runs.get(cellId)?.lastRun });
      return;
    }
  }
}
