import type { DatasetKind, ImportFormat, ImportOptions, RejectedRow } from '../../api/datasets';
import type { DatasetMeta, NewSample } from '../dataset-table';

/** What a format reader yields: samples to store, or rows it could not take, with the reason. */
export type SourceItem = NewSample | { rejected: RejectedRow };

export function isRejected(item: SourceItem): item is { rejected: RejectedRow } {
  return (item as { rejected?: unknown }).rejected !== undefined;
}

/** One file (or folder) being read, batch by batch; `meta` is complete once batches are done. */
export interface ImportSource {
  kind: DatasetKind;
  format: Exclude<ImportFormat, 'auto'>;
  batches(): AsyncGenerator<SourceItem[]>;
  meta(): DatasetMeta;
  /** How far through the input, 0..1, or null when unknown. */
  fraction(): number | null;
}

export type SourceOptions = Omit<ImportOptions, 'path' | 'format' | 'name' | 'importId'>;

/** Rows per batch: large enough that a transaction's cost is spread, small enough to stay responsive. */
export const BATCH_ROWS = 5000;
