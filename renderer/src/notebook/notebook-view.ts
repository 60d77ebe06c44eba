/**
 * The notebook screen: toolbar, kernel status, cells, help and variables panels, and Jupyter's
 * keyboard model. The session lives in main; this view draws it and sends edits. Monaco loads
 * after the cells are on screen, and each cell gets its editor when it first comes into view, so
 * a long notebook opens fast.
 */
import type * as Monaco from 'monaco-editor';
import type { CellData, CellType, NotebookKernelStatus, LabApi, NotebookChange, NotebookRef, NotebookState } from '../../../main/api';
import { ApiCallError } from '../api/client';
import { defaultRegistry } from '../outputs/output-view';
import { h } from '../shell/dom';
import type { View } from '../shell/view';
import { CellView, editorTheme, type CellHost } from './cell-view';
import { helpPanel } from './help-panel';
import { Keymap, type CommandId } from './keymap';
import { loadMonaco, type MonacoApi } from './monaco';
import { NotebookSessionClient } from './notebook-session';
import { renderVariables } from './variables-panel';

const newId = () => crypto.randomUUID().replace(/-/g, '').slice(0, 12);

type Mode = 'command' | 'edit';

export class NotebookView implements View, CellHost {
  title = 'Notebook';
  readonly registry = defaultRegistry();
  private session: NotebookSessionClient;
  private views = new Map<string, CellView>();
  private selected = 0;
  private mode: Mode = 'command';
  private keymap = new Keymap();
  private monacoApi: MonacoApi | undefined;
  private models = new Map<string, Monaco.editor.ITextModel>();
  private deleted: { cell: CellData; index: number }[] = [];
  private clipboard: CellData | undefined;
  private observer: IntersectionObserver | undefined;
  private editorQueue = new Set<CellView>();
  private cleanup: (() => void)[] = [];
  private disposed = false;

  private root = h('div', { class: 'notebook', 'data-mode': 'command' });
  private cellsEl = h('div', { class: 'cells', role: 'list', 'aria-label': 'Cells', tabindex: '0' });
  private titleEl = h('h1', { class: 'notebook-title' });
  private stateEl = h('span', { class: 'save-state muted' });
  private kernelEl = h('span', { class: 'kernel-status', 'data-state': 'none' });
  private banners = h('div', { class: 'banners' });
  private aside = h('aside', { class: 'variables-panel', hidden: true, 'aria-label': 'Variables' });
  private help: HTMLElement | undefined;
  /** CellHost.overflowWidgets; `monaco-editor` and the theme's class give it the editors' colours. */
  readonly overflowWidgets = h('div', { class: `cell-overflow-widgets monaco-editor ${editorTheme()}` });

  constructor(
    private readonly api: LabApi,
    private readonly ref: NotebookRef,
  ) {
    this.session = new NotebookSessionClient(api, {
      structure: () => this.renderStructure(),
      cell: (id, change) => this.cellChanged(id, change),
      run: (id, run) => {
        this.views.get(id)?.setRun(run);
        if (run.state === 'idle' && !this.aside.hidden) void this.refreshVariables();
      },
      state: (s) => this.renderState(s),
      kernel: (k) => this.renderKernel(k),
      error: (m) => this.showError(m),
    });
  }

  get trusted(): boolean {
    return this.session.doc?.trusted ?? false;
  }
  get readOnly(): boolean {
    return this.session.doc?.readOnly ?? true;
  }

