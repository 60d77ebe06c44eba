import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from '../../main/paths';

/** The UCI digits shipped in data/digits: 1,797 8x8 images, pixels 0..16 scaled to 0..1. */
export function loadDigits(): { x: Float32Array; y: Int32Array; count: number; dim: number; classes: number } {
  const text = gunzipSync(readFileSync(join(projectRoot(), 'data', 'digits', 'digits.csv.gz'))).toString('utf8');
  const lines = text.trim().split('\n');
  const dim = 64;
  const x = new Float32Array(lines.length * dim);
  const y = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const v = line.split(',').map(Number);
    if (v.length !== dim + 1) throw new Error(`data/digits/digits.csv.gz line ${i + 1} has ${v.length} fields, expected ${dim + 1}`);
    for (let j = 0; j < dim; j++) x[i * dim + j] = v[j] / 16;
    y[i] = v[dim];
  });
  return { x, y, count: lines.length, dim, classes: 10 };
}
