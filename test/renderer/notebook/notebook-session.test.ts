import { describe, expect, it } from 'vitest';
import type { CellData } from '../../../main/api';
import { parseIpynb } from '../../../main/notebooks/ipynb';
import { NotebookModel } from '../../../main/notebooks/notebook-model';
import { applyLocally } from '../../../renderer/src/notebook/notebook-session';

describe("the view's copy of a notebook", () => {
  it('applies edits exactly as the model in main does', () => {
    const text = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: ['a', 'b', 'c'].map((id) => ({ cell_type: 'code', id, metadata: {}, source: id, outputs: [{ output_type: 'stream', name: 'stdout', text: id }], execution_count: 1 })),
    });
    const model = new NotebookModel(parseIpynb(text, 't', () => 'x'), () => 'x');
    const local: CellData[] = model.cells();
    const edits = [
      { kind: 'insert', index: 1, cell: { id: 'n', type: 'markdown', source: '# n' } },
      { kind: 'move', cellId: 'c', toIndex: 0 },
      { kind: 'source', cellId: 'a', source: 'A' },
      { kind: 'type', cellId: 'b', type: 'markdown' },
      { kind: 'clearOutputs', cellId: 'c' },
      { kind: 'delete', cellId: 'n' },
    ] as const;
    model.applyEdits([...edits], 'v');
    applyLocally(local, [...edits], []);
    expect(local).toEqual(model.cells());
  });
});
