/**
 * `lab.queues` for notebook cells: the kernel side of the active-learning queues that annotators
 * work through. A model trained in a cell publishes its class probabilities under a model
 * version and the queue re-ranks by its strategy; `keepFresh` retrains in the background each
 * time the queue has collected its `refreshEvery` new labels, so annotators get the new model's
 * questions without anyone re-running a cell; a simulated oracle can take and label batches.
 *
 * Everything goes through main (`request`), the database's only writer. Types are declared here
 * rather than imported: kernels/ never imports main/.
 */
import type { LabRequest } from './datasets';

export type QueueStrategy = 'random' | 'least-confidence' | 'margin' | 'entropy' | 'k-center';

export interface QueueInfo {
  id: number;
  datasetId: number;
  datasetName: string;
  name: string;
  strategy: QueueStrategy;
  /** The model whose scores order the queue; null until one is published. */
  modelVersion: string | null;
  settings: { target: number; overlap: number; refreshEvery: number; leaseSeconds: number; batchSize?: number };
  counts: { pending: number; leased: number; done: number; skipped: number };
  poolSize: number;
  /** Label values in button order, with display names. */
  classes: { value: string; name: string }[];
  createdAt: number;
  /** When the queue was archived (off the annotators' list), or null. */
  archivedAt: number | null;
}

/** A queue, or its id. */
export type QueueRef = QueueInfo | number;

export interface OpenQueueOptions {
  /** The dataset by name or id (lab.datasets.list()). */
  dataset: string | number;
  /** The queue's name; opening the same name again returns the existing queue. */
  name: string;
  /** Default 'margin'. */
  strategy?: QueueStrategy;
  /** Labeled items the queue aims for. */
  target?: number;
  /** Share (0..1) labeled by two annotators, for agreement. */
  overlap?: number;
  /** Ask for fresh scores after this many new labels (0: only when a cell publishes). */
  refreshEvery?: number;
  leaseSeconds?: number;
  /** Size of a diverse batch for 'k-center' (default 32). */
  batchSize?: number;
  /** Label values, when the dataset does not list its classes. */
  classes?: string[];
}

/** Something with values: a typed array, an array (of numbers or of rows), or a tf.Tensor. */
export type NumbersLike = Float32Array | Float64Array | Int32Array | number[] | number[][] | { dataSync(): ArrayLike<number>; shape: number[] };

export interface QueueScores {
  /** Names the model, e.g. "digits-softmax-3"; labels record which version chose their item. */
  modelVersion: string;
  /** One sample id per row. */
  sampleIds: Int32Array | number[];
  /** Rows of class probabilities (n x classes), e.g. model.predict(x) as a tensor. */
  probabilities: NumbersLike;
  /** The label value of each probability column; default the queue's classes, in order. */
  classes?: string[];
  /** Optional embeddings (n x dim) for the k-center strategy. */
  embeddings?: NumbersLike;
  dim?: number;
}

export interface QueueItem {
  sampleId: number;
  position: number;
  score: number;
  suggestion: { value: string; probability: number } | null;
}

/** A queue's labels, the latest per sample, in the order they were given. */
export interface QueueLabels {
  sampleIds: number[];
  values: string[];
  annotators: string[];
  modelVersions: (string | null)[];
  count: number;
}

export interface LabelsArrived {
  /** Items people (not cells) labeled since `since`. */
  byPeople: number;
  timedOut: boolean;
  /** False in a headless run (pack check, labs:check): nobody is there to label. */
  interactive: boolean;
}

export interface RetrainContext {
  queue: QueueInfo;
  labels: QueueLabels;
  /** How many times the queue has asked for fresh scores. */
  generation: number;
}

export interface RefreshLoop {
  /** Each model version published by the loop, with the number of labels it was trained on. */
  readonly history: { modelVersion: string; labels: number; at: number }[];
  /** Errors thrown by `retrain` (the loop goes on; the queue keeps its previous scores). */
  readonly errors: Error[];
  /** Resolves with the first published version trained on at least `labels` labels. */
  trainedOn(labels: number, timeoutMs?: number): Promise<{ modelVersion: string; labels: number }>;
  /** Stops listening (a retrain already running finishes). */
  stop(): void;
}

