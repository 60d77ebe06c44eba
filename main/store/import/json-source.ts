import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { DatasetKind } from '../../api/datasets';
import { BATCH_ROWS, type ImportSource, type SourceItem, type SourceOptions } from './import-source';
import { openSource } from './source-stream';
import { TableSchema } from './table-schema';
import { StoreError } from '../store-errors';

const TEXT_FIELDS = ['text', 'sentence', 'review', 'content', 'body'];

function kindOf(schema: TableSchema): DatasetKind {
  return schema.columns.some((c) => c.type === 'string' && c.role === 'raw' && TEXT_FIELDS.includes(c.name.toLowerCase())) ? 'text' : 'table';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON file: an array of objects, or an object whose one array property holds them. */
export async function jsonSource(path: string, options: SourceOptions): Promise<ImportSource> {
  let buf = await readFile(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new StoreError('E_IMPORT', `Cannot import "${path}": it is not valid JSON (${(err as Error).message}).`);
  }
  if (isRecord(doc)) {
    const arrays = Object.values(doc).filter(Array.isArray);
    if (arrays.length === 1) doc = arrays[0];
  }
  if (!Array.isArray(doc)) throw new StoreError('E_IMPORT', `Cannot import "${path}": expected an array of objects (or an object holding one array), got ${doc === null ? 'null' : typeof doc}.`);
  const items = doc as unknown[];
  // every key of every object becomes a column: the whole file is in memory, so nothing is dropped
  const names: string[] = [];
  const known = new Set<string>();
  for (const it of items) if (isRecord(it)) for (const k of Object.keys(it)) if (!known.has(k)) (known.add(k), names.push(k));
  const rows = items.map((it) => (isRecord(it) ? names.map((k) => it[k]) : null));
  const schema = new TableSchema(names, rows.filter((r): r is unknown[] => r !== null), options, `"${path}"`);
  let done = 0;

  async function* batches(): AsyncGenerator<SourceItem[]> {
    const n = schema.featureNames.length;
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      const end = Math.min(rows.length, start + BATCH_ROWS);
      const buf = new Float32Array((end - start) * n);
      const out: SourceItem[] = [];
      for (let i = start; i < end; i++) {
        const row = rows[i];
        const at = `item ${i + 1}`;
        if (!row) {
          out.push({ rejected: { at, reason: `item ${i + 1} is ${JSON.stringify(items[i])?.slice(0, 40)}, not an object` } });
          continue;
        }
        const s = schema.toSample(row, buf.subarray((i - start) * n, (i - start + 1) * n));
        out.push(typeof s === 'string' ? { rejected: { at, reason: `item ${i + 1}: ${s}` } } : s);
      }
      done = end;
      yield out;
    }
  }

  return {
    kind: kindOf(schema),
    format: 'json',
    batches,
    fraction: () => (rows.length ? done / rows.length : 1),
    meta: () => ({ columns: schema.columns, featureNames: schema.featureNames, shape: null, classes: null }),
  };
}

/** JSON Lines, streamed: one object per line; columns are the keys of the first rows. */
export async function jsonlSource(path: string, options: SourceOptions): Promise<ImportSource> {
  const SNIFF = 1000;
  const src = await openSource(path, 'utf8');
  const lines = createInterface({ input: src.stream, crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  let lineNo = 0;
  const head: { line: number; value: unknown; error?: string }[] = [];
  const parse = (text: string, line: number) => {
    try {
      return { line, value: JSON.parse(text) as unknown };
    } catch (err) {
      return { line, value: undefined, error: `line ${line} is not valid JSON (${(err as Error).message})` };
    }
  };
  while (head.length < SNIFF) {
    const next = await iterator.next();
    if (next.done) break;
    lineNo++;
    if (next.value.trim() === '') continue;
    head.push(parse(next.value, lineNo));
  }
  const names: string[] = [];
  const known = new Set<string>();
  for (const h of head) if (isRecord(h.value)) for (const k of Object.keys(h.value)) if (!known.has(k)) (known.add(k), names.push(k));
  if (!names.length) throw new StoreError('E_IMPORT', `Cannot import "${path}": none of its first ${head.length} lines is a JSON object.`);
  const schema = new TableSchema(names, head.filter((h) => isRecord(h.value)).map((h) => names.map((k) => (h.value as Record<string, unknown>)[k])), options, `"${path}"`);
  const n = schema.featureNames.length;

  function convert(entries: { line: number; value: unknown; error?: string }[]): SourceItem[] {
    const buf = new Float32Array(entries.length * n);
    return entries.map((e, i) => {
      const at = `line ${e.line}`;
      if (e.error) return { rejected: { at, reason: e.error } };
      if (!isRecord(e.value)) return { rejected: { at, reason: `line ${e.line} is not a JSON object` } };
      const extra = Object.keys(e.value).find((k) => !known.has(k));
      if (extra !== undefined) return { rejected: { at, reason: `line ${e.line} has a field "${extra}" that the first ${SNIFF} lines do not have` } };
      const rec = e.value;
      const s = schema.toSample(names.map((k) => rec[k]), buf.subarray(i * n, (i + 1) * n));
      return typeof s === 'string' ? { rejected: { at, reason: `line ${e.line}: ${s}` } } : s;
    });
  }

  async function* batches(): AsyncGenerator<SourceItem[]> {
    try {
      yield convert(head);
      yield* rest();
    } finally {
      lines.close();
      src.stream.destroy();
    }
  }

  async function* rest(): AsyncGenerator<SourceItem[]> {
    let batch: { line: number; value: unknown; error?: string }[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      lineNo++;
      if (next.value.trim() === '') continue;
      batch.push(parse(next.value, lineNo));
      if (batch.length >= BATCH_ROWS) {
        yield convert(batch);
        batch = [];
      }
    }
    if (batch.length) yield convert(batch);
  }

  return {
    kind: kindOf(schema),
    format: 'jsonl',
    batches,
    fraction: src.fraction,
    meta: () => ({ columns: schema.columns, featureNames: schema.featureNames, shape: null, classes: null }),
  };
}
