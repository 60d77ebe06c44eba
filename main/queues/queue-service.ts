import { randomUUID } from 'node:crypto';
import type {
  AgreementView,
  AnnotatorItem,
  AnnotatorProgress,
  AnnotatorState,
  CreateQueueOptions,
  ExportLabelsResult,
  ImportLabelsResult,
  LabelFileText,
  LabelOptions,
  PublishScoresOptions,
  QueueSettings,
  QueueSummary,
  QueuesApi,
} from '../api/queues';
import { ApiError } from '../rpc/errors';
import { agreementReport } from './agreement';
import { formatLabelFile, mergeLabels, parseLabelFile, readLabelFile, writeLabelFile, type ExchangedLabel } from './exchange';
import type { HeldItem, QueueLabel, QueueStore, StoredQueue } from './queue-store';
import { QueueWaiters } from './queue-waiters';
import { sampleDisplay } from './sample-display';
import { scoreSamples, STRATEGIES } from './strategies';

const FILL_CHUNK = 50_000;

export const DEFAULT_SETTINGS: Required<QueueSettings> = { target: 200, overlap: 0.1, refreshEvery: 20, leaseSeconds: 600, batchSize: 32 };

/** The latest model output of a queue, kept so a refresh can re-rank without the kernel. */
export interface ModelOutput {
  modelVersion: string;
  sampleIds: Int32Array;
  probabilities: Float32Array;
  classes: string[];
  embeddings?: Float32Array;
  dim?: number;
}

export interface QueueServiceOptions {
  /** Called after a queue's ranking or counts change (the dispatcher's onDidChange). */
  onChange?: (queueId: number) => void;
  /** Called when a queue has collected `refreshEvery` new labels: the kernel may retrain and publish. */
  onWantsScores?: (queue: StoredQueue) => void;
  /**
   * Whether a person can label here (default true). A headless check run passes false, and a cell
   * waiting for people's labels (waitForLabels) is answered at once instead of waiting for nobody.
   */
  interactive?: boolean;
  now?: () => number;
}

/** A queue's labels, one per sample (the latest, whoever gave it), for retraining in a cell. */
export interface QueueLabels {
  sampleIds: Int32Array;
  values: string[];
  annotators: string[];
  /** The model version that ranked the item when it was labeled. */
  modelVersions: (string | null)[];
}

/** Answer to waitForRefresh: `wanted` when `refreshEvery` new labels arrived since `generation - 1`. */
export interface RefreshWanted {
  queueId: number;
  generation: number;
  wanted: boolean;
  /** Items of the queue labeled by anyone. */
  labeled: number;
  modelVersion: string | null;
}

export interface LabelsArrived {
  /** Items people (not cells) labeled in the queue since `since`. */
  byPeople: number;
  timedOut: boolean;
  /** False in a headless run: nobody will label, the cell should not wait. */
  interactive: boolean;
}

/** Annotators whose name starts with this are cells (a simulated oracle), not people. */
export const CELL_ANNOTATOR = 'cell:';