export interface QueuesLabApi {
  list(dataset?: number): Promise<QueueInfo[]>;
  get(queue: QueueRef): Promise<QueueInfo>;
  /** The queue with this name over the dataset, created when there is none (and restored when archived). */
  open(options: OpenQueueOptions): Promise<QueueInfo>;
  /**
   * Takes the queue off the annotators' list, keeping its items and labels: for a simulation's
   * queues once their figures are in. `open` with the same name brings it back.
   */
  archive(queue: QueueRef): Promise<QueueInfo>;
  /** Publishes model output for the queue's samples; the queue re-ranks by its strategy. */
  publish(queue: QueueRef, scores: QueueScores): Promise<QueueInfo>;
  /** Leases the queue's best `count` items to a simulated annotator (default "oracle"). */
  take(queue: QueueRef, count: number, options?: { annotator?: string }): Promise<QueueItem[]>;
  /** Labels items as a simulated annotator; the label log names it `cell:NAME`, never a person. */
  label(queue: QueueRef, labels: { sampleId: number; value: string }[], options?: { annotator?: string }): Promise<QueueInfo>;
  labels(queue: QueueRef): Promise<QueueLabels>;
  /** The sample ids of the queue's dataset in position order: row i of the data file is sampleIds[i]. */
  sampleIds(queue: QueueRef): Promise<number[]>;
  /**
   * Waits until people have labeled `count` items of the queue (since `since`, ms since the epoch),
   * or `timeoutMs` (default 10 min) passes; at once in a headless run, where nobody labels.
   */
  waitForLabels(queue: QueueRef, count: number, options?: { since?: number; timeoutMs?: number }): Promise<LabelsArrived>;
  /**
   * Keeps the queue's scores fresh: each time it has collected `refreshEvery` new labels,
   * `retrain` runs (in the background; other cells keep running) and its scores are published.
   */
  keepFresh(queue: QueueRef, retrain: (context: RetrainContext) => QueueScores | Promise<QueueScores>): RefreshLoop;
  agreement(queue: QueueRef): Promise<unknown>;
}

const POLL_MS = 60_000;
const idOf = (q: QueueRef): number => (typeof q === 'number' ? q : q.id);

function toFloat32(name: string, v: NumbersLike): { values: Float32Array; cols: number | undefined } {
  if (v instanceof Float32Array) return { values: v, cols: undefined };
  if (ArrayBuffer.isView(v)) return { values: Float32Array.from(v as Float64Array), cols: undefined };
  if (Array.isArray(v)) {
    if (v.length && Array.isArray(v[0])) {
      const rows = v as number[][];
      return { values: Float32Array.from(rows.flat()), cols: rows[0].length };
    }
    return { values: Float32Array.from(v as number[]), cols: undefined };
  }
  if (v && typeof (v as { dataSync?: unknown }).dataSync === 'function') {
    const t = v as { dataSync(): ArrayLike<number>; shape: number[] };
    return { values: Float32Array.from(t.dataSync()), cols: t.shape.length === 2 ? t.shape[1] : undefined };
  }
  throw new TypeError(`lab.queues.publish: ${name} must be a tensor, a Float32Array or an array of numbers, got ${v === null ? 'null' : typeof v}`);
}

