/**
 * Counts the rows of a pack's dataset file as the store's importer would see them, so that a
 * manifest's `rows` is checked against the file rather than trusted: CSV/TSV records after the
 * header (quoted newlines stay inside their record, blank lines are not rows; whether the first
 * record is a header is the importer's own decision, so a headerless file counts it), non-blank JSON
 * Lines, the items of a JSON array, an IDX file's first dimension, the images of an image folder.
 * A gzipped file (by its magic bytes, as the importer decides) is inflated as a stream and never
 * held whole, and may inflate to at most `maxBytes`: a small hostile .gz cannot make validation
 * run for minutes.
 */
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { CsvRecordSplitter, type CsvRecord } from '../store/import/csv-records';
import { firstRecordIsHeader, SNIFF_ROWS } from '../store/import/csv-source';
import { PackError } from './errors';
import { formatBytes } from './limits';
import type { PackDataset } from './manifest';

const NL = 10;
const CR = 13;
const QUOTE = 34;
const IMAGE = /\.(png|jpe?g)$/i;

/**
 * Records of delimited text, fed chunk by chunk, split as the importer's CsvRecordSplitter splits
 * them: a quote opens a quoted field only at the start of a field, a doubled quote inside one is a
 * quote, newlines inside one stay in the record. A record is a line with something in it: for CSV
 * a carriage return alone is nothing, for JSON Lines (no `delimiter`) neither are spaces and tabs.
 */
export class RecordCounter {
  private records = 0;
  private content = false;
  private inQuotes = false;
  /** A quote closed the quoted field, unless the next byte is a quote too (then it was `""`). */
  private quoteEnded = false;
  private fieldEmpty = true;

  constructor(private readonly options: { delimiter?: number; blankSpaces?: boolean }) {}

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // numeric files have no quotes: find newlines with indexOf (memchr) rather than byte by byte
    const plain = this.options.delimiter === undefined || (!this.inQuotes && !this.quoteEnded && buf.indexOf(QUOTE) === -1);
    if (plain) this.pushPlain(buf);
    else this.pushQuoted(buf, this.options.delimiter!);
  }

  /** The count once the last chunk is in (a last line without a newline is a record too). */
  end(): number {
    if (this.content) this.records++;
    this.content = false;
    return this.records;
  }

  private isBlank(b: number): boolean {
    return b === CR || (this.options.blankSpaces === true && (b === 32 || b === 9));
  }

  /** Whether buf[from, to) holds a byte that is not blank. */
  private hasContent(buf: Buffer, from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (!this.isBlank(buf[i])) return true;
    return false;
  }

  private pushPlain(buf: Buffer): void {
    // the hot loop of a large file: locals, and one look at a line's first byte (nearly always content)
    let records = this.records;
    let content = this.content;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      const stop = nl === -1 ? buf.length : nl;
      if (!content && stop > start) content = !this.isBlank(buf[start]) || this.hasContent(buf, start + 1, stop);
      if (nl === -1) break;
      if (content) records++;
      content = false;
      start = nl + 1;
    }
    this.records = records;
    this.content = content;
    // the line goes on in the next chunk: a quote there opens a field only after a delimiter
    if (start < buf.length) this.fieldEmpty = buf[buf.length - 1] === this.options.delimiter;
    else this.fieldEmpty = true;
  }

  private endRecord(): void {
    if (this.content) this.records++;
    this.content = false;
    this.fieldEmpty = true;
  }

  private pushQuoted(buf: Buffer, delimiter: number): void {
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (this.quoteEnded) {
        this.quoteEnded = false;
        if (b === QUOTE) {
          this.inQuotes = true; // `""` inside a quoted field: a quote, and the field goes on
          this.fieldEmpty = false;
          continue;
        }
      }
      if (this.inQuotes) {
        if (b === QUOTE) {
          this.inQuotes = false;
          this.quoteEnded = true;
        } else this.fieldEmpty = false;
      } else if (b === QUOTE && this.fieldEmpty) {
        this.inQuotes = true;
        this.content = true;
      } else if (b === NL) this.endRecord();
      else if (b === delimiter) {
        this.content = true;
        this.fieldEmpty = true;
      } else {
        if (!this.isBlank(b)) this.content = true;
        this.fieldEmpty = false;
      }
    }
  }
}

const isGzip = (data: Uint8Array) => data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;

