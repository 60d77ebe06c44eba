/**
 * The notebook model: cells, sources, outputs, execution counts, run states and dirty state. It
 * knows nothing of any view; views (in the renderer, through the API) and the kernel (through
 * applyKernelEvent) change it, and every change is reported to one listener as a NotebookChange.
 */
import type { CellData, CellRunState, CellRunStats, NewCell, NotebookChange, NotebookEdit, NotebookOutput } from '../api/notebooks';
import type { IpynbCell, IpynbNotebook } from './ipynb';
import { joinMultiline, validateOutput } from './ipynb';
import { runRecordOf, withRunRecord } from './run-record';

export class NotebookEditError extends Error {
  readonly code = 'E_NOTEBOOK_EDIT';
  constructor(message: string) {
    super(message);
    this.name = 'NotebookEditError';
  }
}

export type ChangeListener = (change: NotebookChange, version: number) => void;

export class NotebookModel {
  private nb: IpynbNotebook;
  private _version = 0;
  private _dirty = false;
  readonly runs = new Map<string, CellRunState>();
  /** display_id -> the outputs showing it, for update_display_data (kept out of the file, as Jupyter does). */
  private readonly displays = new WeakMap<NotebookOutput, string>();
  private listener: ChangeListener = () => {};

  constructor(
    nb: IpynbNotebook,
    private readonly newId: () => string,
    startVersion = 0,
  ) {
    this.nb = nb;
    this._version = startVersion;
    // the footers of the last session's runs, as the file recorded them
    for (const c of nb.cells) {
      const lastRun = c.type === 'code' ? runRecordOf(c.metadata) : undefined;
      if (lastRun) this.runs.set(c.id, { state: 'idle', lastRun });
    }
  }

  onChange(listener: ChangeListener): void {
    this.listener = listener;
  }

  get version(): number {
    return this._version;
  }
  get dirty(): boolean {
    return this._dirty;
  }
  get metadata(): Record<string, unknown> {
    return this.nb.metadata;
  }

  /** The notebook as it would be written now. */
  get notebook(): IpynbNotebook {
    return this.nb;
  }

  markSaved(): void {
    this._dirty = false;
  }

  cells(): CellData[] {
    return this.nb.cells.map(toCellData);
  }

  cell(id: string): IpynbCell {
    const c = this.nb.cells.find((x) => x.id === id);
    if (!c) throw new NotebookEditError(`No cell with id ${JSON.stringify(id)} in this notebook; it may have been deleted. Reload the notebook.`);
    return c;
  }

  indexOf(id: string): number {
    return this.nb.cells.findIndex((x) => x.id === id);
  }

  private emit(change: NotebookChange, dirties: boolean): void {
    this._version++;
    if (dirties) this._dirty = true;
    this.listener(change, this._version);
  }

  /**
   * Applies a client's edits as one change; either all apply or none does (they are checked on a
   * copy first), so a bad edit in a batch never leaves the notebook half-changed.
   */
  applyEdits(edits: NotebookEdit[], origin: string): void {
    const cells = [...this.nb.cells];
    const touched = new Set<string>();
    const find = (id: string): number => {
      const i = cells.findIndex((c) => c.id === id);
      if (i < 0) throw new NotebookEditError(`No cell with id ${JSON.stringify(id)} in this notebook; it may have been deleted. Reload the notebook.`);
      return i;
    };
    const replace = (i: number, patch: Partial<IpynbCell>) => {
      cells[i] = { ...cells[i], ...patch };
      touched.add(cells[i].id);
    };
    edits.forEach((e, n) => {
      switch (e.kind) {
        case 'insert': {
          if (!Number.isInteger(e.index) || e.index < 0 || e.index > cells.length)
            throw new NotebookEditError(`edit ${n}: insert index ${e.index} is outside 0..${cells.length}`);
          const cell = this.makeCell(e.cell, `edit ${n}`);
          if (cells.some((c) => c.id === cell.id)) throw new NotebookEditError(`edit ${n}: a cell with id ${JSON.stringify(cell.id)} already exists`);
          cells.splice(e.index, 0, cell);
          touched.add(cell.id);
          break;
        }
        case 'delete':
          cells.splice(find(e.cellId), 1);
          break;
        case 'move': {
          const from = find(e.cellId);
          if (!Number.isInteger(e.toIndex) || e.toIndex < 0 || e.toIndex >= cells.length)
            throw new NotebookEditError(`edit ${n}: move index ${e.toIndex} is outside 0..${cells.length - 1}`);
          const [c] = cells.splice(from, 1);
          cells.splice(e.toIndex, 0, c);
          break;
        }
        case 'source':
          replace(find(e.cellId), { source: e.source });
          break;
        case 'type': {
          const i = find(e.cellId);
          if (cells[i].type !== e.type) replace(i, { type: e.type, outputs: [], executionCount: null });
          break;
        }
        case 'clearOutputs':
          replace(find(e.cellId), { outputs: [], executionCount: null });
          break;
      }
    });
    this.nb = { ...this.nb, cells };
    this.emit({ kind: 'edits', edits, origin, cells: cells.filter((c) => touched.has(c.id)).map(toCellData) }, true);
  }

