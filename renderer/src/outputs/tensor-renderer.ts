/**
 * Tensors: shape, dtype, size in bytes and a preview of the values. The kernel sends
 * `application/vnd.mlsys-lab.tensor+json` = { dtype, shape, values (nested preview, possibly cut
 * with "…"), bytes?, name? } beside a text/plain form.
 */
import type { OutputRenderer } from './registry';

export const TENSOR_MIME = 'application/vnd.mlsys-lab.tensor+json';

interface TensorData {
  dtype: string;
  shape: number[];
  /** Nested by shape, or (as the kernel sends it) the first values flat, with `truncated`. */
  values: unknown;
  truncated?: boolean;
  bytes?: number;
  name?: string;
}

/** Flat values shown as rows of the last dimension, so a matrix reads as one. */
function rows(t: TensorData): unknown {
  const v = t.values;
  const last = t.shape[t.shape.length - 1];
  if (!Array.isArray(v) || Array.isArray(v[0]) || t.shape.length < 2 || !last) return v;
  const out: unknown[][] = [];
  for (let i = 0; i < v.length; i += last) out.push(v.slice(i, i + last));
  return out;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

function preview(v: unknown, depth = 0): string {
  if (Array.isArray(v)) {
    const inner = v.map((x) => preview(x, depth + 1));
    return Array.isArray(v[0]) ? `[${inner.join(',\n' + ' '.repeat(depth + 1))}]` : `[${inner.join(', ')}]`;
  }
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  return String(v);
}

export const tensor: OutputRenderer = {
  mimeTypes: [TENSOR_MIME],
  rank: 90,
  safe: true,
  accepts: (_m, d) => typeof d === 'object' && d !== null && Array.isArray((d as TensorData).shape),
  render(host, data) {
    const t = data as TensorData;
    const box = document.createElement('div');
    box.className = 'tensor';
    const size = t.shape.reduce((a, b) => a * b, 1);
    const head = document.createElement('div');
    head.className = 'tensor-head';
    head.textContent = `${t.name ? `${t.name}: ` : ''}Tensor ${t.dtype} [${t.shape.join(', ')}] · ${size} element${size === 1 ? '' : 's'}${t.bytes !== undefined ? ` · ${formatBytes(t.bytes)}` : ''}`;
    const body = document.createElement('pre');
    body.textContent = preview(rows(t)) + (t.truncated ? ' …' : '');
    box.append(head, body);
    host.append(box);
  },
};
