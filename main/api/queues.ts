import type { Subscribe } from './common';

/** How a queue ranks samples: see main/queues/strategies. */
export type QueueStrategy = 'random' | 'least-confidence' | 'margin' | 'entropy' | 'k-center';

export interface QueueSettings {
  /** How many labeled items the queue aims for (the progress bar's 100%). */
  target: number;
  /** Share (0..1) of items that two different annotators label, for agreement figures. */
  overlap: number;
  /** Re-score the queue after this many new labels (0: only when a model publishes scores). */
  refreshEvery: number;
  /** How long an item stays with one annotator before it goes back to the queue. */
  leaseSeconds: number;
  /** Items the diversity strategy (k-center) picks as one diverse batch at the head of the queue (default 32). */
  batchSize?: number;
}

export interface QueueCounts {
  pending: number;
  leased: number;
  done: number;
  skipped: number;
}

export interface QueueSummary {
  id: number;
  datasetId: number;
  datasetName: string;
  name: string;
  strategy: QueueStrategy;
  /** The model whose scores order the queue; null until one is published. */
  modelVersion: string | null;
  settings: QueueSettings;
  counts: QueueCounts;
  /** Samples in the dataset (the pool). */
  poolSize: number;
  /** The label values annotators choose from, in button order (keys 1..9, 0). */
  classes: { value: string; name: string }[];
  createdAt: number;
  /**
   * When the queue was archived, or null. An archived queue keeps its items and labels but is not
   * offered to annotators and hands out nothing until it is restored.
   */
  archivedAt: number | null;
}

export interface CreateQueueOptions {
  datasetId: number;
  name: string;
  strategy: QueueStrategy;
  target?: number;
  overlap?: number;
  refreshEvery?: number;
  leaseSeconds?: number;
  /** Size of a diverse batch for `k-center` (default 32). */
  batchSize?: number;
  /** The label values, when the dataset does not list its classes. */
  classes?: string[];
}

/** Model output for the samples of a queue's dataset, published under a model version. */
export interface PublishScoresOptions {
  queueId: number;
  modelVersion: string;
  /** Sample ids, one per row. */
  sampleIds: number[];
  /** The label value of each probability column. */
  classes: string[];
  /** Row-major, sampleIds.length x classes.length. */
  probabilities: number[];
  /** Optional embeddings for `k-center`, row-major, sampleIds.length x dim; the features are used when absent. */
  embeddings?: number[];
  dim?: number;
}

/** A sample shown the way its data looks. */
export type SampleDisplay =
  | { kind: 'image'; src: string; width?: number; height?: number }
  | { kind: 'text'; text: string }
  | { kind: 'table'; cells: Record<string, string | number | null> };

export interface AnnotatorItem {
  queueId: number;
  sampleId: number;
  position: number;
  score: number;
  display: SampleDisplay;
  /** The model's most likely label and its probability, when a model has scored the item. */
  suggestion: { value: string; probability: number } | null;
  /** Set when the annotator reopened the item with undo: the label they gave before. */
  previousLabel: string | null;
  leaseExpiresAt: number;
}

export interface AnnotatorProgress {
  /** Items this annotator labeled in this queue (corrections do not count twice). */
  labeledByMe: number;
  /** Items of the queue labeled by anyone. */
  labeled: number;
  target: number;
  poolSize: number;
  /** Share of the pool (the dataset) labeled in this queue. */
  poolShare: number;
  /** Over this annotator's recent labels. */
  itemsPerMinute: number | null;
  medianSecondsPerItem: number | null;
  /** True when the queue has nothing left for this annotator. */
  finished: boolean;
  /** True when the queue was archived: it hands out nothing until restored. */
  archived: boolean;
}

export interface AnnotatorState {
  item: AnnotatorItem | null;
  /**
   * The item after `item`, already leased to the annotator: the screen shows it the moment a key
   * is pressed, while the label is being saved, so the annotator never waits for the disk.
   */
  next: AnnotatorItem | null;
  progress: AnnotatorProgress;
}

export interface LabelOptions {
  /** Time from showing the item to the key press, ms. */
  durationMs?: number;
}

export interface PairAgreementView {
  a: string;
  b: string;
  items: number;
  observed: number | null;
  kappa: number | null;
}

export interface AgreementView {
  queueId: number;
  overlapItems: number;
  pairs: PairAgreementView[];
  /** Krippendorff's alpha (nominal) over every item labeled by two or more annotators. */
  alpha: number | null;
  disagreements: { sampleId: number; position: number; display: SampleDisplay; labels: { annotator: string; label: string }[] }[];
}

export interface ExportLabelsResult {
  path: string;
  count: number;
}

export interface LabelFileText {
  /** A suggested file name, e.g. "digits.ana.labels.jsonl". */
  fileName: string;
  text: string;
  count: number;
}

export interface ImportLabelsResult {
  added: number;
  alreadyPresent: number;
  conflicts: number;
  mismatched: { uid: string; line: number }[];
}

/** Active-learning queues and the annotator's session. */
export interface QueuesApi {
  list(datasetId?: number): Promise<QueueSummary[]>;
  get(queueId: number): Promise<QueueSummary>;
  create(options: CreateQueueOptions): Promise<QueueSummary>;
  /** Takes a queue off the annotators' list; its items and labels stay, and items out with annotators go back. */
  archive(queueId: number): Promise<QueueSummary>;
  /** Puts an archived queue back on the annotators' list. */
  restore(queueId: number): Promise<QueueSummary>;
  /** Stores model scores under a model version and re-ranks the queue by its strategy. */
  publishScores(options: PublishScoresOptions): Promise<QueueSummary>;
  annotators(): Promise<string[]>;
  /** Where the annotator is: the item they hold (a reload resumes it), else the next one, leased to them. */
  resume(queueId: number, annotator: string): Promise<AnnotatorState>;
  /** Saves a label for the item and returns the next one, in one round trip. */
  label(queueId: number, annotator: string, sampleId: number, value: string, options?: LabelOptions): Promise<AnnotatorState>;
  skip(queueId: number, annotator: string, sampleId: number): Promise<AnnotatorState>;
  /** Reopens the annotator's last labeled item; the next label is a correction, the first one stays in the log. */
  undo(queueId: number, annotator: string): Promise<AnnotatorState>;
  agreement(queueId: number): Promise<AgreementView>;
  /** Writes the annotator's labels (every annotator's when null) of the queue's dataset to a label file. */
  exportLabels(datasetId: number, annotator: string | null, path: string): Promise<ExportLabelsResult>;
  /** Imports a label file made on another machine; importing it again changes nothing. */
  importLabels(path: string): Promise<ImportLabelsResult>;
  /** The same label file as text, for the screen to download (browser mode has no path to write to). */
  labelFile(datasetId: number, annotator: string | null): Promise<LabelFileText>;
  /** Imports a label file's text (an upload from the screen); `fileName` names it in messages. */
  importLabelFile(text: string, fileName: string): Promise<ImportLabelsResult>;
  /** Fires when a queue's counts or ranking change (labels, new scores, a refresh). */
  onDidChange: Subscribe<{ queueId: number }>;
}