  async mount(host: HTMLElement): Promise<void> {
    performance.mark('notebook-open');
    const doc = await this.session.open(this.ref);
    if (this.disposed) return;
    this.title = doc.title;
    document.title = `${doc.title} · mlsys-lab`;
    this.titleEl.textContent = doc.title;
    host.append(this.root);
    this.root.append(
      h('header', { class: 'notebook-header' }, this.titleEl, this.stateEl, h('span', { class: 'spacer' }), this.kernelEl),
      this.toolbar(),
      this.banners,
      h('div', { class: 'notebook-main' }, this.cellsEl, this.aside),
      this.overflowWidgets,
    );
    if (doc.notice) this.banners.append(h('div', { class: 'notice', role: 'status' }, doc.notice));
    this.root.classList.toggle('read-only', doc.readOnly);
    this.renderStructure();
    this.renderState(doc);
    this.renderKernel(doc.kernel);
    this.select(0, false);
    this.listen();
    this.observeCells();
    performance.mark('notebook-rendered');
    // editors come after the first paint; the cells can be read and navigated meanwhile
    void loadMonaco().then((monaco) => {
      if (this.disposed) return;
      this.monacoApi = monaco;
      performance.mark('monaco-loaded');
      this.drainEditors();
    });
  }

  // ---- CellHost ----

  monaco(): MonacoApi | undefined {
    return this.monacoApi;
  }

  model(cell: CellData): Monaco.editor.ITextModel {
    let m = this.models.get(cell.id);
    if (!m || m.isDisposed()) {
      const monaco = this.monacoApi!;
      const uri = monaco.Uri.parse(`file:///notebook/${encodeURIComponent(this.session.handle)}/cell-${cell.id}.ts`);
      m = monaco.editor.getModel(uri) ?? monaco.editor.createModel(cell.source, cell.type === 'code' ? 'typescript' : 'markdown', uri);
      this.models.set(cell.id, m);
    }
    return m;
  }

  typed(cell: CellView, source: string): void {
    if (this.readOnly) return;
    const wasDirty = this.session.dirty;
    this.session.typed(cell.id, source);
    // on every key: redraw the header only when the dirty marker appears (no layout per key)
    if (!wasDirty) this.renderState(this.session.doc);
  }

  editorFocused(cell: CellView): void {
    this.select(this.index(cell), false);
    this.setMode('edit');
  }

  /**
   * Selects a cell; keyboard moves (by index) bring it into view. A cell clicked is not scrolled:
   * it is in view already, and moving it between the press and the release of the button would
   * take the click away from what was under the pointer (a button in a tall output).
   */
  select(target: CellView | number, scroll = typeof target === 'number'): void {
    const cells = this.session.doc.cells;
    const i = typeof target === 'number' ? target : this.index(target);
    if (cells.length === 0) return;
    const next = Math.max(0, Math.min(cells.length - 1, i));
    const prevView = this.views.get(cells[this.selected]?.id);
    if (prevView && next !== this.selected && this.mode === 'edit') {
      prevView.setEditing(false);
      this.setMode('command');
    }
    prevView?.setSelected(false);
    this.selected = next;
    const view = this.current();
    view?.setSelected(true);
    if (scroll) view?.element.scrollIntoView({ block: 'nearest' });
  }

  cellCommand(cell: CellView, command: CommandId): void {
    if (this.index(cell) !== this.selected) this.select(cell, false);
    this.command(command);
  }

  paramChanged(cell: CellView): void {
    void this.runCells([cell.id]);
  }

  // ---- drawing ----

  private index(cell: CellView): number {
    return this.session.index(cell.id);
  }

  private current(): CellView | undefined {
    return this.views.get(this.session.doc.cells[this.selected]?.id);
  }

