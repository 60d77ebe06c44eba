/**
 * One cell on screen: its prompt (execution count, queued/running), its input (a Monaco editor,
 * created only when the cell is first seen or edited; until then a plain preview of the same
 * size), rendered markdown, its outputs, the run footer and any `// @param` form.
 */
import type * as Monaco from 'monaco-editor';
import type { CellData, CellRunState, NotebookOutput } from '../../../main/api';
import { renderMarkdown } from '../outputs/markdown';
import { OutputView } from '../outputs/output-view';
import { formatBytes } from '../outputs/tensor-renderer';
import type { RendererRegistry } from '../outputs/registry';
import type { CommandId } from './keymap';
import type { MonacoApi } from './monaco';
import { parseParams, renderParamForm } from './params';

export interface CellHost {
  readonly registry: RendererRegistry;
  readonly trusted: boolean;
  readonly readOnly: boolean;
  monaco(): MonacoApi | undefined;
  /**
   * Where editors put their suggestion lists, hovers and parameter hints: one node outside every
   * cell. A cell is a layout-containment boundary (cheap relayout while typing), and that makes it
   * the containing block of fixed-position descendants, so widgets inside it would be drawn
   * offset by the cell's own position on the page.
   */
  readonly overflowWidgets: HTMLElement;
  /** The Monaco model of a cell (one per cell, so TypeScript sees every cell of the notebook). */
  model(cell: CellData): Monaco.editor.ITextModel;
  typed(cell: CellView, source: string): void;
  editorFocused(cell: CellView): void;
  cellCommand(cell: CellView, command: CommandId): void;
  select(cell: CellView): void;
  paramChanged(cell: CellView): void;
}

export const LINE_HEIGHT = 19;

/** Monaco's theme for the system's colour scheme. */
export const editorTheme = (): 'vs' | 'vs-dark' => (matchMedia('(prefers-color-scheme: dark)').matches ? 'vs-dark' : 'vs');

/**
 * What a cell's editor does not do on each key, to keep typing cheap: a cell is a few lines, so
 * sticky scroll, indent guides and bracket-pair colours add nothing; the light bulb asks the
 * TypeScript worker for code fixes at every cursor move, occurrence highlighting for references
 * (both on the two cores the main thread shares); word-based suggestions run a second worker
 * beside TypeScript's completions. Completions, hover, parameter hints, diagnostics and quick
 * fixes (Ctrl+.) stay.
 */
const LEAN_EDITOR: Monaco.editor.IStandaloneEditorConstructionOptions = {
  stickyScroll: { enabled: false },
  lightbulb: { enabled: 'off' as Monaco.editor.ShowLightbulbIconMode },
  occurrencesHighlight: 'off',
  selectionHighlight: false,
  codeLens: false,
  links: false,
  colorDecorators: false,
  inlayHints: { enabled: 'off' },
  guides: { indentation: false, bracketPairs: false, highlightActiveIndentation: false },
  bracketPairColorization: { enabled: false },
  wordBasedSuggestions: 'off',
  renderWhitespace: 'none',
};

export class CellView {
  readonly element: HTMLElement;
  private readonly prompt: HTMLElement;
  private readonly input: HTMLElement;
  private readonly rendered: HTMLElement;
  private readonly outputsEl: HTMLElement;
  private readonly footer: HTMLElement;
  private readonly side: HTMLElement;
  private outputViews: OutputView[] = [];
  private shownOutputs: NotebookOutput[] = [];
  editor: Monaco.editor.IStandaloneCodeEditor | undefined;
  private editorDisposables: Monaco.IDisposable[] = [];
  private editing = false;
  private run: CellRunState | undefined;
  /** Markdown and outputs are drawn when the cell first comes near the viewport (or in idle time). */
  private revealed = false;

