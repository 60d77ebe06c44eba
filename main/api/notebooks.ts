import type { Subscribe } from './common';

/**
 * Notebooks as the UI sees them. The session (cells, outputs, dirty state) lives in main, so a
 * view that reloads or closes reattaches to the same session and catches up; outputs are nbformat
 * 4.5 outputs exactly as they are saved in the .ipynb file.
 */

/** nbformat's multiline string: one string, or lines that each keep their "\n". */
export type MultilineString = string | string[];

/** MIME type -> data. Text types hold a MultilineString; JSON types (Plotly, tables) hold JSON. */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}
export type NotebookOutput = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export type CellType = 'code' | 'markdown' | 'raw';

/** One cell. `outputs` and `executionCount` are meaningful for code cells only. */
export interface CellData {
  id: string;
  type: CellType;
  source: string;
  metadata: Record<string, unknown>;
  outputs: NotebookOutput[];
  executionCount: number | null;
}

/** A cell as a client creates it; main fills in what is missing (a fresh id, empty outputs). */
export interface NewCell {
  id?: string;
  type: CellType;
  source: string;
  metadata?: Record<string, unknown>;
  outputs?: NotebookOutput[];
  executionCount?: number | null;
}

/** Which notebook to open: a pack's notebook (the attendee's copy in the workspace) or a workspace path. */
export type NotebookRef = { pack: string; notebook: string } | { path: string };

/** What the run state of one cell is, and what the last run measured (the cell footer). */
export interface CellRunState {
  state: 'idle' | 'queued' | 'running';
  /** Last completed run: wall time, backend, tensors, energy. */
  lastRun?: CellRunStats;
}
export interface CellRunStats {
  wallMs: number;
  /** CPU time of the kernel process during the run. */
  cpuMs?: number;
  backend?: string;
  /** Tensors the run created (the kernel counts them as they are made, tf.tidy's included). */
  tensorsCreated?: number;
  /** Of those, the ones still alive and held by a top-level variable (a model's weights, `const w = ...`). */
  tensorsKept?: number;
  /** Of those, the ones still alive that nothing can reach any more: they can never be disposed. */
  tensorsLeaked?: number;
  /** Bytes held by the leaked tensors. */
  tensorsLeakedBytes?: number;
  /** What the run cost, from the kernel's energy meter (kernels/energy). */
  energy?: RunEnergy;
  ok: boolean;
}

/**
 * Energy and carbon of a run. Show `short` (and `text` on hover), which the kernel writes so that
 * an estimate always reads as one ("≈12 J est."); never print `joules` alone.
 */
export interface RunEnergy {
  joules: number;
  /** 'estimated' when any part (CPU from CPU time, say) was estimated rather than read from a counter. */
  source: 'measured' | 'estimated';
  co2eGrams: number;
  /** "35.1 J · 4.68 mg CO2e" or "≈11.8 J est. · ≈1.57 mg CO2e". */
  short: string;
  /** The whole line: time, CPU time, energy by component with sources, carbon and grid intensity. */
  text: string;
  /** How each component's energy was obtained, e.g. "cpu: RAPL package-0 (measured); gpu: nvidia-smi power.draw (measured)". */
  method?: string;
}

/** The kernel behind a notebook, as the status bar shows it. */
export interface NotebookKernelStatus {
  state: 'none' | 'starting' | 'idle' | 'busy' | 'restarting' | 'dead';
  /** The TensorFlow.js backend and device, once the kernel has reported them. */
  backend?: string;
  device?: string;
  /** Why the kernel is dead or missing. */
  message?: string;
}

/** One variable of the kernel's global scope (inspect_variables). */
export interface NotebookVariable {
  name: string;
  type: string;
  /** For tensors: shape, dtype and bytes held. */
  shape?: number[];
  dtype?: string;
  bytes?: number;
  /** A short text form of the value. */
  preview?: string;
}

/** The saved/dirty/conflict state of a notebook session. */
export interface NotebookState {
  handle: string;
  dirty: boolean;
  readOnly: boolean;
  /** The file on disk was changed by something else since we read or wrote it; saving needs `overwrite`. */
  diskChanged: boolean;
  /** When the notebook was last written, ms since the epoch; null if never in this session. */
  savedAt: number | null;
  /** Why the last autosave failed, if it did. */
  saveError: string | null;
}

export interface NotebookDocument extends NotebookState {
  /** Path relative to the workspace, also the session's handle. */
  path: string;
  title: string;
  /** Why the notebook is read-only, for a notice above it. */
  notice: string | null;
  /** Whether HTML outputs may run scripts (notebooks of trusted packs). */
  trusted: boolean;
  version: number;
  cells: CellData[];
  /** Run state of cells that are queued, running, or have run in this session. */
  runs: Record<string, CellRunState>;
  kernel: NotebookKernelStatus;
  metadata: Record<string, unknown>;
}

/** One change a client makes. Edits name cells by id, so they commute with output updates. */
export type NotebookEdit =
  | { kind: 'insert'; index: number; cell: NewCell }
  | { kind: 'delete'; cellId: string }
  | { kind: 'move'; cellId: string; toIndex: number }
  | { kind: 'source'; cellId: string; source: string }
  | { kind: 'type'; cellId: string; type: CellType }
  | { kind: 'clearOutputs'; cellId: string };

/** What changed in a session; each event carries the session's version after it. */
export type NotebookChange =
  | { kind: 'edits'; edits: NotebookEdit[]; origin: string; cells: CellData[] }
  | { kind: 'outputs'; cellId: string; outputs: NotebookOutput[]; executionCount: number | null }
  | { kind: 'output'; cellId: string; index: number; output: NotebookOutput }
  | { kind: 'run'; cellId: string; run: CellRunState }
  | { kind: 'state'; state: NotebookState }
  | { kind: 'kernel'; kernel: NotebookKernelStatus }
  | { kind: 'reloaded'; document: NotebookDocument };

export interface NotebookEvent {
  handle: string;
  version: number;
  change: NotebookChange;
}

export interface NotebooksApi {
  /** Opens a notebook, or returns the session already open for it (with everything that happened since). */
  open(ref: NotebookRef): Promise<NotebookDocument>;
  /** The session as it is now. */
  get(handle: string): Promise<NotebookDocument>;
  /** Applies edits in order; `origin` comes back in the change event so a client can skip its own edits. */
  edit(handle: string, edits: NotebookEdit[], origin: string): Promise<NotebookState>;
  /** Writes the .ipynb file. Refuses when the file changed on disk since, unless `overwrite`. */
  save(handle: string, options?: { overwrite?: boolean }): Promise<NotebookState>;
  /** Throws away the session's edits and reads the file again. */
  revert(handle: string): Promise<NotebookDocument>;
  /** Ends the session. Refuses while it has unsaved edits, unless `discard`. */
  close(handle: string, options?: { discard?: boolean }): Promise<void>;
  /** Queues cells to run in order; outputs arrive as change events. Stops at the first error. */
  run(handle: string, cellIds: string[]): Promise<void>;
  /** Interrupts the running cell and drops the queue. */
  interrupt(handle: string): Promise<void>;
  /** Restarts the kernel (variables are lost, outputs stay); `runAll` then runs every code cell. */
  restart(handle: string, options?: { runAll?: boolean }): Promise<void>;
  /** The kernel's global variables (names, types, tensor shapes and bytes). */
  variables(handle: string): Promise<NotebookVariable[]>;
  onDidChange: Subscribe<NotebookEvent>;
}