  private renderStructure(): void {
    const cells = this.session.doc.cells;
    const seen = new Set<string>();
    let before: Element | null = this.cellsEl.firstElementChild;
    for (const c of cells) {
      seen.add(c.id);
      let view = this.views.get(c.id);
      if (!view) {
        view = new CellView(c, this);
        view.element.setAttribute('role', 'listitem');
        view.setRun(this.session.doc.runs[c.id]);
        this.views.set(c.id, view);
        this.observer?.observe(view.element);
      } else if (view.cell !== c || view.element.dataset.type !== c.type) {
        view.cell = c;
        view.refresh();
        view.setSource(c.source);
      } else if (view.editor && view.editor.getValue() !== c.source) view.setSource(c.source);
      if (view.element !== before) this.cellsEl.insertBefore(view.element, before);
      else before = before.nextElementSibling;
    }
    for (const [id, view] of this.views) {
      if (seen.has(id)) continue;
      view.dispose();
      this.views.delete(id);
      this.models.get(id)?.dispose();
      this.models.delete(id);
    }
    if (cells.length === 0) this.cellsEl.append(h('p', { class: 'muted empty' }, 'This notebook has no cells. Press B to add one.'));
    else this.cellsEl.querySelector(':scope > .empty')?.remove();
    this.selected = Math.min(this.selected, Math.max(0, cells.length - 1));
    for (const [i, c] of cells.entries()) this.views.get(c.id)?.setSelected(i === this.selected);
  }

  private cellChanged(id: string, change: NotebookChange): void {
    const view = this.views.get(id);
    const cell = this.session.cell(id);
    if (!view || !cell) return;
    if (change.kind === 'outputs' || change.kind === 'output') view.setOutputs(cell.outputs);
  }

  private renderState(s: NotebookState): void {
    const dirty = this.session.dirty;
    this.root.classList.toggle('dirty', dirty);
    this.titleEl.dataset.dirty = String(dirty);
    this.titleEl.title = dirty ? 'Unsaved changes' : 'Saved';
    const parts = [];
    if (s.readOnly) parts.push('read-only');
    else if (dirty) parts.push('unsaved changes');
    else if (s.savedAt) parts.push(`saved ${new Date(s.savedAt).toLocaleTimeString()}`);
    else parts.push('saved');
    if (s.saveError) parts.push(s.saveError);
    this.stateEl.textContent = parts.join(' · ');
    this.banners.querySelector('.disk-changed')?.remove();
    if (s.diskChanged) {
      this.banners.append(
        h(
          'div',
          { class: 'problem disk-changed', role: 'alert' },
          'This notebook was changed on disk by another program. Nothing has been overwritten. ',
          h('button', { onclick: () => void this.reload() }, 'Reload their version'),
          ' ',
          h('button', { onclick: () => void this.save(true) }, 'Keep mine and overwrite'),
        ),
      );
    }
  }

  private renderKernel(k: NotebookKernelStatus): void {
    this.kernelEl.dataset.state = k.state;
    const where = [k.backend, k.device].filter(Boolean).join(' · ');
    this.kernelEl.textContent = `Kernel: ${k.state === 'none' ? 'not started' : k.state}${where ? ` (${where})` : ''}`;
    this.kernelEl.title = k.message ?? '';
  }

  private showError(message: string): void {
    const el = h('div', { class: 'problem', role: 'alert' }, message, ' ', h('button', { class: 'dismiss', onclick: () => el.remove() }, 'Dismiss'));
    this.banners.append(el);
  }