  constructor(
    public cell: CellData,
    private readonly host: CellHost,
  ) {
    this.prompt = div('prompt');
    this.input = div('input');
    this.rendered = div('rendered');
    this.outputsEl = div('outputs');
    this.footer = div('cell-footer muted');
    this.side = div('param-form');
    const body = div('cell-body');
    body.append(this.input, this.rendered, this.side, this.footer, this.outputsEl);
    this.element = div('cell');
    this.element.dataset.cellId = cell.id;
    this.element.tabIndex = -1;
    this.element.append(this.prompt, body, this.cellToolbar());
    this.element.addEventListener('mousedown', () => host.select(this));
    this.rendered.addEventListener('dblclick', () => this.host.cellCommand(this, 'enterEdit'));
    this.outputsEl.addEventListener('dblclick', (e) => {
      if (e.target === this.outputsEl) this.outputsEl.classList.toggle('expanded');
    });
    this.refresh();
  }

  private cellToolbar(): HTMLElement {
    const bar = div('cell-toolbar');
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Cell');
    const items: [string, string, CommandId][] = [
      ['↑', 'Move up (Alt+↑)', 'moveUp'],
      ['↓', 'Move down (Alt+↓)', 'moveDown'],
      ['Copy', 'Copy (C)', 'copy'],
      ['M↓', 'Make it markdown (M)', 'toMarkdown'],
      ['{ }', 'Make it code (Y)', 'toCode'],
      ['Split', 'Split at the cursor (Ctrl+Shift+−)', 'split'],
      ['Merge', 'Merge with the cell below (Shift+M)', 'mergeBelow'],
      ['Clear', 'Clear outputs (O)', 'clearOutputs'],
      ['Delete', 'Delete (D, D)', 'delete'],
    ];
    for (const [label, title, command] of items) {
      const b = document.createElement('button');
      b.textContent = label;
      b.title = title;
      b.setAttribute('aria-label', title);
      b.dataset.command = command;
      b.addEventListener('mousedown', (e) => e.preventDefault()); // keep the editor's cursor for split
      b.addEventListener('click', (e) => {
        e.stopPropagation();
        this.host.cellCommand(this, command);
      });
      bar.append(b);
    }
    return bar;
  }

  get id(): string {
    return this.cell.id;
  }

  get isRevealed(): boolean {
    return this.revealed;
  }

  /** Draws the rendered markdown and the outputs; until then the cell shows its source only. */
  reveal(): void {
    if (this.revealed) return;
    this.revealed = true;
    this.refresh();
  }

  /** Redraws everything from `cell` (after a type change or reload). */
  refresh(): void {
    const c = this.cell;
    this.element.dataset.type = c.type;
    this.element.classList.toggle('markdown-cell', c.type === 'markdown');
    this.showPreview();
    if (!this.revealed) {
      this.rendered.hidden = true;
      this.input.hidden = false;
      this.setRun(this.run);
      return;
    }
    this.setOutputs(c.outputs);
    this.setRun(this.run);
    this.renderRendered();
    this.renderParams();
  }

  private showPreview(): void {
    if (this.editor) {
      monacoLanguage(this.host.monaco(), this.editor.getModel(), this.cell.type);
      return;
    }
    const pre = document.createElement('pre');
    pre.className = 'code-preview';
    pre.textContent = this.cell.source || ' ';
    this.input.replaceChildren(pre);
  }

  private renderRendered(): void {
    const isMd = this.cell.type === 'markdown';
    this.rendered.hidden = !isMd || this.editing;
    this.input.hidden = isMd && !this.editing;
    if (isMd && !this.editing) renderMarkdown(this.rendered, this.cell.source || '*Empty markdown cell: double-click or press Enter to edit*');
  }

  private renderParams(): void {
    const params = this.cell.type === 'code' ? parseParams(this.cell.source) : [];
    this.side.hidden = params.length === 0;
    if (params.length === 0) {
      this.side.replaceChildren();
      return;
    }
    renderParamForm(this.side, params, this.host.readOnly, () => this.cell.source, (source) => {
      this.setSource(source);
      this.host.typed(this, source);
      this.host.paramChanged(this);
    });
  }

