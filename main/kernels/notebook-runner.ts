/**
 * Runs a notebook top to bottom in a real kernel, like `jupyter nbconvert --execute`: outputs are
 * written back in nbformat form, errors stop the run (unless allowed), and checks made with
 * `lab.check` are counted. The `run` command and the pack checker both call runNotebook().
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { MIME, type CheckResult, type ExecuteReplyContent } from '../../kernels/protocol';
import type { KernelOutput } from '../api/kernels';
import { KernelManager } from './kernel-manager';
import { parseIpynb } from '../notebooks/ipynb';

/** The parts of an nbformat 4 notebook the runner reads and writes. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: {
    kernelspec?: { name?: string; display_name?: string; language?: string };
    language_info?: { name?: string; [k: string]: unknown };
    [k: string]: unknown;
  };
  cells: NotebookCell[];
}

export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: { tags?: string[]; [k: string]: unknown };
  outputs?: Record<string, unknown>[];
  execution_count?: number | null;
  id?: string;
  [k: string]: unknown;
}

export interface RunOptions {
  /** A manager to run in; default a private one, disposed at the end. */
  manager?: KernelManager;
  /** Working directory of the kernel (relative imports, data files); default the notebook's folder. */
  cwd?: string;
  /** Run the cells after a failing one too (nbconvert's --allow-errors). */
  allowErrors?: boolean;
  /** Per-cell limit; a cell over it is interrupted and counts as an error. Default: none. */
  cellTimeoutMs?: number;
  /** Called after each code cell. */
  onCell?: (index: number, reply: ExecuteReplyContent) => void;
}

export interface RunSummary {
  /** Code cells in the notebook, and how many ran. */
  cells: number;
  executed: number;
  errors: number;
  /** Every `lab.check` result, with the cell (0-based index among all cells) that reported it. */
  checks: { passed: number; failed: number; results: (CheckResult & { cell: number })[] };
  wallMs: number;
  /** The first error: which cell (0-based index among all cells), its name and message. */
  firstError?: { cell: number; ename: string; evalue: string };
  backend: string | null;
  /** The notebook with outputs, execution counts and per-cell metrics filled in. */
  notebook: Notebook;
}

/** Kernels whose notebooks are TypeScript or JavaScript (kernelspec names). */
const TS_KERNELS = new Set(['mlsys-lab', 'tslab', 'jslab', 'deno', 'typescript', 'javascript', 'nodejs', 'ijavascript']);
const TS_LANGUAGES = new Set(['typescript', 'javascript', 'ts', 'js']);

/** Why `nb` cannot run in this kernel (wrong language, wrong format), or undefined. */
export function notebookProblem(nb: unknown, file: string): string | undefined {
  if (typeof nb !== 'object' || nb === null || Array.isArray(nb)) return `${file} is not a notebook: it must hold a JSON object.`;
  const n = nb as Partial<Notebook>;
  if (n.nbformat !== 4) return `${file} is nbformat ${JSON.stringify(n.nbformat)}; mlsys-lab reads nbformat 4 (open and save it in Jupyter to upgrade).`;
  if (!Array.isArray(n.cells)) return `${file} has no "cells" list.`;
  const ks = n.metadata?.kernelspec;
  const lang = String(n.metadata?.language_info?.name ?? ks?.language ?? '').toLowerCase();
  if (lang && !TS_LANGUAGES.has(lang)) {
    return `${file} is a ${lang} notebook (kernel "${ks?.display_name ?? ks?.name ?? 'unknown'}"); mlsys-lab runs TypeScript and JavaScript notebooks (mlsys-lab, tslab, Deno).`;
  }
  if (!lang && ks?.name && !TS_KERNELS.has(ks.name.toLowerCase())) {
    return `${file} was written for the kernel "${ks.name}", which is not a TypeScript kernel; mlsys-lab runs TypeScript and JavaScript notebooks (mlsys-lab, tslab, Deno).`;
  }
  for (let i = 0; i < n.cells.length; i++) {
    const c = n.cells[i] as Partial<NotebookCell>;
    if (typeof c !== 'object' || c === null || typeof c.cell_type !== 'string') return `${file}: cell ${i + 1} has no cell_type.`;
    if (typeof c.source !== 'string' && !(Array.isArray(c.source) && c.source.every((s) => typeof s === 'string'))) return `${file}: cell ${i + 1} has no source text.`;
  }
  return undefined;
}

/** Reads and checks a notebook file; throws an Error that names the file and the problem. */
export function readNotebook(path: string): Notebook {
  let text: string, nb: unknown;
  try {
    text = readFileSync(path, 'utf8');
    nb = JSON.parse(text);
  } catch (err) {
    throw new Error(`Cannot read notebook ${path}: ${(err as Error).message}`);
  }
  const problem = notebookProblem(nb, basename(path));
  if (problem) throw new Error(problem);
  // the app's own validation too, so a notebook that passes `pack check` also opens in the app
  let generated = 0;
  parseIpynb(text, basename(path), () => `runner-${++generated}`);
  return nb as Notebook;
}

const sourceText = (s: string | string[]) => (Array.isArray(s) ? s.join('') : s);

/** nbformat stores multi-line text as a list of lines, each with its newline. */
function toLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

function mimeForFile(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(data)) out[mime] = typeof value === 'string' && (mime.startsWith('text/') || mime === 'image/svg+xml') ? toLines(value) : value;
  return out;
}

/**
 * Applies kernel outputs to cells' output lists: streams merge, update_display_data replaces
 * every output with its display id (in any cell), clear_output(wait) clears on the next output.
 */
class OutputCollector {
  private readonly displays = new Map<string, Record<string, unknown>[]>();
  private clearPending = false;
  readonly checks: CheckResult[] = [];