  private makeCell(c: NewCell, at: string): IpynbCell {
    const id = c.id ?? this.newId();
    if (!/^[a-zA-Z0-9-_]{1,64}$/.test(id)) throw new NotebookEditError(`${at}: cell id must be 1-64 letters, digits, "-" or "_", got ${JSON.stringify(id)}`);
    const outputs = (c.outputs ?? []).map((o, j) => {
      try {
        return validateOutput(o, 'the edit', `outputs[${j}]`);
      } catch (err) {
        throw new NotebookEditError(`${at}: ${(err as Error).message}`);
      }
    });
    return { id, type: c.type, source: c.source, metadata: c.metadata ?? {}, outputs: c.type === 'code' ? outputs : [], executionCount: c.executionCount ?? null, extra: {} };
  }

  // ---- outputs and run state, driven by the kernel (see applyKernelEvent) ----

  setOutputs(cellId: string, outputs: NotebookOutput[], executionCount: number | null): void {
    const c = this.cell(cellId);
    c.outputs = outputs;
    c.executionCount = executionCount;
    this.emit({ kind: 'outputs', cellId, outputs, executionCount }, true);
  }

  /** Appends an output; consecutive stream text of the same name is merged, as Jupyter does. */
  appendOutput(cellId: string, output: NotebookOutput, displayId?: string): void {
    const c = this.cell(cellId);
    const last = c.outputs[c.outputs.length - 1];
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      const merged: NotebookOutput = { ...last, text: joinMultiline(last.text) + joinMultiline(output.text) };
      c.outputs = [...c.outputs.slice(0, -1), merged];
      this.emit({ kind: 'output', cellId, index: c.outputs.length - 1, output: merged }, true);
      return;
    }
    if (displayId) this.displays.set(output, displayId);
    c.outputs = [...c.outputs, output];
    this.emit({ kind: 'output', cellId, index: c.outputs.length - 1, output }, true);
  }

  /** Replaces, in place, every output showing `displayId` (progress bars, live curves). */
  updateDisplay(displayId: string, data: Record<string, unknown>, metadata: Record<string, unknown>): void {
    for (const c of this.nb.cells) {
      c.outputs.forEach((o, index) => {
        if (this.displays.get(o) !== displayId || (o.output_type !== 'display_data' && o.output_type !== 'execute_result')) return;
        const updated = { ...o, data, metadata };
        this.displays.set(updated, displayId);
        c.outputs = c.outputs.map((x, k) => (k === index ? updated : x));
        this.emit({ kind: 'output', cellId: c.id, index, output: updated }, true);
      });
    }
  }

  setExecutionCount(cellId: string, count: number | null): void {
    const c = this.cell(cellId);
    c.executionCount = count;
    this.emit({ kind: 'outputs', cellId, outputs: c.outputs, executionCount: count }, true);
  }

  setRun(cellId: string, run: CellRunState): void {
    this.runs.set(cellId, run);
    this.emit({ kind: 'run', cellId, run }, false);
  }

  /** A run has ended: its figures become the cell's footer and go into the cell's metadata, saved with the outputs. */
  finishRun(cellId: string, lastRun: CellRunStats, endedAt = Date.now()): void {
    const c = this.cell(cellId);
    c.metadata = withRunRecord(c.metadata, lastRun, endedAt);
    const run: CellRunState = { state: 'idle', lastRun };
    this.runs.set(cellId, run);
    this.emit({ kind: 'run', cellId, run }, true);
  }

  /** Announces a state change (dirty, saved, conflict) with a new version. */
  announce(change: NotebookChange): void {
    this.emit(change, false);
  }
}

function toCellData(c: IpynbCell): CellData {
  return { id: c.id, type: c.type, source: c.source, metadata: c.metadata, outputs: c.outputs, executionCount: c.executionCount };
}