  /** Replaces the source (from another window, or a form) without losing the editor. */
  setSource(source: string): void {
    this.cell.source = source;
    const model = this.editor?.getModel();
    if (model && model.getValue() !== source) model.pushEditOperations([], [{ range: model.getFullModelRange(), text: source }], () => null);
    if (!this.editor) this.showPreview();
    this.renderRendered();
  }

  /** Creates the Monaco editor for this cell; cheap to call again. */
  ensureEditor(): Monaco.editor.IStandaloneCodeEditor | undefined {
    this.reveal();
    const monaco = this.host.monaco();
    if (this.editor || !monaco) return this.editor;
    const model = this.host.model(this.cell);
    monacoLanguage(monaco, model, this.cell.type);
    this.input.replaceChildren();
    const editor = monaco.editor.create(this.input, {
      model,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      lineNumbers: 'off',
      glyphMargin: false,
      folding: false,
      lineDecorationsWidth: 8,
      lineNumbersMinChars: 0,
      renderLineHighlight: 'none',
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      scrollbar: { vertical: 'hidden', horizontal: 'auto', alwaysConsumeMouseWheel: false, verticalScrollbarSize: 0 },
      fontSize: 13,
      lineHeight: LINE_HEIGHT,
      wordWrap: this.cell.type === 'markdown' ? 'on' : 'off',
      automaticLayout: false,
      fixedOverflowWidgets: true,
      overflowWidgetsDomNode: this.host.overflowWidgets,
      readOnly: this.host.readOnly,
      padding: { top: 6, bottom: 6 },
      tabSize: 2,
      theme: editorTheme(),
      ariaLabel: `${this.cell.type} cell`,
      ...LEAN_EDITOR,
    });
    this.editor = editor;
    const layout = () => {
      const height = Math.max(editor.getContentHeight(), LINE_HEIGHT + 12);
      this.input.style.height = `${height}px`;
      editor.layout({ width: this.input.clientWidth, height });
    };
    this.editorDisposables.push(
      editor.onDidContentSizeChange(layout),
      model.onDidChangeContent(() => {
        const source = model.getValue();
        if (source === this.cell.source) return;
        this.cell.source = source;
        this.host.typed(this, source);
      }),
      editor.onDidFocusEditorText(() => this.host.editorFocused(this)),
    );
    const key = (id: string, keybinding: number, command: CommandId, when = 'editorTextFocus && !suggestWidgetVisible && !findWidgetVisible && !renameInputVisible') =>
      this.editorDisposables.push(editor.addAction({ id: `mlsys-lab.${id}`, label: id, keybindings: [keybinding], precondition: when, run: () => this.host.cellCommand(this, command) }));
    const { KeyMod, KeyCode } = monaco;
    key('run', KeyMod.CtrlCmd | KeyCode.Enter, 'run', 'editorTextFocus');
    key('runSelectBelow', KeyMod.Shift | KeyCode.Enter, 'runAndSelectBelow', 'editorTextFocus');
    key('runInsertBelow', KeyMod.Alt | KeyCode.Enter, 'runAndInsertBelow', 'editorTextFocus');
    key('commandMode', KeyCode.Escape, 'enterCommand', 'editorTextFocus && !suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible && !renameInputVisible');
    key('save', KeyMod.CtrlCmd | KeyCode.KeyS, 'save', 'editorTextFocus');
    key('split', KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.Minus, 'split', 'editorTextFocus');
    layout();
    return editor;
  }

  /** Relayouts the editor after the notebook's width changed. */
  layout(): void {
    if (this.editor) this.editor.layout({ width: this.input.clientWidth, height: this.input.clientHeight });
  }

  setEditing(editing: boolean): void {
    this.reveal();
    this.editing = editing;
    this.element.classList.toggle('editing', editing);
    this.renderRendered();
    if (editing) {
      const editor = this.ensureEditor();
      editor?.focus();
    } else if (this.cell.type === 'markdown') this.renderRendered();
    if (!editing) this.renderParams();
  }

