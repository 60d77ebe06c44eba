import type { ColumnInfo } from '../../api/datasets';
import { CsvRecordSplitter, type CsvRecord } from './csv-records';
import { isRejected, BATCH_ROWS, type ImportSource, type SourceItem, type SourceOptions } from './import-source';
import { openSource } from './source-stream';
import { TableSchema, looksLikeHeader } from './table-schema';
import { StoreError } from '../store-errors';

/** Rows read before column types and the header are decided. */
export const SNIFF_ROWS = 1000;

/** CSV or TSV, optionally gzipped, streamed; header and column types are detected from the first rows. */
export async function csvSource(path: string, delimiter: ',' | '\t', options: SourceOptions): Promise<ImportSource> {
  const src = await openSource(path, 'utf8');
  let schema: TableSchema | undefined;
  let width = 0;
  const where = `"${path}"`;

  let classes: Record<string, string> | null = null;

  function decide(records: CsvRecord[]): CsvRecord[] {
    if (!records.length) throw new StoreError('E_IMPORT', `Cannot import ${where}: it has no rows.`);
    const preamble = options.header === undefined ? sklearnPreamble(records) : null;
    if (preamble) {
      // scikit-learn's bundled CSVs: "n_samples,n_features,class names..." over headerless rows
      classes = Object.fromEntries(preamble.map((name, i) => [String(i), name]));
      const body = records.slice(1);
      width = body[0].fields.length;
      const names = Array.from({ length: width }, (_, i) => (i === width - 1 ? 'target' : `feature ${i + 1}`));
      schema = new TableSchema(names, sample(body), { ...options, labelColumn: options.labelColumn ?? -1 }, where);
      return body;
    }
    const first = records[0].fields;
    const header = options.header ?? firstRecordIsHeader(records);
    const names = header ? first : first.map((_, i) => `column ${i + 1}`);
    const body = header ? records.slice(1) : records;
    width = names.length;
    schema = new TableSchema(names, sample(body), options, where);
    return body;
  }

  function sample(body: CsvRecord[]): string[][] {
    return body.slice(0, SNIFF_ROWS).filter((r) => r.fields.length === width).map((r) => r.fields);
  }

  function convert(records: CsvRecord[]): SourceItem[] {
    const s = schema!;
    const nFeatures = s.featureNames.length;
    const buf = new Float32Array(records.length * nFeatures);
    const out: SourceItem[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r.fields.length !== width) {
        out[i] = { rejected: { at: `line ${r.line}`, reason: `line ${r.line} has ${r.fields.length} field(s), the header has ${width}` } };
        continue;
      }
      const sample = s.toSample(r.fields, buf.subarray(i * nFeatures, (i + 1) * nFeatures));
      out[i] = typeof sample === 'string' ? { rejected: { at: `line ${r.line}`, reason: `line ${r.line}: ${sample}` } } : sample;
    }
    return out;
  }

  async function* batches(): AsyncGenerator<SourceItem[]> {
    const splitter = new CsvRecordSplitter(delimiter);
    let sniff: CsvRecord[] = [];
    const emit = function* (records: CsvRecord[]) {
      for (let i = 0; i < records.length; i += BATCH_ROWS) yield convert(records.slice(i, i + BATCH_ROWS));
    };
    for await (const chunk of src.stream as AsyncIterable<string>) {
      const records = splitter.push(chunk);
      if (!schema) {
        for (const r of records) sniff.push(r);
        if (sniff.length <= SNIFF_ROWS) continue;
        yield* emit(decide(sniff));
        sniff = [];
        continue;
      }
      yield* emit(records);
    }
    const tail = splitter.end();
    if (!schema) {
      for (const r of tail) sniff.push(r);
      yield* emit(decide(sniff));
    } else yield* emit(tail);
  }

  return {
    kind: 'table',
    format: delimiter === ',' ? 'csv' : 'tsv',
    batches,
    fraction: src.fraction,
    meta: () => ({ columns: schema?.columns ?? ([] as ColumnInfo[]), featureNames: schema?.featureNames ?? [], shape: null, classes }),
  };
}

export { isRejected };

/**
 * Whether the importer reads the first record as a header (or scikit-learn's preamble) rather
 * than as a row; `records` are the file's first records (up to SNIFF_ROWS of them are looked at).
 * The importer and a pack's row count (main/packs/dataset-rows.ts) both decide with this.
 */
export function firstRecordIsHeader(records: readonly CsvRecord[]): boolean {
  if (!records.length) return false;
  return sklearnPreamble(records) !== null || looksLikeHeader(records[0].fields, records.slice(1, SNIFF_ROWS).map((r) => r.fields));
}

/**
 * The class names of a scikit-learn dataset CSV (iris, wine, breast_cancer), whose first line is
 * "n_samples,n_features,class_0,class_1,..." and whose rows are n_features values and a class
 * index; null for any other file.
 */
function sklearnPreamble(records: readonly CsvRecord[]): string[] | null {
  if (records.length < 2) return null;
  const [n, f, ...names] = records[0].fields;
  const width = records[1].fields.length;
  if (!/^\d+$/.test(n) || !/^\d+$/.test(f) || Number(f) !== width - 1 || names.length === 0) return null;
  if (names.some((x) => x.trim() === '' || /^-?\d/.test(x))) return null;
  return names;
}