export function createQueuesLabApi(request: LabRequest): { queues: QueuesLabApi } {
  const call = <T>(method: string, ...args: unknown[]) => request(method, args) as Promise<T>;

  const labels = async (queue: QueueRef): Promise<QueueLabels> => {
    const r = await call<{ sampleIds: Int32Array; values: string[]; annotators: string[]; modelVersions: (string | null)[] }>('queues.labels', idOf(queue));
    return { sampleIds: Array.from(r.sampleIds), values: r.values, annotators: r.annotators, modelVersions: r.modelVersions, count: r.values.length };
  };

  const publish = async (queue: QueueRef, s: QueueScores): Promise<QueueInfo> => {
    const classes = s.classes ?? (typeof queue === 'number' ? (await call<QueueInfo>('queues.get', queue)).classes : queue.classes).map((c) => c.value);
    const p = toFloat32('probabilities', s.probabilities);
    const e = s.embeddings === undefined ? undefined : toFloat32('embeddings', s.embeddings);
    return call<QueueInfo>('queues.publishScores', {
      queueId: idOf(queue),
      modelVersion: s.modelVersion,
      sampleIds: s.sampleIds instanceof Int32Array ? s.sampleIds : Int32Array.from(s.sampleIds),
      classes,
      probabilities: p.values,
      ...(e ? { embeddings: e.values, dim: s.dim ?? e.cols } : {}),
    });
  };

  function keepFresh(queue: QueueRef, retrain: (context: RetrainContext) => QueueScores | Promise<QueueScores>): RefreshLoop {
    if (typeof retrain !== 'function') throw new TypeError('lab.queues.keepFresh needs a retrain function (context) => scores');
    const queueId = idOf(queue);
    const history: RefreshLoop['history'] = [];
    const errors: Error[] = [];
    const waiting = new Set<() => void>();
    let stopped = false;
    const published = () => waiting.forEach((w) => w());
    void (async () => {
      let generation = (await call<{ generation: number }>('queues.waitForRefresh', queueId, undefined, 0)).generation;
      while (!stopped) {
        const r = await call<{ generation: number; wanted: boolean }>('queues.waitForRefresh', queueId, generation, POLL_MS);
        generation = r.generation;
        if (stopped || !r.wanted) continue;
        try {
          const info = await call<QueueInfo>('queues.get', queueId);
          const l = await labels(queueId);
          const scores = await retrain({ queue: info, labels: l, generation });
          const after = await publish(info, scores);
          history.push({ modelVersion: after.modelVersion ?? scores.modelVersion, labels: l.count, at: Date.now() });
        } catch (err) {
          errors.push(err as Error);
          console.error(`lab.queues.keepFresh: retraining for queue ${queueId} failed: ${(err as Error).message}`);
        }
        published();
      }
    })().catch((err) => {
      errors.push(err as Error);
      console.error(`lab.queues.keepFresh stopped for queue ${queueId}: ${(err as Error).message}`);
      published();
    });
    return {
      history,
      errors,
      trainedOn(n, timeoutMs = POLL_MS) {
        return new Promise((resolve, reject) => {
          const check = () => {
            const hit = history.find((h) => h.labels >= n);
            if (hit) return done(() => resolve({ modelVersion: hit.modelVersion, labels: hit.labels }));
            if (errors.length) return done(() => reject(errors[errors.length - 1]));
          };
          const timer = setTimeout(() => done(() => reject(new Error(`lab.queues.keepFresh: no model trained on ${n} labels of queue ${queueId} within ${timeoutMs} ms (trained so far: ${JSON.stringify(history.map((h) => h.labels))})`))), timeoutMs);
          const done = (settle: () => void) => {
            clearTimeout(timer);
            waiting.delete(check);
            settle();
          };
          waiting.add(check);
          check();
        });
      },
      stop() {
        stopped = true;
      },
    };
  }

  return {
    queues: {
      list: (dataset) => call('queues.list', dataset),
      get: (queue) => call('queues.get', idOf(queue)),
      open: (o) => call('queues.open', { ...o, strategy: o.strategy ?? 'margin' }),
      archive: (queue) => call('queues.archive', idOf(queue)),
      publish,
      take: (queue, count, o = {}) => call('queues.take', idOf(queue), o.annotator ?? 'oracle', count),
      label: (queue, l, o = {}) => call('queues.label', idOf(queue), o.annotator ?? 'oracle', l),
      labels,
      sampleIds: async (queue) => Array.from(await call<Int32Array>('queues.sampleIds', idOf(queue))),
      waitForLabels: (queue, count, o = {}) => call('queues.waitForLabels', idOf(queue), { count, since: o.since, timeoutMs: o.timeoutMs ?? 10 * 60_000 }),
      keepFresh,
      agreement: (queue) => call('queues.agreement', idOf(queue)),
    },
  };
}
