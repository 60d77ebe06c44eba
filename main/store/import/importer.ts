import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ImportFormat, ImportOptions, ImportProgress, ImportReport, RejectedRow } from '../../api/datasets';
import type { Store } from '../store';
import { StoreError } from '../store-errors';
import { csvSource } from './csv-source';
import { idxSource } from './idx-source';
import { imageFolderSource, isDirectory } from './image-folder-source';
import { isRejected, type ImportSource, type SourceOptions } from './import-source';
import { jsonSource, jsonlSource } from './json-source';
import type { NewSample } from '../dataset-table';

const KEEP_REJECTED = 100;

export interface ImportControl {
  signal?: AbortSignal;
  onProgress?: (p: Omit<ImportProgress, 'importId'>) => void;
}

/** The format a path holds, from its name (a trailing .gz is looked through) or being a folder. */
export function detectFormat(path: string): Exclude<ImportFormat, 'auto'> {
  if (isDirectory(path)) return 'images';
  const name = basename(path).toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.tsv') || name.endsWith('.tab')) return 'tsv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.json')) return 'json';
  if (/idx\d-ubyte$|\.idx\d?$/.test(name)) return 'idx';
  throw new StoreError('E_IMPORT', `Cannot tell the format of "${path}" from its name. Pass format: one of csv, tsv, json, jsonl, idx, images.`);
}

function openSourceFor(format: Exclude<ImportFormat, 'auto'>, path: string, options: SourceOptions): Promise<ImportSource> {
  switch (format) {
    case 'csv':
      return csvSource(path, ',', options);
    case 'tsv':
      return csvSource(path, '\t', options);
    case 'json':
      return jsonSource(path, options);
    case 'jsonl':
      return jsonlSource(path, options);
    case 'idx':
      return idxSource(path, options);
    case 'images':
      return imageFolderSource(path, options);
  }
}

/**
 * Imports a file or folder as a new dataset, in batches of one transaction each so that labeling
 * goes on meanwhile. The dataset stays invisible until the last batch is in; a cancel, an error
 * or a crash (see DatasetTable.dropUnfinished) removes every batch already written.
 */
export async function importDataset(store: Store, options: ImportOptions, control: ImportControl = {}): Promise<ImportReport> {
  const t0 = performance.now();
  const { path } = options;
  if (!existsSync(path)) throw new StoreError('E_IMPORT', `Cannot import "${path}": there is no such file or folder.`);
  const format = !options.format || options.format === 'auto' ? detectFormat(path) : options.format;
  if (format === 'images' && !isDirectory(path)) throw new StoreError('E_IMPORT', `Cannot import "${path}" as images: it is not a folder.`);
  const source = await openSourceFor(format, path, options);
  const name = store.datasets.uniqueName(options.name ?? defaultName(path));
  const datasetId = store.datasets.begin({ name, kind: source.kind, format, source: path });
  const rejected: RejectedRow[] = [];
  let rejectedCount = 0;
  let imported = 0;
  const limit = options.limit ?? Infinity;
  const progress = (phase: ImportProgress['phase']) => control.onProgress?.({ path, imported, rejectedCount, fraction: source.fraction(), phase });
  try {
    for await (const batch of source.batches()) {
      if (control.signal?.aborted) throw cancelled(path);
      const samples: NewSample[] = [];
      for (const item of batch) {
        if (isRejected(item)) {
          rejectedCount++;
          if (rejected.length < KEEP_REJECTED) rejected.push(item.rejected);
        } else if (imported + samples.length < limit) samples.push(item);
      }
      store.datasets.appendBatch(datasetId, imported, samples);
      imported += samples.length;
      progress('importing');
      if (imported >= limit) break;
      // let other calls (labels, page views, a cancel) run between batches
      await nextTurn();
      if (control.signal?.aborted) throw cancelled(path);
    }
    if (imported === 0) {
      const why = rejected.length ? ` Every row was rejected; the first: ${rejected[0].reason}.` : ' It has no rows.';
      throw new StoreError('E_IMPORT', `Cannot import "${path}": nothing to import.${why}`);
    }
    const dataset = store.datasets.finish(datasetId, source.meta());
    progress('done');
    return { dataset, imported, rejected, rejectedCount, durationMs: performance.now() - t0 };
  } catch (err) {
    store.datasets.delete(datasetId);
    imported = 0;
    progress(err instanceof StoreError && err.code === 'E_CANCELLED' ? 'cancelled' : 'failed');
    throw err;
  }
}

function cancelled(path: string): StoreError {
  return new StoreError('E_CANCELLED', `The import of "${path}" was cancelled; nothing of it was kept.`);
}

/** "train-images-idx3-ubyte.gz" -> "train-images", "penguins.json" -> "penguins". */
function defaultName(path: string): string {
  return (
    basename(path)
      .replace(/\.gz$/i, '')
      .replace(/\.(csv|tsv|tab|json|jsonl|ndjson)$/i, '')
      .replace(/-idx\d-ubyte$/, '') || 'dataset'
  );
}