  private toolbar(): HTMLElement {
    const b = (label: string, title: string, command: CommandId | [string, () => void], cls = '') =>
      h('button', { class: cls, title, 'aria-label': title, 'data-command': typeof command === 'string' ? command : command[0], onclick: () => (typeof command === 'string' ? this.command(command) : command[1]()) }, label);
    return h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Notebook' },
      b('Save', 'Save (Ctrl+S)', 'save'),
      h('span', { class: 'sep' }),
      b('+ Code', 'Insert a code cell below (B)', 'insertBelow'),
      b('+ Text', 'Insert a markdown cell below', ['insertMarkdown', () => this.insert(this.selected + 1, 'markdown', true)]),
      b('Paste', 'Paste the cell below (V)', 'pasteBelow'),
      b('Undo delete', 'Undo the last delete (Z)', 'undoDelete'),
      h('span', { class: 'sep' }),
      b('▶ Run', 'Run the cell and select below (Shift+Enter)', 'runAndSelectBelow', 'primary'),
      b('Run all', 'Run every cell', 'runAll'),
      b('Above', 'Run the cells above this one', ['runAbove', () => void this.runRange(0, this.selected)]),
      b('Below', 'Run this cell and the ones below', ['runBelow', () => void this.runRange(this.selected, this.session.doc.cells.length)]),
      b('■ Interrupt', 'Interrupt the kernel (I, I)', 'interrupt'),
      b('↻ Restart', 'Restart the kernel (0, 0)', 'restart'),
      b('↻ Run all', 'Restart the kernel, then run every cell', ['restartRunAll', () => void this.restart(true)]),
      h('span', { class: 'sep' }),
      b('Variables', 'Show the kernel variables', ['variables', () => void this.toggleVariables()]),
      b('?', 'Keyboard shortcuts (H)', 'help'),
    );
  }

  // ---- keyboard ----

  private setMode(mode: Mode): void {
    this.mode = mode;
    this.root.dataset.mode = mode;
  }

  private listen(): void {
    const onKey = (e: KeyboardEvent) => {
      if (this.help && this.help.contains(e.target as Node)) return;
      const inEditor = (e.target as HTMLElement).closest?.('.monaco-editor') !== null && (e.target as HTMLElement).closest?.('.notebook') !== null;
      const inField = !inEditor && (e.target as HTMLElement).matches?.('input, select, textarea, button');
      if (inEditor) return; // edit mode keys are Monaco actions (see CellView.ensureEditor)
      if (e.key === 's' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.save();
        return;
      }
      if (inField || !this.root.isConnected) return;
      const cmd = this.keymap.press({ key: e.key, ctrl: e.ctrlKey || e.metaKey, shift: e.shiftKey, alt: e.altKey }, 'command', performance.now());
      if (cmd === undefined) return;
      e.preventDefault();
      if (cmd !== 'pending') this.command(cmd);
    };
    document.addEventListener('keydown', onKey);
    const beforeUnload = (e: BeforeUnloadEvent) => {
      // read before flushing: flush() hands the last keys to main, and until main answers they
      // count as neither pending nor unsaved, so a close right after typing would not ask
      const unsaved = this.session.dirty;
      void this.session.flush();
      if (unsaved && this.autosaveOff) e.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    // an app link in a cell's output (a lab's "open Annotate") opens beside the notebook, not over
    // it: the cell that printed it is usually waiting for what the person does there
    const openBeside = (e: MouseEvent) => {
      const link = (e.target as Element | null)?.closest?.('.outputs a[href^="#/"]');
      if (!link || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      window.open(new URL(link.getAttribute('href')!, location.href).href, '_blank');
    };
    this.cellsEl.addEventListener('click', openBeside);
    const resize = new ResizeObserver(() => {
      for (const v of this.views.values()) v.layout();
    });
    resize.observe(this.cellsEl);
    this.cleanup.push(
      () => document.removeEventListener('keydown', onKey),
      () => window.removeEventListener('beforeunload', beforeUnload),
      () => this.cellsEl.removeEventListener('click', openBeside),
      () => resize.disconnect(),
    );
    void this.api.settings.get().then((s) => (this.autosaveOff = s['notebook.autosaveSeconds'] === 0));
  }

  private autosaveOff = false;

  /** Whether leaving is fine; asks first when there is unsaved work that autosave will not save. */
  canLeave(): boolean {
    if (!this.session.doc || !this.session.dirty || !this.autosaveOff) return true;
    return confirm(`"${this.session.doc.title}" has unsaved changes. Leave without saving? (They stay open in this session until the app quits.)`);
  }

  private near = new Set<CellView>();
  private observedOnce = false;

  private laterQueue = new Set<CellView>();

  /** Cells near the viewport are drawn in full and get their editor; the rest wait for idle time. */
  private observeCells(): void {
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const view = this.views.get((e.target as HTMLElement).dataset.cellId ?? '');
          if (!view) continue;
          if (!e.isIntersecting) {
            this.near.delete(view);
            continue;
          }
          this.near.add(view);
          view.reveal();
          if (!view.editor && view.cell.type === 'code') {
            // cells actually in view get their editor first; those within the margin after them
            const r = e.boundingClientRect;
            const root = this.cellsEl.getBoundingClientRect();
            (r.bottom > root.top && r.top < root.bottom ? this.editorQueue : this.laterQueue).add(view);
          }
        }
        this.observedOnce = true;
        if (this.monacoApi) this.drainEditors();
      },
      { root: this.cellsEl, rootMargin: '600px 0px' },
    );
    for (const v of this.views.values()) this.observer.observe(v.element);
  }

  /** Draws the cells that are not in view yet, and makes their editor models, a few at a time. */
  private revealInIdleTime(): void {
    const idle = (cb: (deadline: IdleDeadline) => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(cb, { timeout: 500 }) : setTimeout(() => cb({ timeRemaining: () => 8, didTimeout: true }), 16));
    const step = (deadline: IdleDeadline) => {
      if (this.disposed) return;
      for (const c of this.session.doc.cells) {
        if (deadline.timeRemaining() < 2) break;
        const v = this.views.get(c.id);
        if (!v) continue;
        if (!v.isRevealed) v.reveal();
        // one model per code cell, so TypeScript knows what every cell declares
        else if (c.type === 'code' && this.monacoApi && !this.models.has(c.id)) this.model(c);
      }
      const pending = this.session.doc.cells.some((c) => !this.views.get(c.id)?.isRevealed || (c.type === 'code' && this.monacoApi && !this.models.has(c.id)));
      if (pending) idle(step);
    };
    idle(step);
  }

  private draining = false;
  /** Creates queued editors a few at a time, so scrolling and typing stay smooth. */
  private drainEditors(): void {
    if (this.draining) return;
    this.draining = true;
    const step = () => {
      const start = performance.now();
      for (const queue of [this.editorQueue, this.laterQueue]) {
        for (const v of queue) {
          // the editors in view are made in one go (one layout, one paint); the rest a few per frame
          if (queue === this.laterQueue && performance.now() - start > 12) break;
          queue.delete(v);
          if (this.views.get(v.id) === v && this.near.has(v)) v.ensureEditor();
        }
        if (queue.size) break;
        // the editors in view exist: the notebook is interactive (the benchmark waits for this)
        if (queue === this.editorQueue && !this.root.dataset.editors && this.observedOnce) {
          this.root.dataset.editors = 'ready';
          performance.mark('notebook-interactive');
          this.revealInIdleTime();
        }
      }
      if ((this.editorQueue.size || this.laterQueue.size) && !this.disposed) requestAnimationFrame(step);
      else this.draining = false;
    };
    requestAnimationFrame(step);
  }

  command(cmd: CommandId): void {
    const cells = this.session.doc.cells;
    const view = this.current();
    const edits: CommandId[] = ['insertAbove', 'insertBelow', 'delete', 'undoDelete', 'toMarkdown', 'toCode', 'moveUp', 'moveDown', 'cut', 'pasteBelow', 'mergeBelow', 'split', 'clearOutputs'];
    if (this.readOnly && edits.includes(cmd)) {
      this.showError('This notebook is read-only.');
      return;
    }
    switch (cmd) {
      case 'run':
        void this.runSelected();
        break;
      case 'runAndSelectBelow':
        void this.runSelected();
        if (this.selected >= cells.length - 1) this.insert(cells.length, 'code', true);
        else {
          this.select(this.selected + 1);
          this.leaveEdit();
        }
        break;
      case 'runAndInsertBelow':
        void this.runSelected();
        this.insert(this.selected + 1, 'code', true);
        break;
      case 'runAll':
        void this.runRange(0, cells.length);
        break;
      case 'enterEdit':
        if (!view || this.readOnly) break;
        this.setMode('edit');
        view.setEditing(true);
        break;
      case 'enterCommand':
        this.leaveEdit();
        break;
      case 'insertAbove':
        this.insert(this.selected, 'code', false);
        break;
      case 'insertBelow':
        this.insert(cells.length ? this.selected + 1 : 0, 'code', false);
        break;
      case 'delete': {
        if (!view) break;
        this.deleted.push({ cell: structuredClone(view.cell), index: this.selected });
        void this.session.edit([{ kind: 'delete', cellId: view.id }]);
        this.renderStructure();
        this.select(this.selected);
        this.focusCells();
        break;
      }
      case 'undoDelete': {
        const d = this.deleted.pop();
        if (!d) break;
        const index = Math.min(d.index, cells.length);
        void this.session.edit([{ kind: 'insert', index, cell: d.cell }]);
        this.renderStructure();
        this.select(index);
        break;
      }
      case 'toMarkdown':
      case 'toCode':
        if (view) this.changeType(view, cmd === 'toMarkdown' ? 'markdown' : 'code');
        break;
      case 'selectAbove':
        this.select(this.selected - 1);
        break;
      case 'selectBelow':
        this.select(this.selected + 1);
        break;
      case 'moveUp':
      case 'moveDown': {
        const to = this.selected + (cmd === 'moveUp' ? -1 : 1);
        if (!view || to < 0 || to >= cells.length) break;
        void this.session.edit([{ kind: 'move', cellId: view.id, toIndex: to }]);
        this.renderStructure();
        this.select(to);
        this.focusCells();
        break;
      }
      case 'copy':
        if (view) this.clipboard = structuredClone(view.cell);
        break;
      case 'cut':
        if (view) {
          this.clipboard = structuredClone(view.cell);
          this.command('delete');
        }
        break;
      case 'pasteBelow':
        if (this.clipboard) {
          const index = cells.length ? this.selected + 1 : 0;
          void this.session.edit([{ kind: 'insert', index, cell: { ...structuredClone(this.clipboard), id: newId() } }]);
          this.renderStructure();
          this.select(index);
        }
        break;
      case 'mergeBelow': {
        const next = cells[this.selected + 1];
        if (!view || !next) break;
        const source = [view.cell.source, next.source].filter((s) => s !== '').join('\n');
        void this.session.edit([
          { kind: 'source', cellId: view.id, source },
          { kind: 'delete', cellId: next.id },
        ]);
        view.setSource(source);
        this.renderStructure();
        break;
      }
      case 'split': {
        const editor = view?.editor;
        const model = editor?.getModel();
        const pos = editor?.getPosition();
        if (!view || !model || !pos) break;
        const offset = model.getOffsetAt(pos);
        const source = model.getValue();
        const [a, b] = [source.slice(0, offset).replace(/\n$/, ''), source.slice(offset).replace(/^\n/, '')];
        const id = newId();
        view.setSource(a);
        void this.session.edit([
          { kind: 'source', cellId: view.id, source: a },
          { kind: 'insert', index: this.selected + 1, cell: { id, type: view.cell.type, source: b } },
        ]);
        this.renderStructure();
        this.select(this.selected + 1);
        this.setMode('edit');
        this.current()?.setEditing(true);
        break;
      }
      case 'clearOutputs':
        if (view) {
          void this.session.edit([{ kind: 'clearOutputs', cellId: view.id }]);
          view.setOutputs([]);
          view.refresh();
        }
        break;
      case 'save':
        void this.save();
        break;
      case 'interrupt':
        void this.call(() => this.api.notebooks.interrupt(this.session.handle));
        break;
      case 'restart':
        void this.restart(false);
        break;
      case 'help':
        this.toggleHelp();
        break;
    }
  }

  private leaveEdit(): void {
    const view = this.current();
    if (this.mode === 'edit' && view) view.setEditing(false);
    this.setMode('command');
    this.focusCells();
  }

  private focusCells(): void {
    (this.current()?.element ?? this.cellsEl).focus({ preventScroll: true });
  }

  private insert(index: number, type: CellType, edit: boolean): void {
    if (this.readOnly) return;
    const id = newId();
    void this.session.edit([{ kind: 'insert', index, cell: { id, type, source: '' } }]);
    this.renderStructure();
    this.select(index);
    if (edit) {
      this.setMode('edit');
      this.current()?.setEditing(true);
    } else {
      this.leaveEdit();
    }
  }

  private changeType(view: CellView, type: CellType): void {
    if (view.cell.type === type) return;
    void this.session.edit([{ kind: 'type', cellId: view.id, type }]);
    view.refresh();
    this.renderStructure();
  }

  private async runSelected(): Promise<void> {
    const view = this.current();
    if (!view) return;
    if (view.cell.type === 'markdown') {
      view.setEditing(false);
      return;
    }
    await this.runCells([view.id]);
  }

  private async runRange(from: number, to: number): Promise<void> {
    const cells = this.session.doc.cells.slice(from, to);
    for (const c of cells) if (c.type === 'markdown') this.views.get(c.id)?.setEditing(false);
    await this.runCells(cells.filter((c) => c.type === 'code').map((c) => c.id));
  }

  private async runCells(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.session.flush();
    await this.call(() => this.api.notebooks.run(this.session.handle, ids));
  }

  private async restart(runAll: boolean): Promise<void> {
    await this.session.flush();
    await this.call(() => this.api.notebooks.restart(this.session.handle, { runAll }));
  }

  private async call(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.showError((err as Error).message);
    }
  }

  async save(overwrite = false): Promise<void> {
    if (this.readOnly) return;
    await this.session.flush();
    try {
      const state = await this.api.notebooks.save(this.session.handle, { overwrite });
      Object.assign(this.session.doc, state);
      this.renderState(state);
    } catch (err) {
      if (err instanceof ApiCallError && err.code === 'E_DISK_CHANGED') this.renderState({ ...this.session.doc, diskChanged: true });
      else this.showError((err as Error).message);
    }
  }

  private async reload(): Promise<void> {
    await this.call(async () => {
      const doc = await this.api.notebooks.revert(this.session.handle);
      this.session.doc = doc;
      for (const v of this.views.values()) v.dispose();
      this.views.clear();
      for (const m of this.models.values()) m.dispose();
      this.models.clear();
      this.renderStructure();
      this.renderState(doc);
      for (const v of this.views.values()) this.observer?.observe(v.element);
    });
  }

  private toggleHelp(): void {
    if (this.help) {
      this.help.remove();
      this.help = undefined;
      this.focusCells();
      return;
    }
    this.help = helpPanel(() => this.toggleHelp());
    this.root.append(this.help);
    this.help.focus();
  }

  private async toggleVariables(): Promise<void> {
    this.aside.hidden = !this.aside.hidden;
    if (!this.aside.hidden) await this.refreshVariables();
  }

  private async refreshVariables(): Promise<void> {
    try {
      const vars = this.session.doc.kernel.state === 'none' ? 'The kernel has not started yet. Run a cell to start it.' : await this.api.notebooks.variables(this.session.handle);
      this.aside.replaceChildren(h('h2', {}, 'Variables'));
      const body = h('div', {});
      renderVariables(body, vars);
      this.aside.append(body);
    } catch (err) {
      this.aside.replaceChildren(h('h2', {}, 'Variables'), h('p', { class: 'problem' }, (err as Error).message));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.cleanup) c();
    this.observer?.disconnect();
    this.session.dispose();
    for (const v of this.views.values()) v.dispose();
    this.views.clear();
    for (const m of this.models.values()) m.dispose();
    this.models.clear();
  }
}