  setSelected(selected: boolean): void {
    this.element.classList.toggle('selected', selected);
    this.element.setAttribute('aria-selected', String(selected));
  }

  setOutputs(outputs: NotebookOutput[]): void {
    if (!this.revealed) {
      this.renderPrompt();
      return;
    }
    if (this.cell.type !== 'code') outputs = [];
    const ctx = { trusted: this.host.trusted, metadata: {} };
    const next: OutputView[] = [];
    outputs.forEach((o, i) => {
      const view = this.outputViews[i];
      if (view && this.shownOutputs[i] === o) next.push(view);
      else if (view) {
        view.update(o);
        next.push(view);
      } else {
        const v = new OutputView(o, this.host.registry, ctx);
        this.outputsEl.append(v.element);
        next.push(v);
      }
    });
    for (const v of this.outputViews.slice(outputs.length)) v.dispose();
    this.outputViews = next;
    this.shownOutputs = [...outputs];
    this.outputsEl.hidden = outputs.length === 0;
    this.renderPrompt();
  }

  setRun(run: CellRunState | undefined): void {
    this.run = run;
    this.element.dataset.run = run?.state ?? 'idle';
    const last = run?.lastRun;
    this.footer.hidden = !last || this.cell.type !== 'code';
    if (last) {
      const parts = [formatMs(last.wallMs)];
      if (last.backend) parts.push(last.backend);
      if (last.tensorsCreated !== undefined) parts.push(`${last.tensorsCreated} tensor${last.tensorsCreated === 1 ? '' : 's'} created`);
      if (last.tensorsKept) parts.push(`${last.tensorsKept} kept in variables`);
      const leakedBytes = last.tensorsLeakedBytes ? ` (${formatBytes(last.tensorsLeakedBytes)})` : '';
      if (last.tensorsLeaked) parts.push(`${last.tensorsLeaked} leaked${leakedBytes}`);
      // the kernel's own text: it marks an estimate with "≈ … est.", a bare number would not
      if (last.energy) parts.push(last.energy.short);
      this.footer.textContent = parts.join(' · ');
      const leakHelp = last.tensorsLeaked
        ? `${last.tensorsLeaked} of the tensors this run created are still alive${leakedBytes} and no variable holds them, so nothing can dispose them any more: create them inside tf.tidy, or keep them in a variable and tf.dispose them when done.`
        : '';
      this.footer.title = [last.energy?.text, leakHelp].filter(Boolean).join('\n');
      this.footer.dataset.energy = last.energy?.source ?? 'none';
      this.footer.classList.toggle('leak', Boolean(last.tensorsLeaked));
    }
    this.renderPrompt();
  }

  private renderPrompt(): void {
    if (this.cell.type !== 'code') {
      this.prompt.textContent = '';
      return;
    }
    const state = this.run?.state ?? 'idle';
    this.prompt.textContent = state === 'running' ? '[*]' : state === 'queued' ? '[…]' : `[${this.cell.executionCount ?? ' '}]`;
    this.prompt.title = state === 'running' ? 'Running' : state === 'queued' ? 'Queued' : this.cell.executionCount ? `Run #${this.cell.executionCount}` : 'Not run yet';
  }

  dispose(): void {
    for (const d of this.editorDisposables) d.dispose();
    this.editorDisposables = [];
    this.editor?.dispose();
    this.editor = undefined;
    for (const v of this.outputViews) v.dispose();
    this.outputViews = [];
    this.element.remove();
  }
}

function monacoLanguage(monaco: MonacoApi | undefined, model: Monaco.editor.ITextModel | null, type: CellData['type']): void {
  if (!monaco || !model) return;
  const lang = type === 'code' ? 'typescript' : type === 'markdown' ? 'markdown' : 'plaintext';
  if (model.getLanguageId() !== lang) monaco.editor.setModelLanguage(model, lang);
}

function div(className: string): HTMLDivElement {
  const d = document.createElement('div');
  d.className = className;
  return d;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
