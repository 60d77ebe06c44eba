import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BATCH_ROWS, type ImportSource, type SourceItem, type SourceOptions } from './import-source';
import { StoreError } from '../store-errors';

/** Fashion-MNIST's class names (labels 0-9), as its README lists them. */
const FASHION_MNIST = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

interface Idx {
  dims: number[];
  data: Uint8Array;
}

/** Reads an IDX file of unsigned bytes (magic 0x0000 08 nd), gzipped or not. */
async function readIdx(path: string): Promise<Idx> {
  let buf = await readFile(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (err) {
      throw new StoreError('E_IMPORT', `Cannot import "${path}": its gzip data is damaged (${(err as Error).message}).`);
    }
  }
  if (buf.length < 8 || buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) {
    throw new StoreError('E_IMPORT', `Cannot import "${path}": it is not an IDX file of unsigned bytes (magic ${buf.subarray(0, 4).toString('hex')}, expected 000008xx).`);
  }
  const nd = buf[3];
  const dims = Array.from({ length: nd }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * nd;
  const expected = dims.reduce((a, b) => a * b, 1);
  if (buf.length - offset < expected) {
    throw new StoreError('E_IMPORT', `Cannot import "${path}": it is truncated (${buf.length - offset} bytes of data, its header promises ${dims.join(' x ')} = ${expected}).`);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, expected) };
}

/** The labels file beside an images file: train-images-idx3-ubyte.gz -> train-labels-idx1-ubyte.gz. */
function siblingLabels(path: string): string | undefined {
  const name = basename(path).replace('images-idx3', 'labels-idx1');
  const candidate = join(dirname(path), name);
  return candidate !== path && existsSync(candidate) ? candidate : undefined;
}

/**
 * IDX images (MNIST, Fashion-MNIST) with their labels file. Features are the pixel values 0..255
 * as float32; the display image is drawn from the features, so the pixels are stored once.
 */
export async function idxSource(path: string, options: SourceOptions): Promise<ImportSource> {
  const images = await readIdx(path);
  if (images.dims.length !== 3) throw new StoreError('E_IMPORT', `Cannot import "${path}": expected images (3 dimensions: count, rows, columns), got ${images.dims.length}. Import the images file; its labels file is found beside it.`);
  const [count, rows, cols] = images.dims;
  const labelsPath = options.labelsPath ?? siblingLabels(path);
  let labels: Uint8Array | undefined;
  if (labelsPath) {
    const l = await readIdx(labelsPath);
    if (l.dims.length !== 1 || l.dims[0] !== count) throw new StoreError('E_IMPORT', `Cannot import "${path}": its labels file "${labelsPath}" has ${l.dims.join(' x ')} entries, expected ${count} labels.`);
    labels = l.data;
  }
  const names = options.classNames ?? (/fashion/i.test(path) ? FASHION_MNIST : undefined);
  const split = /^t10k|test/i.test(basename(path)) ? 'test' : /^train/i.test(basename(path)) ? 'train' : null;
  const pixels = rows * cols;
  let done = 0;

  async function* batches(): AsyncGenerator<SourceItem[]> {
    for (let start = 0; start < count; start += BATCH_ROWS) {
      const end = Math.min(count, start + BATCH_ROWS);
      const buf = new Float32Array((end - start) * pixels);
      buf.set(images.data.subarray(start * pixels, end * pixels));
      const out: SourceItem[] = [];
      for (let i = start; i < end; i++) {
        out.push({ features: buf.subarray((i - start) * pixels, (i - start + 1) * pixels), rawType: null, raw: null, originSplit: split, label: labels ? String(labels[i]) : null });
      }
      done = end;
      yield out;
    }
  }

  return {
    kind: 'image',
    format: 'idx',
    batches,
    fraction: () => (count ? done / count : 1),
    meta: () => ({
      columns: labels ? [{ name: 'label', type: 'string', role: 'label', missing: 0 }] : [],
      featureNames: [],
      shape: [rows, cols, 1],
      classes: names ? Object.fromEntries(names.map((n, i) => [String(i), n])) : null,
    }),
  };
}
