/**
 * The view's side of a notebook session that lives in main. It keeps a copy of the document,
 * sends edits (typing is batched per cell, structural edits go at once and in order), and
 * applies the session's change events, skipping the echo of its own edits.
 */
import type { CellData, CellRunState, NotebookKernelStatus, LabApi, NotebookChange, NotebookDocument, NotebookEdit, NotebookRef, NotebookState } from '../../../main/api';

export interface SessionListener {
  /** Cells were inserted, deleted, moved or retyped by someone else (or reloaded): redraw the list. */
  structure(): void;
  /** One cell's content changed outside this view (source by another window, outputs by the kernel). */
  cell(cellId: string, change: NotebookChange): void;
  run(cellId: string, run: CellRunState): void;
  state(state: NotebookState): void;
  kernel(info: NotebookKernelStatus): void;
  error(message: string): void;
}

const SOURCE_DELAY_MS = 300;

export class NotebookSessionClient {
  readonly origin = `view-${Math.random().toString(36).slice(2)}`;
  doc!: NotebookDocument;
  private pendingSources = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<unknown> = Promise.resolve();
  private sub: { dispose(): void } | undefined;

  constructor(
    private readonly api: LabApi,
    private readonly listener: SessionListener,
  ) {}

  async open(ref: NotebookRef): Promise<NotebookDocument> {
    // subscribe first, so nothing that happens between the snapshot and the subscription is lost
    const early: { version: number; change: NotebookChange }[] = [];
    let ready = false;
    this.sub = this.api.notebooks.onDidChange((e) => {
      if (this.doc && e.handle !== this.doc.path) return;
      if (!ready) early.push(e);
      else this.apply(e.version, e.change);
    });
    this.doc = await this.api.notebooks.open(ref);
    ready = true;
    for (const e of early) if (e.version > this.doc.version) this.apply(e.version, e.change);
    return this.doc;
  }

  get handle(): string {
    return this.doc.path;
  }

  cell(id: string): CellData | undefined {
    return this.doc.cells.find((c) => c.id === id);
  }

  index(id: string): number {
    return this.doc.cells.findIndex((c) => c.id === id);
  }

  /** Unsaved work: main says so, or typing is still here, or edits are on their way to main. */
  get dirty(): boolean {
    return this.doc.dirty || this.pendingSources.size > 0 || this.unacknowledged > 0;
  }

  /** Edits sent to main and not yet answered: until then main's dirty flag does not know of them. */
  private unacknowledged = 0;

  private apply(version: number, change: NotebookChange): void {
    if (version <= this.doc.version) return;
    this.doc.version = version;
    switch (change.kind) {
      case 'edits': {
        if (change.origin === this.origin) return;
        applyLocally(this.doc.cells, change.edits, change.cells);
        this.listener.structure();
        return;
      }
      case 'outputs':
      case 'output': {
        const c = this.cell(change.cellId);
        if (!c) return;
        if (change.kind === 'outputs') {
          c.outputs = change.outputs;
          c.executionCount = change.executionCount;
        } else {
          c.outputs = [...c.outputs];
          c.outputs[change.index] = change.output;
        }
        this.listener.cell(change.cellId, change);
        return;
      }
      case 'run':
        this.doc.runs[change.cellId] = change.run;
        this.listener.run(change.cellId, change.run);
        return;
      case 'state':
        Object.assign(this.doc, change.state);
        this.listener.state(change.state);
        return;
      case 'kernel':
        this.doc.kernel = change.kernel;
        this.listener.kernel(change.kernel);
        return;
      case 'reloaded':
        this.pendingSources.clear();
        this.doc = change.document;
        this.listener.structure();
        this.listener.state(change.document);
        return;
    }
  }

  /** Records typing in a cell; sent after a short pause, or by flush(). */
  typed(cellId: string, source: string): void {
    const c = this.cell(cellId);
    if (c) c.source = source;
    this.pendingSources.set(cellId, source);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), SOURCE_DELAY_MS);
  }

  /** Sends pending typing now; everything that saves or runs calls this first. */
  flush(): Promise<unknown> {
    clearTimeout(this.timer);
    if (this.pendingSources.size === 0) return this.sending;
    const edits: NotebookEdit[] = [...this.pendingSources].map(([cellId, source]) => ({ kind: 'source', cellId, source }));
    this.pendingSources.clear();
    return this.send(edits);
  }

  /** Applies edits here at once (the view redraws from doc.cells) and sends them in order. */
  edit(edits: NotebookEdit[]): Promise<unknown> {
    void this.flush();
    applyLocally(this.doc.cells, edits, []);
    return this.send(edits);
  }

  private send(edits: NotebookEdit[]): Promise<unknown> {
    this.unacknowledged++;
    const run = this.sending.then(() => this.api.notebooks.edit(this.handle, edits, this.origin));
    this.sending = run.then(
      (state) => Object.assign(this.doc, state),
      (err) => this.listener.error((err as Error).message),
    ).finally(() => this.unacknowledged--);
    return run;
  }

  dispose(): void {
    void this.flush();
    this.sub?.dispose();
  }
}

/** The same edit semantics as main's model, on the view's copy. `fresh` has the cells as main made them. */
export function applyLocally(cells: CellData[], edits: NotebookEdit[], fresh: CellData[]): void {
  const at = (id: string) => cells.findIndex((c) => c.id === id);
  for (const e of edits) {
    switch (e.kind) {
      case 'insert': {
        const made = fresh.find((c) => c.id === e.cell.id);
        cells.splice(e.index, 0, made ?? { id: e.cell.id!, type: e.cell.type, source: e.cell.source, metadata: e.cell.metadata ?? {}, outputs: e.cell.outputs ?? [], executionCount: e.cell.executionCount ?? null });
        break;
      }
      case 'delete':
        if (at(e.cellId) >= 0) cells.splice(at(e.cellId), 1);
        break;
      case 'move': {
        const i = at(e.cellId);
        if (i >= 0) cells.splice(e.toIndex, 0, ...cells.splice(i, 1));
        break;
      }
      case 'source': {
        const c = cells[at(e.cellId)];
        if (c) c.source = e.source;
        break;
      }
      case 'type': {
        const c = cells[at(e.cellId)];
        if (c && c.type !== e.type) Object.assign(c, { type: e.type, outputs: [], executionCount: null });
        break;
      }
      case 'clearOutputs': {
        const c = cells[at(e.cellId)];
        if (c) Object.assign(c, { outputs: [], executionCount: null });
        break;
      }
    }
  }
}
