import type { SampleDisplay } from '../api/queues';
import type { DatasetFacts, StoredSample } from './queue-store';

/**
 * A sample as an annotator sees it: its raw item when the dataset kept one (image bytes, text, a
 * JSON row), else the features drawn as a greyscale image when the dataset says they are one
 * (shape [h, w, 1]), else the features as a table row.
 */
export function sampleDisplay(sample: StoredSample, dataset: Pick<DatasetFacts, 'shape'>): SampleDisplay {
  const { rawType, raw } = sample;
  if (raw && rawType) {
    if (rawType === 'image/png' || rawType === 'image/jpeg' || rawType === 'image/bmp') {
      return { kind: 'image', src: `data:${rawType};base64,${Buffer.from(raw).toString('base64')}` };
    }
    const text = Buffer.from(raw).toString('utf8');
    if (rawType === 'application/json') {
      try {
        const cells = JSON.parse(text) as unknown;
        if (cells && typeof cells === 'object' && !Array.isArray(cells)) {
          const out: Record<string, string | number | null> = {};
          for (const [k, v] of Object.entries(cells)) out[k] = typeof v === 'number' || typeof v === 'string' || v === null ? v : JSON.stringify(v);
          if (Object.keys(out).length > 0 || !sample.features) return { kind: 'table', cells: out };
        }
      } catch {
        return { kind: 'text', text };
      }
    } else return { kind: 'text', text };
  }
  const f = sample.features;
  if (f && dataset.shape && dataset.shape.length >= 2 && dataset.shape[0] * dataset.shape[1] === f.length) {
    return { kind: 'image', src: `data:image/bmp;base64,${greyscaleBmp(f, dataset.shape[1], dataset.shape[0]).toString('base64')}`, width: dataset.shape[1], height: dataset.shape[0] };
  }
  const cells: Record<string, number | null> = {};
  f?.forEach((v, i) => (cells[`f${i}`] = Number.isNaN(v) ? null : v));
  return { kind: 'table', cells };
}

/** An 8-bit greyscale BMP of values scaled from their own min..max to black..white. */
export function greyscaleBmp(values: Float32Array, width: number, height: number): Buffer {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi > lo ? hi - lo : 1;
  const rowBytes = (width + 3) & ~3;
  const paletteBytes = 256 * 4;
  const offset = 14 + 40 + paletteBytes;
  const buf = Buffer.alloc(offset + rowBytes * height);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(offset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(-height, 22); // negative: rows top to bottom
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(8, 28);
  buf.writeUInt32LE(rowBytes * height, 34);
  buf.writeUInt32LE(256, 46);
  for (let i = 0; i < 256; i++) buf.writeUInt32LE((i << 16) | (i << 8) | i, 54 + 4 * i);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      buf[offset + y * rowBytes + x] = Number.isNaN(v) ? 0 : Math.round(((v - lo) / span) * 255);
    }
  }
  return buf;
}
