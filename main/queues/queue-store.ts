/**
 * What the queue service needs from the workspace database. The store (main/store, where all SQL
 * lives) implements it; keeping the seam narrow lets the service hold the rules (leases, overlap,
 * undo as a correction) while the store holds the statements.
 */
import type { QueueCounts, QueueSettings, QueueStrategy } from '../api/queues';
import type { ExchangedLabel } from './exchange';

export interface StoredQueue {
  id: number;
  datasetId: number;
  name: string;
  strategy: QueueStrategy;
  modelVersion: string | null;
  settings: QueueSettings;
  classes: string[];
  createdAt: number;
  /** When the queue was archived; null while annotators work in it. */
  archivedAt: number | null;
}

export interface DatasetFacts {
  id: number;
  name: string;
  sampleCount: number;
  /** Label value -> display name, when the dataset lists its classes. */
  classes: Record<string, string> | null;
  /** [height, width, channels] for image datasets. */
  shape: number[] | null;
  kind: 'table' | 'image' | 'text';
}

export interface StoredSample {
  id: number;
  position: number;
  rawType: string | null;
  raw: Uint8Array | null;
  features: Float32Array | null;
}

export interface ScoredItem {
  sampleId: number;
  score: number;
  /** The model's most likely label and its probability. */
  suggestion: string | null;
  suggestionProbability: number | null;
}

export interface HeldItem extends ScoredItem {
  leaseExpiresAt: number;
}

/** A label as the queue service sees it. */
export interface QueueLabel {
  uid: string;
  sampleId: number;
  position: number;
  value: string;
  annotator: string;
  queueId: number | null;
  modelVersion: string | null;
  durationMs: number | null;
  createdAt: number;
}

export interface QueueStore {
  dataset(datasetId: number): DatasetFacts;
  sample(sampleId: number): StoredSample;
  /** Sample ids and features of a dataset, in position order (for k-center without embeddings). */
  features(datasetId: number): { sampleIds: Int32Array; features: Float32Array; dim: number };
  /** Sample ids of a dataset in position order (row i of the source is sampleIds[i]). */
  sampleIds(datasetId: number): Int32Array;

  createQueue(q: Omit<StoredQueue, 'id' | 'createdAt' | 'modelVersion' | 'archivedAt'>): StoredQueue;
  /** Archives the queue at `at` (its leases go back to pending), or restores it with null. */
  setArchived(queueId: number, at: number | null): void;
  queue(queueId: number): StoredQueue;
  queues(datasetId?: number): StoredQueue[];
  /**
   * Adds up to `limit` samples of the dataset with ids above `afterSampleId` (in id order) to the
   * queue, pending, with a pseudo-random score seeded by the queue (the cold-start order); items
   * already there are kept. Returns the last id added, or null when none was left: filling a big
   * queue in chunks leaves room for other calls.
   */
  fillQueue(queueId: number, afterSampleId: number, limit: number): number | null;
  /** Sets scores and suggestions, keeping each item's status; records the model version. */
  scoreItems(queueId: number, modelVersion: string | null, items: readonly ScoredItem[]): void;
  counts(queueId: number): QueueCounts;

  /** Items leased to the annotator in the order they are shown: by lease expiry (an item reopened by undo expires first, so it comes before the one it interrupted; a new lease comes last). */
  held(queueId: number, annotator: string): HeldItem[];
  /**
   * Leases the best pending item the annotator has not labeled yet (expired leases return first),
   * or null when none is left for them.
   */
  leaseNext(queueId: number, annotator: string, leaseMs: number): HeldItem | null;
  /**
   * Appends the label and closes the item in one transaction: 'done', or back to 'pending' for a
   * second annotator when `reopenForOverlap`. Refused when someone else holds a live lease.
   */
  label(queueId: number, sampleId: number, label: { annotator: string; value: string; durationMs: number | null; uid: string }, options: { reopenForOverlap: boolean }): QueueLabel;
  skip(queueId: number, sampleId: number, annotator: string): void;
  /** Leases the item back to the annotator (undo); the label log is untouched. */
  reopen(queueId: number, sampleId: number, annotator: string, leaseMs: number): HeldItem;

  /** The annotator's labels in this queue, newest first, at most `limit`. */
  recentLabels(queueId: number, annotator: string, limit: number): QueueLabel[];
  /** Annotators who labeled the sample in this queue. */
  itemAnnotators(queueId: number, sampleId: number): string[];
  /** Distinct samples the annotator labeled in the queue. */
  labeledByAnnotator(queueId: number, annotator: string): number;
  /** Each annotator's latest label per sample in the queue. */
  finalLabels(queueId: number): QueueLabel[];
  annotators(): string[];

  /** Labels of a dataset (one annotator's, or everyone's) for an offline label file. */
  exportLabels(datasetId: number, annotator: string | null): ExchangedLabel[];
  findLabel(uid: string): ExchangedLabel | undefined;
  datasetByName(name: string): DatasetFacts | undefined;
  labelsOfSample(datasetName: string, position: number): ExchangedLabel[];
  importLabel(label: ExchangedLabel): void;
  transaction<T>(fn: () => T): T;
}
