/**
 * Tables: Frictionless data resources (application/vnd.dataresource+json, as pandas emits) and
 * JSON arrays of records. Large tables show their first rows and say how many were left out.
 */
import type { OutputRenderer } from './registry';

const MAX_ROWS = 200;

type Row = Record<string, unknown>;

function records(mime: string, data: unknown): { columns: string[]; rows: Row[] } | undefined {
  let rows: unknown = data;
  let columns: string[] | undefined;
  if (mime === 'application/vnd.dataresource+json') {
    const d = data as { schema?: { fields?: { name: string }[] }; data?: unknown };
    rows = d?.data;
    columns = d?.schema?.fields?.map((f) => f.name);
  }
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) return undefined;
  columns ??= [...new Set(rows.flatMap((r) => Object.keys(r as Row)))];
  return { columns, rows: rows as Row[] };
}

function cellText(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, '');
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export const table: OutputRenderer = {
  mimeTypes: ['application/vnd.dataresource+json', 'application/json'],
  rank: 85,
  safe: true,
  accepts: (mime, data) => records(mime, data) !== undefined,
  render(host, data, _ctx, mime) {
    const { columns, rows } = records(mime, data)!;
    const t = document.createElement('table');
    t.className = 'data-table';
    const head = t.createTHead().insertRow();
    for (const c of ['', ...columns]) head.append(Object.assign(document.createElement('th'), { textContent: c }));
    const body = t.createTBody();
    rows.slice(0, MAX_ROWS).forEach((r, i) => {
      const tr = body.insertRow();
      tr.append(Object.assign(document.createElement('th'), { textContent: String(i) }));
      for (const c of columns) {
        const td = tr.insertCell();
        td.textContent = cellText(r[c]);
        if (typeof r[c] === 'number') td.className = 'num';
      }
    });
    host.append(t);
    if (rows.length > MAX_ROWS) host.append(Object.assign(document.createElement('p'), { className: 'muted', textContent: `${rows.length - MAX_ROWS} more rows not shown (${rows.length} in all)` }));
  },
};

/** Any other JSON, pretty-printed. */
export const json: OutputRenderer = {
  mimeTypes: ['application/json'],
  rank: 40,
  safe: true,
  render(host, data) {
    host.append(Object.assign(document.createElement('pre'), { className: 'json', textContent: JSON.stringify(data, null, 2) }));
  },
};
