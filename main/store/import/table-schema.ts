import type { ColumnInfo } from '../../api/datasets';
import type { NewSample } from '../dataset-table';
import { StoreError } from '../store-errors';

/** Cells that mean "no value" in the files people have. They stay missing: NaN or null, never 0. */
const MISSING = new Set(['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', 'None', '?', '-', '#N/A']);

export function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) || (typeof v === 'string' && MISSING.has(v.trim()));
}

/** The number in a cell, or undefined when the cell is not a number. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const n = Number(v);
  if (Number.isNaN(n) || v.trim() === '') return undefined;
  return n;
}

const LABEL_NAMES = ['label', 'labels', 'class', 'target', 'species', 'y', 'category', 'digit'];

export interface TableSchemaOptions {
  labelColumn?: string | number;
}

/**
 * Column types and roles for a table, decided from the first rows (a column is a number when all
 * its present values are), then applied to every row. A later row whose cell breaks the decided
 * type is rejected with the reason rather than silently coerced.
 */
export class TableSchema {
  readonly columns: ColumnInfo[];
  private readonly featureIdx: number[];
  private readonly rawIdx: number[];
  private readonly labelIdx: number;

  constructor(
    names: string[],
    sample: readonly unknown[][],
    options: TableSchemaOptions,
    private readonly where: string,
  ) {
    const unique = dedupe(names);
    this.labelIdx = pickLabel(unique, options.labelColumn, where);
    this.columns = unique.map((name, c) => {
      let numeric = true;
      let seen = false;
      for (const row of sample) {
        const v = row[c];
        if (isMissing(v)) continue;
        seen = true;
        if (toNumber(v) === undefined) {
          numeric = false;
          break;
        }
      }
      const type = numeric && seen ? 'number' : 'string';
      const role = c === this.labelIdx ? 'label' : type === 'number' ? 'feature' : 'raw';
      return { name, type, role, missing: 0 } satisfies ColumnInfo;
    });
    this.featureIdx = this.columns.flatMap((col, c) => (col.role === 'feature' ? [c] : []));
    this.rawIdx = this.columns.flatMap((col, c) => (col.role === 'raw' ? [c] : []));
  }

  get featureNames(): string[] {
    return this.featureIdx.map((c) => this.columns[c].name);
  }

  /** A sample from one row, or the reason the row is rejected. `features` is where to write. */
  toSample(row: readonly unknown[], features: Float32Array): NewSample | string {
    const cols = this.columns;
    for (let k = 0; k < this.featureIdx.length; k++) {
      const c = this.featureIdx[k];
      const v = row[c];
      // fast path for the common case, a plain number in a string ('' and ' ' are 0 to Number())
      if (typeof v === 'string' && v.length !== 0) {
        const n = +v;
        if (n === n && (n !== 0 || v.trim() !== '')) {
          features[k] = n;
          continue;
        }
      }
      if (isMissing(v)) {
        features[k] = NaN;
        cols[c].missing++;
        continue;
      }
      const n = toNumber(v);
      if (n === undefined) return `column "${cols[c].name}" is ${JSON.stringify(v)}, not a number (the first rows had only numbers there)`;
      features[k] = n;
    }
    let raw: string | null = null;
    if (this.rawIdx.length) {
      const obj: Record<string, unknown> = {};
      for (const c of this.rawIdx) {
        const v = row[c];
        if (isMissing(v)) {
          cols[c].missing++;
          obj[cols[c].name] = null;
        } else obj[cols[c].name] = typeof v === 'object' ? JSON.stringify(v) : v;
      }
      raw = JSON.stringify(obj);
    }
    let label: string | null = null;
    if (this.labelIdx >= 0) {
      const v = row[this.labelIdx];
      if (isMissing(v)) cols[this.labelIdx].missing++;
      else label = String(v).trim();
    }
    return { features: this.featureIdx.length ? features : null, rawType: raw === null ? null : 'application/json', raw, label };
  }
}

function dedupe(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    const name = raw.trim() || `column ${i + 1}`;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n ? `${name} (${n + 1})` : name;
  });
}

function pickLabel(names: string[], wanted: string | number | undefined, where: string): number {
  if (typeof wanted === 'number') {
    const i = wanted < 0 ? names.length + wanted : wanted;
    if (!Number.isInteger(i) || i < 0 || i >= names.length) throw new StoreError('E_IMPORT', `Cannot import ${where}: labelColumn ${wanted} is outside its ${names.length} columns.`);
    return i;
  }
  if (typeof wanted === 'string') {
    const i = names.indexOf(wanted);
    if (i < 0) throw new StoreError('E_IMPORT', `Cannot import ${where}: it has no column "${wanted}" to take labels from. Its columns: ${names.map((n) => JSON.stringify(n)).join(', ')}.`);
    return i;
  }
  return names.findIndex((n) => LABEL_NAMES.includes(n.toLowerCase()));
}

/** Whether a CSV's first record is a header: it has no numbers, or text above a column of numbers. */
export function looksLikeHeader(first: readonly string[], rest: readonly (readonly string[])[]): boolean {
  if (first.every((v) => isMissing(v) || toNumber(v) === undefined)) return true;
  return first.some((v, c) => toNumber(v) === undefined && !isMissing(v) && rest.length > 0 && rest.every((r) => isMissing(r[c]) || toNumber(r[c]) !== undefined));
}