/** Whether a sample belongs to a queue's overlap share: a fixed hash, so every machine agrees. */
export function inOverlap(queueId: number, sampleId: number, share: number): boolean {
  if (share <= 0) return false;
  let x = Math.imul(sampleId ^ Math.imul(queueId, 0x9e3779b1), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x / 4294967296 < share;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Active-learning queues over datasets: ranking by a strategy over published model scores,
 * leases to one annotator at a time, an overlap share labeled twice, undo as a correction, and
 * agreement between annotators. Re-ranking after new labels runs after the label is saved and
 * answered, so an annotator never waits for it.
 */
export class QueueService implements Omit<QueuesApi, 'onDidChange'> {
  private readonly models = new Map<number, ModelOutput>();
  private readonly sinceRefresh = new Map<number, number>();
  private readonly refreshing = new Set<number>();
  private readonly generations = new Map<number, number>();
  private readonly waiters = new QueueWaiters();
  private readonly now: () => number;

  constructor(
    private readonly store: QueueStore,
    private readonly options: QueueServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async list(datasetId?: number): Promise<QueueSummary[]> {
    return this.store.queues(datasetId).map((q) => this.summary(q));
  }

  async get(queueId: number): Promise<QueueSummary> {
    return this.summary(this.store.queue(queueId));
  }

  async create(o: CreateQueueOptions): Promise<QueueSummary> {
    if (!STRATEGIES.includes(o.strategy)) throw new ApiError('E_BAD_QUEUE', `Unknown strategy "${o.strategy}": choose one of ${STRATEGIES.join(', ')}`);
    const dataset = this.store.dataset(o.datasetId);
    const classes = o.classes ?? (dataset.classes ? Object.keys(dataset.classes) : []);
    if (classes.length < 2) {
      throw new ApiError('E_BAD_QUEUE', `Dataset "${dataset.name}" lists no classes: pass classes (at least two label values) to create a queue over it.`);
    }
    if (new Set(classes).size !== classes.length) throw new ApiError('E_BAD_QUEUE', `The classes ${JSON.stringify(classes)} repeat a value.`);
    const settings: QueueSettings = {
      target: o.target ?? Math.min(DEFAULT_SETTINGS.target, dataset.sampleCount),
      overlap: o.overlap ?? DEFAULT_SETTINGS.overlap,
      refreshEvery: o.refreshEvery ?? DEFAULT_SETTINGS.refreshEvery,
      leaseSeconds: o.leaseSeconds ?? DEFAULT_SETTINGS.leaseSeconds,
      batchSize: o.batchSize ?? DEFAULT_SETTINGS.batchSize,
    };
    const q = this.store.createQueue({ datasetId: o.datasetId, name: o.name, strategy: o.strategy, settings, classes });
    // before any model has spoken, every strategy starts from a seeded random order (cold start)
    // in chunks, yielding between them, so annotators on other queues are answered meanwhile
    for (let after: number | null = 0; after !== null; ) {
      after = this.store.fillQueue(q.id, after, FILL_CHUNK);
      if (after !== null) await new Promise((r) => setImmediate(r));
    }
    return this.summary(this.store.queue(q.id));
  }

  /** A dataset's id from its name or id (a cell names datasets as the store lists them). */
  datasetId(ref: number | string): number {
    if (typeof ref === 'number') return this.store.dataset(ref).id;
    const d = this.store.datasetByName(ref);
    if (!d) throw new ApiError('E_NOT_FOUND', `No dataset named ${JSON.stringify(ref)} in this workspace: import it first (lab.datasets.import, the Datasets screen, or mlsys-lab data import).`);
    return d.id;
  }

  /**
   * The queue named `o.name` over the dataset, created with `o` when there is none (a cell run
   * twice reuses it). An archived one is restored: a cell that opens a queue means to use it.
   */
  async open(o: CreateQueueOptions): Promise<QueueSummary> {
    const existing = this.store.queues(o.datasetId).find((q) => q.name === o.name);
    if (!existing) return this.create(o);
    return existing.archivedAt === null ? this.summary(existing) : this.restore(existing.id);
  }

  async archive(queueId: number): Promise<QueueSummary> {
    this.store.setArchived(queueId, this.now());
    this.notify(queueId);
    return this.get(queueId);
  }

  async restore(queueId: number): Promise<QueueSummary> {
    this.store.setArchived(queueId, null);
    this.notify(queueId);
    return this.get(queueId);
  }

  async publishScores(o: PublishScoresOptions): Promise<QueueSummary> {
    return this.publishModelOutput({
      queueId: o.queueId,
      modelVersion: o.modelVersion,
      sampleIds: Int32Array.from(o.sampleIds),
      classes: o.classes,
      probabilities: Float32Array.from(o.probabilities),
      embeddings: o.embeddings ? Float32Array.from(o.embeddings) : undefined,
      dim: o.dim,
    });
  }

  /**
   * The same as publishScores with typed arrays, for the kernel's `lab` API: a model trained in a
   * cell hands its output over the kernel channel by structured clone, without a JSON detour.
   */
  async publishModelOutput(o: ModelOutput & { queueId: number }): Promise<QueueSummary> {
    const q = this.store.queue(o.queueId);
    const n = o.sampleIds.length;
    const k = o.classes.length;
    if (!o.modelVersion) throw new ApiError('E_BAD_SCORES', 'publishScores needs a model version (e.g. "digits-lr-3") so labels can say which model chose them');
    if (k < 2) throw new ApiError('E_BAD_SCORES', `publishScores needs at least two classes, got ${JSON.stringify(o.classes)}`);
    if (o.probabilities.length !== n * k) {
      throw new ApiError('E_BAD_SCORES', `publishScores got ${o.probabilities.length} probabilities for ${n} samples x ${k} classes (expected ${n * k})`);
    }
    if (o.embeddings && (!o.dim || o.embeddings.length !== n * o.dim)) {
      throw new ApiError('E_BAD_SCORES', `publishScores got ${o.embeddings.length} embedding values for ${n} samples with dim ${o.dim}`);
    }
    const unknown = o.classes.find((c) => !q.classes.includes(c));
    if (unknown !== undefined) throw new ApiError('E_BAD_SCORES', `Class ${JSON.stringify(unknown)} is not one of queue "${q.name}"'s classes ${JSON.stringify(q.classes)}`);
    this.models.set(q.id, { modelVersion: o.modelVersion, sampleIds: o.sampleIds, probabilities: o.probabilities, classes: o.classes, embeddings: o.embeddings, dim: o.dim });
    this.rank(q, o.modelVersion);
    return this.summary(this.store.queue(q.id));
  }

  async annotators(): Promise<string[]> {
    return this.store.annotators();
  }

  async resume(queueId: number, annotator: string): Promise<AnnotatorState> {
    const q = this.store.queue(queueId);
    return this.state(q, annotator);
  }

  async label(queueId: number, annotator: string, sampleId: number, value: string, options: LabelOptions = {}): Promise<AnnotatorState> {
    const q = this.store.queue(queueId);
    if (!q.classes.includes(value)) throw new ApiError('E_BAD_LABEL', `${JSON.stringify(value)} is not a class of queue "${q.name}": choose one of ${q.classes.join(', ')}`);
    const others = this.store.itemAnnotators(queueId, sampleId).filter((a) => a !== annotator);
    const reopenForOverlap = others.length === 0 && inOverlap(queueId, sampleId, q.settings.overlap);
    // the label and the lease of the next item commit together: one disk sync per key press
    const state = this.store.transaction(() => {
      this.store.label(queueId, sampleId, { annotator, value, durationMs: options.durationMs ?? null, uid: randomUUID() }, { reopenForOverlap });
      return this.state(q, annotator);
    });
    this.countForRefresh(q);
    this.notify(queueId);
    return state;
  }

  async skip(queueId: number, annotator: string, sampleId: number): Promise<AnnotatorState> {
    const q = this.store.queue(queueId);
    const state = this.store.transaction(() => {
      this.store.skip(queueId, sampleId, annotator);
      return this.state(q, annotator);
    });
    this.notify(queueId);
    return state;
  }

  async undo(queueId: number, annotator: string): Promise<AnnotatorState> {
    const q = this.store.queue(queueId);
    const held = new Set(this.store.held(queueId, annotator).map((h) => h.sampleId));
    const last = this.store.recentLabels(queueId, annotator, 100).find((l) => !held.has(l.sampleId));
    if (!last) return this.state(q, annotator);
    this.store.reopen(queueId, last.sampleId, annotator, q.settings.leaseSeconds * 1000);
    this.notify(queueId);
    return this.state(q, annotator);
  }

  async agreement(queueId: number): Promise<AgreementView> {
    const q = this.store.queue(queueId);
    const labels = this.store.finalLabels(queueId);
    const report = agreementReport(labels.map((l) => ({ itemId: String(l.sampleId), annotator: l.annotator, label: l.value })));
    const dataset = this.store.dataset(q.datasetId);
    return {
      queueId,
      overlapItems: report.overlapItems,
      pairs: report.pairs,
      alpha: report.alpha,
      disagreements: report.disagreements.map((d) => {
        const sample = this.store.sample(Number(d.itemId));
        return { sampleId: sample.id, position: sample.position, display: sampleDisplay(sample, dataset), labels: d.labels };
      }),
    };
  }

  async exportLabels(datasetId: number, annotator: string | null, path: string): Promise<ExportLabelsResult> {
    const labels = this.store.exportLabels(datasetId, annotator);
    await writeLabelFile(path, labels, { annotator, now: this.now() });
    return { path, count: labels.length };
  }

  async labelFile(datasetId: number, annotator: string | null): Promise<LabelFileText> {
    const dataset = this.store.dataset(datasetId);
    const labels = this.store.exportLabels(datasetId, annotator);
    const who = annotator ? `.${annotator.replace(/[^A-Za-z0-9_-]+/g, '_')}` : '';
    return { fileName: `${dataset.name.replace(/[^A-Za-z0-9_-]+/g, '_')}${who}.labels.jsonl`, text: formatLabelFile(labels, { annotator, now: this.now() }), count: labels.length };
  }

  async importLabels(path: string): Promise<ImportLabelsResult> {
    return this.merge(readLabelFile(path).labels, path);
  }

  async importLabelFile(text: string, fileName: string): Promise<ImportLabelsResult> {
    return this.merge(parseLabelFile(text, fileName).labels, fileName);
  }

  private merge(labels: ExchangedLabel[], path: string): ImportLabelsResult {
    const store = this.store;
    const result = mergeLabels(
      labels,
      {
        find: (uid) => store.findLabel(uid),
        hasSample: (dataset, position) => {
          const d = store.datasetByName(dataset);
          if (!d) return `there is no dataset named ${JSON.stringify(dataset)}`;
          return position < d.sampleCount ? true : `dataset ${JSON.stringify(dataset)} has ${d.sampleCount} samples`;
        },
        labelsOf: (dataset, position) => store.labelsOfSample(dataset, position),
        add: (l) => store.importLabel(l),
        transaction: (fn) => store.transaction(fn),
      },
      path,
    );
    // open annotator and review screens of the datasets that gained labels catch up at once
    if (result.added + result.conflicts > 0) {
      for (const name of new Set(labels.map((l) => l.dataset))) {
        const dataset = store.datasetByName(name);
        if (dataset) for (const q of store.queues(dataset.id)) this.notify(q.id);
      }
    }
    return result;
  }

  /**
   * Leases up to `count` of the best items to a cell's annotator (a simulated oracle), with no
   * prefetch: a batch is exactly the strategy's top items at this moment.
   */
  async take(queueId: number, annotator: string, count: number): Promise<AnnotatorItem[]> {
    const q = this.store.queue(queueId);
    if (q.archivedAt !== null) throw new ApiError('E_QUEUE_ARCHIVED', `Queue "${q.name}" is archived and hands out no items: lab.queues.open with its name, or Restore on the Review screen, brings it back.`);
    const leaseMs = q.settings.leaseSeconds * 1000;
    return this.store.transaction(() => {
      const held = this.store.held(q.id, annotator).slice(0, count);
      while (held.length < count) {
        const more = this.store.leaseNext(q.id, annotator, leaseMs);
        if (!more) break;
        held.push(more);
      }
      return held.map((h) => this.item(q, h, null));
    });
  }

  /** Labels several items for one annotator in one transaction (a cell's batch); returns the counts. */
  async labelMany(queueId: number, annotator: string, labels: readonly { sampleId: number; value: string }[]): Promise<QueueSummary> {
    const q = this.store.queue(queueId);
    for (const l of labels) {
      if (!q.classes.includes(l.value)) throw new ApiError('E_BAD_LABEL', `${JSON.stringify(l.value)} (sample ${l.sampleId}) is not a class of queue "${q.name}": choose one of ${q.classes.join(', ')}`);
    }
    this.store.transaction(() => {
      for (const l of labels) {
        const others = this.store.itemAnnotators(queueId, l.sampleId).filter((a) => a !== annotator);
        const reopenForOverlap = others.length === 0 && inOverlap(queueId, l.sampleId, q.settings.overlap);
        this.store.label(queueId, l.sampleId, { annotator, value: l.value, durationMs: null, uid: randomUUID() }, { reopenForOverlap });
      }
    });
    for (let i = 0; i < labels.length; i++) this.countForRefresh(q);
    this.notify(queueId);
    return this.summary(this.store.queue(queueId));
  }

  /** The sample ids of the queue's dataset in position order: row i of the source is sampleIds[i]. */
  async sampleIds(queueId: number): Promise<Int32Array> {
    return this.store.sampleIds(this.store.queue(queueId).datasetId);
  }

  /** The queue's labels, the latest per sample whoever gave it, in label order. */
  async labels(queueId: number): Promise<QueueLabels> {
    this.store.queue(queueId);
    const latest = new Map<number, QueueLabel>();
    for (const l of this.store.finalLabels(queueId)) {
      const had = latest.get(l.sampleId);
      if (!had || l.createdAt >= had.createdAt) latest.set(l.sampleId, l);
    }
    const list = [...latest.values()].sort((a, b) => a.createdAt - b.createdAt || a.sampleId - b.sampleId);
    return {
      sampleIds: Int32Array.from(list, (l) => l.sampleId),
      values: list.map((l) => l.value),
      annotators: list.map((l) => l.annotator),
      modelVersions: list.map((l) => l.modelVersion),
    };
  }

  /**
   * Answers when the queue wants fresh scores after `afterGeneration` (its `refreshEvery` labels
   * have arrived), or after `timeoutMs` with `wanted: false`. Without `afterGeneration`, answers
   * at once with the current generation, where a cell's refresh loop starts.
   */
  async waitForRefresh(queueId: number, afterGeneration: number | undefined, timeoutMs: number): Promise<RefreshWanted> {
    this.store.queue(queueId);
    const answer = (wanted: boolean): RefreshWanted => {
      const q = this.store.queue(queueId);
      return { queueId, generation: this.generations.get(queueId) ?? 0, wanted, labeled: this.store.counts(queueId).done, modelVersion: q.modelVersion };
    };
    if (afterGeneration === undefined) return answer(false);
    return this.waiters.wait(queueId, timeoutMs, () => ((this.generations.get(queueId) ?? 0) > afterGeneration ? answer(true) : undefined), () => answer(false));
  }

  /**
   * Answers when people (not cells) have labeled `count` items of the queue since `since` (ms since
   * the epoch), or after `timeoutMs`; at once in a workspace where nobody can label (headless).
   */
  async waitForLabels(queueId: number, options: { count: number; since?: number; timeoutMs: number }): Promise<LabelsArrived> {
    this.store.queue(queueId);
    const interactive: boolean = this.options.interactive !== false;
    const byPeople = () => {
      const samples = new Set<number>();
      for (const l of this.store.finalLabels(queueId)) if (!l.annotator.startsWith(CELL_ANNOTATOR) && l.createdAt >= (options.since ?? 0)) samples.add(l.sampleId);
      return samples.size;
    };
    if (!interactive) return { byPeople: byPeople(), timedOut: false, interactive };
    return this.waiters.wait<LabelsArrived>(
      queueId,
      options.timeoutMs,
      () => {
        const n = byPeople();
        return n >= options.count ? { byPeople: n, timedOut: false, interactive } : undefined;
      },
      () => ({ byPeople: byPeople(), timedOut: true, interactive }),
    );
  }

  /** Waits for background refreshes (tests and shutdown) and ends every long poll. */
  async idle(): Promise<void> {
    while (this.refreshing.size > 0) await new Promise((r) => setTimeout(r, 5));
  }

  /** Ends every long poll now (shutdown): waiting cells get their timeout answer. */
  dispose(): void {
    this.waiters.endAll();
  }

  private notify(queueId: number): void {
    this.options.onChange?.(queueId);
    this.waiters.changed(queueId);
  }

  private countForRefresh(q: StoredQueue): void {
    if (q.settings.refreshEvery <= 0) return;
    const n = (this.sinceRefresh.get(q.id) ?? 0) + 1;
    if (n < q.settings.refreshEvery) return void this.sinceRefresh.set(q.id, n);
    this.sinceRefresh.set(q.id, 0);
    if (this.refreshing.has(q.id)) return;
    this.refreshing.add(q.id);
    // after the reply has gone out: the annotator sees the next item first
    setImmediate(() => {
      try {
        if (this.models.has(q.id)) this.rank(this.store.queue(q.id), this.models.get(q.id)!.modelVersion);
        this.generations.set(q.id, (this.generations.get(q.id) ?? 0) + 1);
        this.waiters.changed(q.id);
        this.options.onWantsScores?.(this.store.queue(q.id));
      } finally {
        this.refreshing.delete(q.id);
      }
    });
  }

  /** Scores every sample with the queue's strategy over the latest model output and stores the ranking. */
  private rank(q: StoredQueue, modelVersion: string): void {
    const m = this.models.get(q.id)!;
    const n = m.sampleIds.length;
    const k = m.classes.length;
    let embeddings = m.embeddings;
    let dim = m.dim;
    if (q.strategy === 'k-center' && !embeddings) {
      const f = this.store.features(q.datasetId);
      const row = new Map<number, number>();
      f.sampleIds.forEach((id, i) => row.set(id, i));
      embeddings = new Float32Array(n * f.dim);
      dim = f.dim;
      for (let i = 0; i < n; i++) {
        const r = row.get(m.sampleIds[i]);
        if (r !== undefined) embeddings.set(f.features.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim);
      }
    }
    const labeled = new Uint8Array(n);
    if (q.strategy === 'k-center') {
      const done = new Set(this.store.finalLabels(q.id).map((l) => l.sampleId));
      for (let i = 0; i < n; i++) if (done.has(m.sampleIds[i])) labeled[i] = 1;
    }
    const scores = scoreSamples(q.strategy, { count: n, probabilities: m.probabilities, numClasses: k, embeddings, dim, labeled, seed: q.id, batchSize: q.settings.batchSize });
    const items = new Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (m.probabilities[i * k + c] > m.probabilities[i * k + best]) best = c;
      items[i] = { sampleId: m.sampleIds[i], score: scores[i], suggestion: m.classes[best], suggestionProbability: m.probabilities[i * k + best] };
    }
    this.store.scoreItems(q.id, modelVersion, items);
    this.notify(q.id);
  }

  /** The item the annotator holds (a reload resumes it) and the one after it, leasing what is missing. */
  private state(q: StoredQueue, annotator: string): AnnotatorState {
    // archiving released every lease: an annotator who had the screen open gets nothing more
    if (q.archivedAt !== null) return { item: null, next: null, progress: this.progress(q, annotator, true) };
    const leaseMs = q.settings.leaseSeconds * 1000;
    const held = this.store.held(q.id, annotator).slice(0, 2);
    while (held.length < 2) {
      const more = this.store.leaseNext(q.id, annotator, leaseMs);
      if (!more) break;
      held.push(more);
    }
    const mine = held.length ? this.store.recentLabels(q.id, annotator, 100) : [];
    const previous = (sampleId: number) => mine.find((l) => l.sampleId === sampleId)?.value ?? null;
    const [item, next] = held.map((h) => this.item(q, h, previous(h.sampleId)));
    return { item: item ?? null, next: next ?? null, progress: this.progress(q, annotator, held.length === 0) };
  }

  private item(q: StoredQueue, held: HeldItem, previousLabel: string | null): AnnotatorItem {
    const sample = this.store.sample(held.sampleId);
    const dataset = this.store.dataset(q.datasetId);
    return {
      queueId: q.id,
      sampleId: held.sampleId,
      position: sample.position,
      score: held.score,
      display: sampleDisplay(sample, dataset),
      suggestion: held.suggestion === null ? null : { value: held.suggestion, probability: held.suggestionProbability ?? 0 },
      previousLabel,
      leaseExpiresAt: held.leaseExpiresAt,
    };
  }

  private progress(q: StoredQueue, annotator: string, finished = false): AnnotatorProgress {
    const counts = this.store.counts(q.id);
    const dataset = this.store.dataset(q.datasetId);
    const recent = this.store.recentLabels(q.id, annotator, 20);
    let itemsPerMinute: number | null = null;
    let medianSecondsPerItem: number | null = null;
    if (recent.length >= 2) {
      const spanMin = (recent[0].createdAt - recent[recent.length - 1].createdAt) / 60_000;
      itemsPerMinute = spanMin > 0 ? (recent.length - 1) / spanMin : null;
    }
    const durations = recent.map((l) => l.durationMs).filter((d): d is number => d !== null);
    if (durations.length) medianSecondsPerItem = median(durations) / 1000;
    return {
      labeledByMe: this.store.labeledByAnnotator(q.id, annotator),
      labeled: counts.done,
      target: q.settings.target,
      poolSize: dataset.sampleCount,
      poolShare: dataset.sampleCount ? counts.done / dataset.sampleCount : 0,
      itemsPerMinute,
      medianSecondsPerItem,
      finished,
      archived: q.archivedAt !== null,
    };
  }

  private summary(q: StoredQueue): QueueSummary {
    const dataset = this.store.dataset(q.datasetId);
    return {
      id: q.id,
      datasetId: q.datasetId,
      datasetName: dataset.name,
      name: q.name,
      strategy: q.strategy,
      modelVersion: q.modelVersion,
      settings: q.settings,
      counts: this.store.counts(q.id),
      poolSize: dataset.sampleCount,
      classes: q.classes.map((value) => ({ value, name: dataset.classes?.[value] ?? value })),
      createdAt: q.createdAt,
      archivedAt: q.archivedAt,
    };
  }
}
