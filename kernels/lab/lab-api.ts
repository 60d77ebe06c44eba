/**
 * The `lab` object that cells call (a global in every kernel, also `import { lab } from
 * 'mlsys-lab'`): rich display, plots, progress bars and live training curves that update one
 * output in place (update_display_data), checks that the runner and the pack checker count, and
 * `lab.request`, the seam through which cells ask main for data (datasets, queues, progress).
 */
import { MIME, type CheckResult, type ContentOf, type MimeBundle } from '../protocol';
import type { LabEnergyApi } from '../energy/kernel-energy';
import { toJsonValue, toMimeBundle } from '../runtime/rich-display';
import { createDatasetsLabApi, type DatasetsLabApi, type LabelsLabApi } from './datasets';
import { createQueuesLabApi, type QueuesLabApi } from './queues';
import { createSeedsLabApi } from './seeds';

/** What the kernel gives the lab API: outputs are tagged with the cell that is running. */
export interface LabHost {
  publish<T extends 'display_data' | 'update_display_data' | 'clear_output'>(type: T, content: ContentOf<T>): void;
  request(method: string, args: unknown[]): Promise<unknown>;
  newDisplayId(): string;
  /** TensorFlow.js with its backend loaded (lab.datasets.load makes tensors). */
  loadTf?(): Promise<typeof import('@tensorflow/tfjs')>;
  /** Energy accounting (kernels/energy); absent where the kernel runs without a meter. */
  energy?: LabEnergyApi;
}

export interface DisplayOptions {
  /** Reuse a display id: a later display or update with it replaces the output. */
  id?: string;
  /** `value` is already a MIME bundle ({ 'text/html': ..., 'text/plain': ... }). */
  raw?: boolean;
  metadata?: Record<string, unknown>;
}

/**
 * Marks the handles lab.display/plot/progress return. A cell that ends with `lab.plot(...)` has
 * already shown its output, so the kernel shows no execute_result for a handle (as IPython's
 * display() returns None).
 */
export const DISPLAY_HANDLE: unique symbol = Symbol.for('mlsys-lab.display-handle') as never;

/** Marks `handle` (not enumerable, so it stays out of displays and of the typed API). */
function markHandle<T extends object>(handle: T): T {
  return Object.defineProperty(handle, DISPLAY_HANDLE, { value: true, enumerable: false });
}

export function isDisplayHandle(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DISPLAY_HANDLE] === true;
}

export interface DisplayHandle {
  readonly id: string;
  /** Replaces the output in place. */
  update(value: unknown, options?: { raw?: boolean; metadata?: Record<string, unknown> }): void;
}

export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export interface ProgressBar {
  readonly id: string;
  /** Sets how much is done (0..total); redraws at most 10 times a second. */
  update(done: number, detail?: string): void;
  increment(by?: number, detail?: string): void;
  /** Draws the final state. */
  close(detail?: string): void;
}

export interface FitCallbackOptions {
  /** Logs to plot, default: every loss and metric that model.fit reports. */
  metrics?: string[];
  title?: string;
  /** Also plot per-batch values (default false: one point per epoch). */
  batches?: boolean;
}

/** A tf.CustomCallbackArgs-compatible object for model.fit({ callbacks }). */
export interface FitCallback {
  onTrainBegin(logs?: Record<string, number>): Promise<void>;
  onEpochEnd(epoch: number, logs?: Record<string, number>): Promise<void>;
  onBatchEnd(batch: number, logs?: Record<string, number>): Promise<void>;
  onTrainEnd(logs?: Record<string, number>): Promise<void>;
}

