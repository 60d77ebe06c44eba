import { describe, expect, it } from 'vitest';
import type { NotebookChange } from '../../../main/api/notebooks';
import { applyKernelEvent } from '../../../main/notebooks/apply-kernel-event';
import { parseIpynb } from '../../../main/notebooks/ipynb';
import { NotebookModel } from '../../../main/notebooks/notebook-model';

function model(): { m: NotebookModel; changes: NotebookChange[] } {
  let n = 0;
  const text = JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: 'markdown', id: 'md', metadata: {}, source: '# Title' },
      { cell_type: 'code', id: 'a', metadata: {}, source: 'const x = 1;', execution_count: null, outputs: [] },
      { cell_type: 'code', id: 'b', metadata: {}, source: 'x + 1', execution_count: null, outputs: [] },
    ],
  });
  const m = new NotebookModel(parseIpynb(text, 't.ipynb', () => `new${++n}`), () => `new${++n}`);
  const changes: NotebookChange[] = [];
  m.onChange((c) => changes.push(c));
  return { m, changes };
}

describe('the notebook model', () => {
  it('inserts, moves, retypes and deletes cells by id and reports each batch once', () => {
    const { m, changes } = model();
    expect(m.dirty).toBe(false);
    m.applyEdits(
      [
        { kind: 'insert', index: 1, cell: { type: 'code', source: 'let y = 2;' } },
        { kind: 'move', cellId: 'b', toIndex: 0 },
        { kind: 'type', cellId: 'a', type: 'markdown' },
        { kind: 'delete', cellId: 'md' },
      ],
      'view-1',
    );
    expect(m.cells().map((c) => [c.id, c.type])).toEqual([
      ['b', 'code'],
      ['new1', 'code'],
      ['a', 'markdown'],
    ]);
    expect(m.dirty).toBe(true);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: 'edits', origin: 'view-1' });
  });

  it('applies none of a batch when one edit in it is wrong', () => {
    const { m } = model();
    expect(() =>
      m.applyEdits(
        [
          { kind: 'source', cellId: 'a', source: 'changed' },
          { kind: 'delete', cellId: 'nope' },
        ],
        'v',
      ),
    ).toThrow(/No cell with id "nope"/);
    expect(m.cell('a').source).toBe('const x = 1;');
    expect(m.dirty).toBe(false);
    expect(() => m.applyEdits([{ kind: 'insert', index: 9, cell: { type: 'code', source: '' } }], 'v')).toThrow(/insert index 9 is outside 0..3/);
    expect(() => m.applyEdits([{ kind: 'insert', index: 0, cell: { type: 'code', source: '', outputs: [{ output_type: 'nope' } as never] } }], 'v')).toThrow(
      /outputs\[0\]\.output_type must be one of/,
    );
  });

  it('turns a run of kernel events into nbformat outputs, merging stream text', () => {
    const { m } = model();
    applyKernelEvent(m, 'a', { msg_type: 'queued' });
    expect(m.runs.get('a')?.state).toBe('queued');
    applyKernelEvent(m, 'a', { msg_type: 'execute_input', content: { execution_count: 7 } });
    expect(m.runs.get('a')?.state).toBe('running');
    applyKernelEvent(m, 'a', { msg_type: 'stream', content: { name: 'stdout', text: 'hello ' } });
    applyKernelEvent(m, 'a', { msg_type: 'stream', content: { name: 'stdout', text: 'world\n' } });
    applyKernelEvent(m, 'a', { msg_type: 'stream', content: { name: 'stderr', text: 'careful\n' } });
    applyKernelEvent(m, 'a', { msg_type: 'execute_result', content: { execution_count: 7, data: { 'text/plain': '1' } } });
    applyKernelEvent(m, 'a', { msg_type: 'execute_reply', content: { status: 'ok', execution_count: 7, stats: { wallMs: 12, backend: 'wasm', tensorsCreated: 3, tensorsLeaked: 1 } } });
    const cell = m.cell('a');
    expect(cell.executionCount).toBe(7);
    expect(cell.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'hello world\n' },
      { output_type: 'stream', name: 'stderr', text: 'careful\n' },
      { output_type: 'execute_result', execution_count: 7, data: { 'text/plain': '1' }, metadata: {} },
    ]);
    expect(m.runs.get('a')).toEqual({ state: 'idle', lastRun: { wallMs: 12, backend: 'wasm', tensorsCreated: 3, tensorsLeaked: 1, ok: true } });
  });

  it('updates a display in place by its display id, and clears outputs only when the next output comes with wait', () => {
    const { m, changes } = model();
    applyKernelEvent(m, 'a', { msg_type: 'execute_input', content: { execution_count: 1 } });
    applyKernelEvent(m, 'a', { msg_type: 'stream', content: { name: 'stdout', text: 'training\n' } });
    applyKernelEvent(m, 'a', { msg_type: 'display_data', content: { data: { 'text/plain': '0%' }, transient: { display_id: 'bar' } } });
    changes.length = 0;
    applyKernelEvent(m, 'a', { msg_type: 'update_display_data', content: { data: { 'text/plain': '50%' }, transient: { display_id: 'bar' } } });
    expect(changes).toEqual([{ kind: 'output', cellId: 'a', index: 1, output: { output_type: 'display_data', data: { 'text/plain': '50%' }, metadata: {} } }]);
    applyKernelEvent(m, 'a', { msg_type: 'update_display_data', content: { data: { 'text/plain': '100%' }, transient: { display_id: 'bar' } } });
    expect(m.cell('a').outputs[1]).toMatchObject({ data: { 'text/plain': '100%' } });
    applyKernelEvent(m, 'a', { msg_type: 'clear_output', content: { wait: true } });
    expect(m.cell('a').outputs).toHaveLength(2);
    applyKernelEvent(m, 'a', { msg_type: 'stream', content: { name: 'stdout', text: 'epoch 2\n' } });
    expect(m.cell('a').outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'epoch 2\n' }]);
  });

  it('drops events for a cell deleted while it ran', () => {
    const { m } = model();
    m.applyEdits([{ kind: 'delete', cellId: 'a' }], 'v');
    expect(() => applyKernelEvent(m, 'a', { msg_type: 'stream', content: { name: 'stdout', text: 'late' } })).not.toThrow();
  });
});
