import type { Subscribe } from './common';

/** How samples of a dataset are shown: rows of a table, images, or texts. */
export type DatasetKind = 'table' | 'image' | 'text';

/** The file formats an import reads. `auto` picks one from the file name or folder. */
export type ImportFormat = 'auto' | 'csv' | 'tsv' | 'json' | 'jsonl' | 'idx' | 'images';

export interface ColumnInfo {
  name: string;
  /** Detected from the data: a column is a number when every present value parses as one. */
  type: 'number' | 'string';
  /** feature: part of the float32 features; label: the label column; raw: kept for display only. */
  role: 'feature' | 'label' | 'raw';
  /** Cells that were empty, NA, null, ... in the source: kept as missing (NaN / null), never 0. */
  missing: number;
}

export interface DatasetSummary {
  id: number;
  name: string;
  kind: DatasetKind;
  format: Exclude<ImportFormat, 'auto'>;
  source: string;
  sampleCount: number;
  labeledCount: number;
  columns: ColumnInfo[];
  featureCount: number;
  /** [height, width, channels] for image datasets. */
  shape: number[] | null;
  /** Display names of label values, when the source has them (e.g. "0" -> "T-shirt/top"). */
  classes: Record<string, string> | null;
  createdAt: number;
}

export interface ImportOptions {
  /** A file (CSV, TSV, JSON, JSONL, IDX images, optionally .gz) or a folder of class folders of PNG/JPEG. */
  path: string;
  format?: ImportFormat;
  /** Defaults to the file name without extensions; made unique with a suffix. */
  name?: string;
  /** The label column: a name, or an index (negative counts from the end). Default: a column named label, class, target, species, y. */
  labelColumn?: string | number;
  /** Whether the first CSV/TSV row is a header; detected when omitted. */
  header?: boolean;
  /** IDX: the labels file; defaults to the images file's sibling (…-labels-idx1-ubyte[.gz]). */
  labelsPath?: string;
  /** Display names of label values in order of the values (IDX labels 0..n-1). */
  classNames?: string[];
  /** Stop after this many samples (a subset of a large file). */
  limit?: number;
  /** A caller-chosen id, to follow progress events and to cancel. */
  importId?: string;
}

export interface RejectedRow {
  /** 1-based line (CSV, TSV, JSONL), item index (JSON, IDX) or file path (images). */
  at: string;
  reason: string;
}

export interface ImportReport {
  dataset: DatasetSummary;
  imported: number;
  /** The first rejected rows with reasons (at most 100); `rejectedCount` counts them all. */
  rejected: RejectedRow[];
  rejectedCount: number;
  durationMs: number;
}

export interface ImportProgress {
  importId: string;
  path: string;
  /** Samples stored so far. */
  imported: number;
  rejectedCount: number;
  /** 0..1 when the size is known (bytes read of the file), else null. */
  fraction: number | null;
  phase: 'importing' | 'done' | 'cancelled' | 'failed';
}

export interface SampleView {
  id: number;
  position: number;
  /** The latest label, or null when unlabeled. */
  label: string | null;
  labelCount: number;
  /** Table rows: column name -> value (null where missing). */
  cells?: Record<string, string | number | null>;
  /** Image samples: a data: URL (PNG or JPEG). */
  image?: string;
  text?: string;
}

export interface SamplePage {
  datasetId: number;
  offset: number;
  total: number;
  samples: SampleView[];
}

export interface LabelDistribution {
  datasetId: number;
  /** The latest label of each sample, counted per value, most frequent first. */
  counts: { value: string; name: string; count: number }[];
  unlabeled: number;
}

export type LabelSource = 'import' | 'annotator' | 'cell' | 'model';

/** One row of the append-only label log, with its provenance. */
export interface LabelRecord {
  id: number;
  datasetId: number;
  sampleId: number;
  value: string;
  source: LabelSource;
  annotator: string | null;
  queueId: number | null;
  modelVersion: string | null;
  durationMs: number | null;
  createdAt: number;
}

export interface NewLabel {
  sampleId: number;
  value: string;
  source?: Exclude<LabelSource, 'import'>;
  annotator?: string;
  queueId?: number;
  modelVersion?: string;
  /** Time the annotator spent on this sample. */
  durationMs?: number;
}

export interface ExportOptions {
  path: string;
  format: 'csv' | 'jsonl';
}

/** The datasets group of the API: the store's datasets, samples and label log. */
export interface DatasetsApi {
  list(): Promise<DatasetSummary[]>;
  get(datasetId: number): Promise<DatasetSummary>;
  import(options: ImportOptions): Promise<ImportReport>;
  /** Cancels a running import; nothing of it stays. False when no such import is running. */
  cancelImport(importId: string): Promise<boolean>;
  samples(datasetId: number, page: { offset: number; limit: number }): Promise<SamplePage>;
  labelDistribution(datasetId: number): Promise<LabelDistribution>;
  appendLabel(label: NewLabel): Promise<LabelRecord>;
  labelHistory(sampleId: number): Promise<LabelRecord[]>;
  /** Writes every sample with its latest label and that label's provenance. */
  export(datasetId: number, options: ExportOptions): Promise<{ path: string; rows: number }>;
  delete(datasetId: number): Promise<void>;
  onDidChange: Subscribe<DatasetSummary[]>;
  onDidImportProgress: Subscribe<ImportProgress>;
}