export interface LabApi {
  display(value: unknown, options?: DisplayOptions): DisplayHandle;
  plot(figure: PlotlyFigure | Record<string, unknown>[], layout?: Record<string, unknown>): DisplayHandle;
  html(html: string): DisplayHandle;
  markdown(markdown: string): DisplayHandle;
  /** Clears the cell's outputs (`wait`: when the next output arrives). */
  clear(wait?: boolean): void;
  progress(total: number, label?: string): ProgressBar;
  fitCallback(options?: FitCallbackOptions): FitCallback;
  /**
   * Records a check (passed when `condition` is truthy). A check never throws: the cell goes on.
   * Returns nothing, so a cell ending with a check shows only the check.
   */
  check(name: string, condition: unknown, detail?: string): void;
  /**
   * Names a seed the cell uses and returns it: `shuffle(rows, lab.seed('split', 7))`. A lab's
   * hand-in lists every named seed (with the dataset splits' seeds) in its reproducibility record.
   * Without `value`, the seed last set under `name` in this kernel session, or else a fixed seed
   * derived from the name (the same in every session and on every machine). Setting a name again
   * replaces its value. A seed is a whole number from 0 to 4294967295; anything else is a RangeError.
   */
  seed(name: string, value?: number): number;
  /** Asks main for something (`lab.request('datasets.list')`). */
  request<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  /** The workspace's datasets: `await lab.datasets.load('iris', { seed: 1 })` gives train/test tensors. */
  datasets: DatasetsLabApi;
  /** The label log: append a label (recorded as coming from a cell), read a sample's history. */
  labels: LabelsLabApi;
  /**
   * Active-learning queues that annotators label: `await lab.queues.open({ dataset, name, strategy })`,
   * `publish(queue, { modelVersion, sampleIds, probabilities })`, `labels(queue)`, and
   * `keepFresh(queue, retrain)` to retrain in the background every `refreshEvery` labels.
   */
  queues: QueuesLabApi;
  /** What a block of code costs: `await lab.energy.measure(async () => ...)`, totals, sources. */
  readonly energy: LabEnergyApi;
}

const REDRAW_MS = 100;