  constructor(private readonly outputs: Record<string, unknown>[]) {}

  add(o: KernelOutput): void {
    if (o.output_type === 'clear_output') {
      if (o.wait) this.clearPending = true;
      else this.outputs.length = 0;
      return;
    }
    if (o.output_type === 'update_display_data') {
      for (const target of this.displays.get(o.transient.display_id) ?? []) {
        target.data = mimeForFile(o.data);
        target.metadata = o.metadata;
      }
      return;
    }
    if (this.clearPending) {
      this.outputs.length = 0;
      this.clearPending = false;
    }
    switch (o.output_type) {
      case 'stream': {
        const last = this.outputs[this.outputs.length - 1];
        if (last && last.output_type === 'stream' && last.name === o.name) {
          last.text = toLines((last.text as string[]).join('') + o.text);
        } else this.outputs.push({ output_type: 'stream', name: o.name, text: toLines(o.text) });
        return;
      }
      case 'display_data': {
        const out = { output_type: 'display_data', data: mimeForFile(o.data), metadata: o.metadata };
        this.outputs.push(out);
        const id = o.transient?.display_id;
        if (id) this.displays.set(id, [...(this.displays.get(id) ?? []), out]);
        const check = o.data[MIME.check] as CheckResult | undefined;
        if (check && typeof check.name === 'string') this.checks.push(check);
        return;
      }
      case 'execute_result':
        this.outputs.push({ output_type: 'execute_result', execution_count: o.execution_count, data: mimeForFile(o.data), metadata: o.metadata });
        return;
      case 'error':
        this.outputs.push({ output_type: 'error', ename: o.ename, evalue: o.evalue, traceback: o.traceback });
        return;
    }
  }
}

export async function runNotebook(notebookPath: string, options: RunOptions = {}): Promise<RunSummary> {
  const t0 = performance.now();
  const path = resolve(notebookPath);
  const nb = readNotebook(path);
  const manager = options.manager ?? new KernelManager();
  const summary: RunSummary = { cells: 0, executed: 0, errors: 0, checks: { passed: 0, failed: 0, results: [] }, wallMs: 0, backend: null, notebook: nb };
  summary.cells = nb.cells.filter((c) => c.cell_type === 'code').length;
  // a notebook path as the key would share a kernel with the same notebook open in the app
  const info = await manager.start({ notebook: `run:${path}:${process.hrtime.bigint()}`, cwd: options.cwd ?? dirname(path) });
  const session = manager.session(info.kernelId);
  let collector: OutputCollector | undefined;
  let currentMsg: string | undefined;
  const sub = manager.onOutput((e) => {
    if (e.kernelId === info.kernelId && e.msgId === currentMsg) collector?.add(e.output);
  });
  try {
    for (let i = 0; i < nb.cells.length; i++) {
      const cell = nb.cells[i];
      if (cell.cell_type !== 'code') continue;
      cell.outputs = [];
      cell.execution_count = null;
      if (cell.metadata?.tags?.includes('skip-execution')) continue;
      if (summary.errors > 0 && !options.allowErrors) continue;
      collector = new OutputCollector(cell.outputs);
      const run = session.execute(sourceText(cell.source), { stopOnError: false });
      currentMsg = run.msgId;
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      if (options.cellTimeoutMs) {
        timer = setTimeout(() => {
          timedOut = true;
          void session.interrupt().then((outcome) => {
            if (outcome === 'unresponsive') void session.restart();
          });
        }, options.cellTimeoutMs);
      }
      const reply = await run.done;
      clearTimeout(timer);
      summary.executed++;
      cell.execution_count = reply.execution_count;
      if (reply.metrics) cell.metadata = { ...cell.metadata, 'mlsys-lab': { metrics: reply.metrics } };
      for (const check of collector.checks) {
        summary.checks.results.push({ ...check, cell: i });
        if (check.passed) summary.checks.passed++;
        else summary.checks.failed++;
      }
      if (reply.status !== 'ok') {
        summary.errors++;
        const ename = timedOut ? 'TimeoutError' : (reply.ename ?? 'Error');
        const evalue = timedOut ? `The cell ran longer than ${options.cellTimeoutMs! / 1000} s and was interrupted.` : (reply.evalue ?? reply.status);
        summary.firstError ??= { cell: i, ename, evalue };
      }
      options.onCell?.(i, reply);
    }
    summary.backend = session.status().backend?.name ?? null;
  } finally {
    sub.dispose();
    if (options.manager) await manager.shutdown(info.kernelId).catch(() => {});
    else await manager.dispose();
  }
  nb.metadata.kernelspec ??= { name: 'mlsys-lab', display_name: 'TypeScript (mlsys-lab)', language: 'typescript' };
  nb.metadata.language_info ??= { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' };
  summary.wallMs = performance.now() - t0;
  return summary;
}

/** One line: `lab.ipynb: 12 cells, 0 errors, checks 5/5 passed, 8.3 s (backend wasm)`. */
export function formatSummary(file: string, s: RunSummary): string {
  const total = s.checks.passed + s.checks.failed;
  const parts = [
    `${s.executed}/${s.cells} cells`,
    `${s.errors} error${s.errors === 1 ? '' : 's'}`,
    total ? `checks ${s.checks.passed}/${total} passed` : 'no checks',
    `${(s.wallMs / 1000).toFixed(1)} s`,
  ];
  const first = s.firstError ? `; first error in cell ${s.firstError.cell + 1}: ${s.firstError.ename}: ${s.firstError.evalue.split('\n')[0]}` : '';
  return `${basename(file)}: ${parts.join(', ')} (backend ${s.backend ?? 'none'})${first}`;
}