/** The file's bytes as chunks, inflated on the fly when it is gzip; stop early by breaking out. */
async function* plainChunks(data: Buffer, where: string, maxBytes: number): AsyncGenerator<Buffer> {
  if (!isGzip(data)) {
    yield data;
    return;
  }
  const gunzip = Readable.from([data], { objectMode: false }).pipe(createGunzip({ chunkSize: 1 << 20 }));
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw new PackError('E_PACK_TOO_LARGE', `${where} inflates to more than ${formatBytes(maxBytes)}, the limit for a pack; it cannot be a dataset of this pack`);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof PackError) throw err;
    throw new PackError('E_PACK_CORRUPT', `${where} is not readable gzip (${(err as Error).message}); rebuild the file and the pack`);
  } finally {
    gunzip.destroy();
  }
}

async function countLines(data: Buffer, where: string, maxBytes: number, options: { delimiter?: number; blankSpaces?: boolean }): Promise<number> {
  const counter = new RecordCounter(options);
  for await (const chunk of plainChunks(data, where, maxBytes)) counter.push(chunk);
  return counter.end();
}

/** Slices of the file's start fed to the record splitter until the header can be decided. */
const SNIFF_SLICE = 64 << 10;

async function delimitedRows(data: Buffer, where: string, maxBytes: number, delimiter: ',' | '\t'): Promise<number> {
  const counter = new RecordCounter({ delimiter: delimiter.charCodeAt(0) });
  // the importer decides on the header from the first SNIFF_ROWS records: parse those, count the rest
  const splitter = new CsvRecordSplitter(delimiter);
  const decoder = new StringDecoder('utf8');
  const head: CsvRecord[] = [];
  const sniffing = () => head.length <= SNIFF_ROWS;
  for await (const chunk of plainChunks(data, where, maxBytes)) {
    counter.push(chunk);
    for (let at = 0; sniffing() && at < chunk.length; at += SNIFF_SLICE) {
      for (const r of splitter.push(decoder.write(chunk.subarray(at, at + SNIFF_SLICE)))) head.push(r);
    }
  }
  if (sniffing()) for (const r of [...splitter.push(decoder.end()), ...splitter.end()]) head.push(r);
  return Math.max(0, counter.end() - (firstRecordIsHeader(head) ? 1 : 0));
}

async function idxRows(data: Buffer, where: string, maxBytes: number): Promise<number> {
  let head = Buffer.alloc(0);
  for await (const chunk of plainChunks(data, where, maxBytes)) {
    head = Buffer.concat([head, chunk]);
    if (head.length >= 8) break; // the magic, then the first dimension: all that is needed
  }
  if (head.length < 8 || head[0] !== 0 || head[1] !== 0 || head[3] < 1) {
    throw new PackError('E_PACK_MANIFEST', `${where} is not an IDX file (magic ${head.subarray(0, 4).toString('hex') || 'missing'}, expected 0000 followed by the type and the number of dimensions)`);
  }
  return head.readUInt32BE(4);
}

async function jsonRows(data: Buffer, where: string, maxBytes: number): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of plainChunks(data, where, maxBytes)) chunks.push(chunk);
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new PackError('E_PACK_MANIFEST', `${where} is not valid JSON (${(err as Error).message})`);
  }
  // as the importer reads it: an array of records, or an object whose one array property holds them
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) {
    const arrays = Object.values(doc).filter(Array.isArray);
    if (arrays.length === 1) doc = arrays[0];
  }
  if (!Array.isArray(doc)) throw new PackError('E_PACK_MANIFEST', `${where} is not a JSON array of records (nor an object holding one array)`);
  return doc.length;
}

/**
 * The rows of `dataset`: `data` is the file's content (not used for `images`, whose rows are the
 * image files under its folder among `paths`). `where` names the file in messages.
 */
export async function countDatasetRows(dataset: PackDataset, data: Buffer | null, options: { paths: string[]; where: string; maxBytes: number }): Promise<number> {
  const { where, maxBytes } = options;
  if (dataset.format === 'images') return options.paths.filter((p) => p.startsWith(`${dataset.path}/`) && IMAGE.test(p)).length;
  if (!data) throw new Error(`countDatasetRows: no data for ${where}`);
  switch (dataset.format) {
    case 'csv':
      return delimitedRows(data, where, maxBytes, ',');
    case 'tsv':
      return delimitedRows(data, where, maxBytes, '\t');
    case 'jsonl':
      return countLines(data, where, maxBytes, { blankSpaces: true });
    case 'json':
      return jsonRows(data, where, maxBytes);
    case 'idx':
      return idxRows(data, where, maxBytes);
  }
}