export function createLabApi(host: LabHost): LabApi {
  // lab.display("text") shows the text itself; as a cell's result a string is shown quoted, like a value
  const bundle = (value: unknown, raw?: boolean): MimeBundle => (raw ? (value as MimeBundle) : typeof value === 'string' ? { 'text/plain': value } : toMimeBundle(value));

  function display(value: unknown, options: DisplayOptions = {}): DisplayHandle {
    const id = options.id ?? host.newDisplayId();
    host.publish('display_data', { data: bundle(value, options.raw), metadata: options.metadata ?? {}, transient: { display_id: id } });
    return markHandle({
      id,
      update(v: unknown, o: { raw?: boolean; metadata?: Record<string, unknown> } = {}) {
        host.publish('update_display_data', { data: bundle(v, o.raw), metadata: o.metadata ?? {}, transient: { display_id: id } });
      },
    });
  }

  function figureOf(figure: PlotlyFigure | Record<string, unknown>[], layout?: Record<string, unknown>): PlotlyFigure {
    if (Array.isArray(figure)) return { data: figure, layout: layout ?? {} };
    if (!figure || !Array.isArray(figure.data)) throw new TypeError(`lab.plot needs a Plotly figure { data: [...], layout } or an array of traces, got ${JSON.stringify(figure)?.slice(0, 80)}`);
    return layout ? { ...figure, layout: { ...figure.layout, ...layout } } : figure;
  }

  const plotBundle = (f: PlotlyFigure): MimeBundle => ({ [MIME.plotly]: toJsonValue(f), 'text/plain': `Plotly figure with ${f.data.length} trace(s)` });

  function progress(total: number, label = ''): ProgressBar {
    if (!(total >= 0) || !Number.isFinite(total)) throw new RangeError(`lab.progress needs a finite total >= 0, got ${total}`);
    let done = 0;
    let last = 0;
    let detail = '';
    const render = (): MimeBundle => {
      const frac = total === 0 ? 1 : Math.min(1, Math.max(0, done / total));
      const bar = '#'.repeat(Math.round(frac * 30)).padEnd(30, '.');
      return {
        [MIME.progress]: { label, done, total, detail },
        'text/plain': `${label ? label + ' ' : ''}[${bar}] ${done}/${total}${detail ? ' ' + detail : ''}`,
      };
    };
    const handle = display(render(), { raw: true });
    const redraw = (force: boolean) => {
      const now = performance.now();
      if (!force && now - last < REDRAW_MS) return;
      last = now;
      handle.update(render(), { raw: true });
    };
    const bar: ProgressBar = {
      id: handle.id,
      update(n, d) {
        done = n;
        if (d !== undefined) detail = d;
        redraw(done >= total);
      },
      increment(by = 1, d) {
        this.update(done + by, d);
      },
      close(d) {
        if (d !== undefined) detail = d;
        redraw(true);
      },
    };
    return markHandle(bar);
  }

  function fitCallback(options: FitCallbackOptions = {}): FitCallback {
    const series = new Map<string, { x: number[]; y: number[] }>();
    let handle: DisplayHandle | undefined;
    let last = 0;
    const figure = (): PlotlyFigure => ({
      data: [...series].map(([name, s]) => ({ type: 'scatter', mode: 'lines+markers', name, x: s.x, y: s.y, yaxis: /acc/i.test(name) ? 'y2' : 'y' })),
      layout: {
        title: { text: options.title ?? 'Training' },
        xaxis: { title: { text: options.batches ? 'batch' : 'epoch' } },
        yaxis: { title: { text: 'loss' } },
        yaxis2: { title: { text: 'accuracy' }, overlaying: 'y', side: 'right', range: [0, 1] },
      },
    });
    const record = (x: number, logs: Record<string, number> = {}) => {
      for (const [k, v] of Object.entries(logs)) {
        if (typeof v !== 'number' || (options.metrics && !options.metrics.includes(k))) continue;
        let s = series.get(k);
        if (!s) series.set(k, (s = { x: [], y: [] }));
        s.x.push(x);
        s.y.push(v);
      }
    };
    const draw = (force: boolean) => {
      const now = performance.now();
      if (!force && now - last < REDRAW_MS * 2) return;
      last = now;
      if (handle) handle.update(plotBundle(figure()), { raw: true });
      else handle = display(plotBundle(figure()), { raw: true });
    };
    let batchCount = 0;
    return {
      async onTrainBegin() {
        draw(true);
      },
      async onEpochEnd(epoch, logs) {
        if (!options.batches) record(epoch + 1, logs);
        draw(false);
      },
      async onBatchEnd(_b, logs) {
        batchCount++;
        if (options.batches) {
          record(batchCount, logs);
          draw(false);
        }
      },
      async onTrainEnd() {
        draw(true);
      },
    };
  }

  return {
    display,
    plot: (figure, layout) => display(plotBundle(figureOf(figure, layout)), { raw: true }),
    html: (html) => display({ 'text/html': html, 'text/plain': html.replace(/<[^>]*>/g, '') }, { raw: true }),
    markdown: (md) => display({ 'text/markdown': md, 'text/plain': md }, { raw: true }),
    clear: (wait = false) => host.publish('clear_output', { wait }),
    progress,
    fitCallback,
    check(name, condition, detail) {
      if (typeof name !== 'string' || !name) throw new TypeError(`lab.check needs a name (a non-empty string), got ${JSON.stringify(name)}`);
      const result: CheckResult = { name, passed: Boolean(condition) };
      if (detail !== undefined) result.detail = String(detail);
      const text = result.passed ? `✓ ${name}` : `✗ ${name}${result.detail ? ` — ${result.detail}` : ''}`;
      host.publish('display_data', { data: { [MIME.check]: result, 'text/plain': text }, metadata: { 'mlsys-lab': { check: result } } });
    },
    request: (method, ...args) => host.request(method, args) as Promise<never>,
    // recording is best effort: a kernel without a lab to record into still gets its seed
    ...createSeedsLabApi((name, value) => void host.request('seeds.record', [name, value]).catch(() => undefined)),
    ...createDatasetsLabApi(host.loadTf ?? (() => import('@tensorflow/tfjs')), (method, args) => host.request(method, args)),
    ...createQueuesLabApi((method, args) => host.request(method, args)),
    get energy(): LabEnergyApi {
      if (!host.energy) throw new Error('Energy accounting is not available in this kernel (it was started without an energy meter).');
      return host.energy;
    },
  };
}
