/**
 * A value -> a MIME bundle, the way Jupyter front ends expect outputs: text/plain always, plus a
 * richer form where one fits: tensors (shape, dtype, a preview of the values), arrays of records
 * (an HTML table), Plotly figures (application/vnd.plotly.v1+json), TensorFlow.js models (their
 * summary).
 */
import { inspect } from 'node:util';
import { MIME, type MimeBundle } from '../protocol';

export interface TensorLike {
  shape: number[];
  dtype: string;
  size: number;
  isDisposed: boolean;
  dataSync(): ArrayLike<number | string | boolean> | string[];
  toString(verbose?: boolean): string;
}

export function isTensor(v: unknown): v is TensorLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as TensorLike).shape) &&
    typeof (v as TensorLike).dtype === 'string' &&
    typeof (v as TensorLike).dataSync === 'function' &&
    typeof (v as TensorLike).size === 'number'
  );
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** Bytes of a tensor's data (strings: their UTF-8 lengths, only counted when already known). */
export function tensorBytes(t: TensorLike): number {
  return t.size * (BYTES_PER_ELEMENT[t.dtype] ?? 4);
}

interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export function isPlotlyFigure(v: unknown): v is PlotlyFigure {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const f = v as Record<string, unknown>;
  const keys = Object.keys(f);
  if (!Array.isArray(f.data) || !keys.every((k) => k === 'data' || k === 'layout' || k === 'config' || k === 'frames')) return false;
  return f.data.every((t) => typeof t === 'object' && t !== null && ('type' in t || 'x' in t || 'y' in t || 'z' in t || 'values' in t));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const PREVIEW_VALUES = 1000;
const TABLE_ROWS = 200;

/** JSON-safe copy: typed arrays become arrays, non-finite numbers become null (as JSON would). */
export function toJsonValue(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (_k, x) => {
      if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return Array.from(x as unknown as ArrayLike<number>);
      if (typeof x === 'bigint') return Number(x);
      return x;
    }) ?? 'null',
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return inspect(v, { depth: 1, breakLength: Infinity, maxArrayLength: 10 });
}

function tableBundle(rows: Record<string, unknown>[]): MimeBundle {
  const columns: string[] = [];
  for (const r of rows.slice(0, 50)) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const shown = rows.slice(0, TABLE_ROWS);
  const head = `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>`;
  const body = shown.map((r) => `<tr>${columns.map((c) => `<td>${escapeHtml(cellText(r[c]))}</td>`).join('')}</tr>`).join('');
  const more = rows.length > shown.length ? `<p>${rows.length - shown.length} more rows</p>` : '';
  const widths = columns.map((c) => Math.min(30, Math.max(c.length, ...shown.slice(0, 20).map((r) => cellText(r[c]).length))));
  const line = (vals: string[]) => vals.map((v, i) => v.slice(0, 30).padEnd(widths[i])).join('  ');
  const text = [line(columns), ...shown.slice(0, 20).map((r) => line(columns.map((c) => cellText(r[c]))))];
  if (rows.length > 20) text.push(`... ${rows.length} rows`);
  return { 'text/html': `<table class="mlsys-table">${head}<tbody>${body}</tbody></table>${more}`, 'text/plain': text.join('\n') };
}

function tensorBundle(t: TensorLike): MimeBundle {
  if (t.isDisposed) return { 'text/plain': `Tensor (disposed) ${t.dtype} [${t.shape.join(',')}]` };
  const values = t.dataSync();
  const preview = Array.from({ length: Math.min(values.length, PREVIEW_VALUES) }, (_, i) => values[i]);
  const text = t.toString().replace(/^Tensor\n/, '');
  return {
    'text/plain': `Tensor ${t.dtype} [${t.shape.join(', ')}]\n${text}`,
    [MIME.tensor]: toJsonValue({ shape: t.shape, dtype: t.dtype, size: t.size, bytes: tensorBytes(t), values: preview, truncated: values.length > preview.length }),
  };
}

interface ModelLike {
  layers: unknown[];
  summary(lineLength?: number, positions?: number[], printFn?: (message?: unknown) => void): void;
}

function isModel(v: unknown): v is ModelLike {
  return typeof v === 'object' && v !== null && Array.isArray((v as ModelLike).layers) && typeof (v as ModelLike).summary === 'function';
}

export function plainText(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 });
}

/** The MIME bundle for a value; text/plain is always present. */
export function toMimeBundle(value: unknown): MimeBundle {
  if (isTensor(value)) return tensorBundle(value);
  if (isPlotlyFigure(value)) {
    return { [MIME.plotly]: toJsonValue(value), 'text/plain': `Plotly figure with ${value.data.length} trace(s)` };
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) return tableBundle(value);
  if (isModel(value)) {
    const lines: string[] = [];
    try {
      value.summary(undefined, undefined, (m) => lines.push(String(m)));
      return { 'text/plain': lines.join('\n') };
    } catch {
      // a model that is not built yet has no summary; fall through to inspect
    }
  }
  return { 'text/plain': inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 }) };
}
