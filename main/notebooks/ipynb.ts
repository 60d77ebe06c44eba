/**
 * Reading and writing .ipynb files (nbformat 4; we write 4.5 with cell ids). Validation names the
 * field that is wrong, so nothing opens half-way; writing follows Jupyter's own layout (sorted
 * keys, one-space indent, a final newline), and a cell whose source was not edited keeps the exact
 * JSON form it was read in, so saving an untouched notebook writes the content it read.
 */
import type { CellData, CellType, MultilineString, NotebookOutput } from '../api/notebooks';

export class NotebookFormatError extends Error {
  readonly code = 'E_NOTEBOOK_FORMAT';
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`Cannot open "${file}": ${field ? `${field} ` : ''}${problem}. Fix the file (or restore it from a copy); nothing was opened.`);
    this.name = 'NotebookFormatError';
  }
}

/** A cell as read from a file: the modelled fields plus what we keep verbatim for round trips. */
export interface IpynbCell extends CellData {
  /** The source exactly as the file held it; written back while `source` is unchanged. */
  rawSource?: MultilineString;
  /** Other fields of the cell (attachments), kept as they were. */
  extra: Record<string, unknown>;
}

export interface IpynbNotebook {
  nbformat: number;
  nbformatMinor: number;
  metadata: Record<string, unknown>;
  cells: IpynbCell[];
  /** Top-level fields we do not model, kept as they were. */
  extra: Record<string, unknown>;
}

export const TYPESCRIPT_METADATA = {
  kernelspec: { display_name: 'TypeScript (mlsys-lab)', language: 'typescript', name: 'mlsys-lab-typescript' },
  language_info: { file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' },
};

const CELL_TYPES: CellType[] = ['code', 'markdown', 'raw'];
const OUTPUT_TYPES = ['stream', 'display_data', 'execute_result', 'error'];
const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isMultiline = (v: unknown): v is MultilineString => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'));

export function joinMultiline(v: MultilineString): string {
  return Array.isArray(v) ? v.join('') : v;
}

/** Jupyter's way of storing text: lines that keep their line ends. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Validates one output, returning the nbformat output or throwing with its field path. */
export function validateOutput(raw: unknown, file: string, path: string): NotebookOutput {
  const fail = (field: string, problem: string): never => {
    throw new NotebookFormatError(file, `${path}${field}`, problem);
  };
  if (!isObject(raw)) return fail('', `must be an object, got ${describe(raw)}`);
  const type = raw.output_type;
  if (typeof type !== 'string' || !OUTPUT_TYPES.includes(type)) return fail('.output_type', `must be one of ${OUTPUT_TYPES.join(', ')}, got ${describe(type)}`);
  switch (type) {
    case 'stream':
      if (raw.name !== 'stdout' && raw.name !== 'stderr') fail('.name', `must be "stdout" or "stderr", got ${describe(raw.name)}`);
      if (!isMultiline(raw.text)) fail('.text', `must be a string or a list of strings, got ${describe(raw.text)}`);
      break;
    case 'display_data':
    case 'execute_result':
      if (!isObject(raw.data)) fail('.data', `must be an object of MIME type to data, got ${describe(raw.data)}`);
      for (const [mime, value] of Object.entries(raw.data as object)) {
        if (!/^[a-z]+\/[a-zA-Z0-9.+-]+$/.test(mime)) fail('.data', `has a key that is not a MIME type: ${JSON.stringify(mime)}`);
        if (!mime.endsWith('json') && !isMultiline(value)) fail(`.data["${mime}"]`, `must be a string or a list of strings, got ${describe(value)}`);
      }
      if (raw.metadata !== undefined && !isObject(raw.metadata)) fail('.metadata', `must be an object, got ${describe(raw.metadata)}`);
      if (type === 'execute_result' && raw.execution_count !== null && !Number.isInteger(raw.execution_count))
        fail('.execution_count', `must be an integer or null, got ${describe(raw.execution_count)}`);
      break;
    case 'error':
      if (typeof raw.ename !== 'string') fail('.ename', `must be a string, got ${describe(raw.ename)}`);
      if (typeof raw.evalue !== 'string') fail('.evalue', `must be a string, got ${describe(raw.evalue)}`);
      if (!Array.isArray(raw.traceback) || !raw.traceback.every((l) => typeof l === 'string'))
        fail('.traceback', `must be a list of strings, got ${describe(raw.traceback)}`);
      break;
  }
  return raw as unknown as NotebookOutput;
}

/**
 * Parses and validates a notebook. Cells without an id (4.x before 4.5, or a 4.5 file written by
 * hand) get fresh ids, and the file is written back as 4.5; nbformat 3 and anything else is refused
 * with the field that is wrong.
 */
export function parseIpynb(text: string, file: string, newId: () => string): IpynbNotebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new NotebookFormatError(file, '', `is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(raw)) throw new NotebookFormatError(file, '', `must hold a JSON object, got ${describe(raw)}`);
  const { nbformat, nbformat_minor, metadata, cells, ...extra } = raw;
  if (nbformat !== 4) throw new NotebookFormatError(file, 'nbformat', `must be 4 (this app reads nbformat 4 notebooks), got ${describe(nbformat)}`);
  if (!Number.isInteger(nbformat_minor) || (nbformat_minor as number) < 0) throw new NotebookFormatError(file, 'nbformat_minor', `must be a non-negative integer, got ${describe(nbformat_minor)}`);
  if (!isObject(metadata)) throw new NotebookFormatError(file, 'metadata', `must be an object, got ${describe(metadata)}`);
  if (!Array.isArray(cells)) throw new NotebookFormatError(file, 'cells', `must be a list, got ${describe(cells)}`);
  const seen = new Set<string>();
  const parsed = cells.map((c, i): IpynbCell => {
    const at = `cells[${i}]`;
    if (!isObject(c)) throw new NotebookFormatError(file, at, `must be an object, got ${describe(c)}`);
    const { id, cell_type, source, metadata: cellMeta, outputs, execution_count, ...cellExtra } = c;
    if (typeof cell_type !== 'string' || !CELL_TYPES.includes(cell_type as CellType))
      throw new NotebookFormatError(file, `${at}.cell_type`, `must be one of ${CELL_TYPES.join(', ')}, got ${describe(cell_type)}`);
    let cellId: string;
    // A missing id gets a fresh one, in 4.5 too: Jupyter's nbformat normalizes such files the same
    // way (with a warning), so notebooks written by hand or by older tools still open.
    if (id === undefined) cellId = newId();
    else if (typeof id !== 'string' || !CELL_ID.test(id)) throw new NotebookFormatError(file, `${at}.id`, `must be 1-64 letters, digits, "-" or "_", got ${describe(id)}`);
    else cellId = id;
    if (seen.has(cellId)) throw new NotebookFormatError(file, `${at}.id`, `repeats the id ${JSON.stringify(cellId)} of an earlier cell`);
    seen.add(cellId);
    if (!isMultiline(source)) throw new NotebookFormatError(file, `${at}.source`, `must be a string or a list of strings, got ${describe(source)}`);
    if (!isObject(cellMeta)) throw new NotebookFormatError(file, `${at}.metadata`, `must be an object, got ${describe(cellMeta)}`);
    let outs: NotebookOutput[] = [];
    let count: number | null = null;
    if (cell_type === 'code') {
      if (!Array.isArray(outputs)) throw new NotebookFormatError(file, `${at}.outputs`, `must be a list, got ${describe(outputs)}`);
      outs = outputs.map((o, j) => validateOutput(o, file, `${at}.outputs[${j}]`));
      if (execution_count !== null && !Number.isInteger(execution_count))
        throw new NotebookFormatError(file, `${at}.execution_count`, `must be an integer or null, got ${describe(execution_count)}`);
      count = execution_count as number | null;
    }
    return {
      id: cellId,
      type: cell_type as CellType,
      source: joinMultiline(source),
      rawSource: source,
      metadata: cellMeta,
      outputs: outs,
      executionCount: count,
      extra: cellExtra,
    };
  });
  return { nbformat: 4, nbformatMinor: nbformat_minor as number, metadata, cells: parsed, extra };
}

/** Why a notebook can only be read here (another language's kernel), or null when it runs. */
export function foreignLanguage(metadata: Record<string, unknown>): string | null {
  const ks = isObject(metadata.kernelspec) ? metadata.kernelspec : {};
  const li = isObject(metadata.language_info) ? metadata.language_info : {};
  const lang = String(ks.language ?? li.name ?? 'typescript').toLowerCase();
  // the kernel runs TypeScript, and so JavaScript too (tslab and Deno notebooks run as they are)
  if (['typescript', 'ts', 'javascript', 'js'].includes(lang)) return null;
  return `${lang} (kernel "${String(ks.display_name ?? ks.name ?? lang)}")`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

/** The notebook as nbformat JSON (4.5 at least: every cell has an id). */
export function toNbformat(nb: IpynbNotebook): Record<string, unknown> {
  const cells = nb.cells.map((c) => {
    const source = c.rawSource !== undefined && joinMultiline(c.rawSource) === c.source ? c.rawSource : splitLines(c.source);
    const cell: Record<string, unknown> = { ...c.extra, cell_type: c.type, id: c.id, metadata: c.metadata, source };
    if (c.type === 'code') {
      cell.outputs = c.outputs;
      cell.execution_count = c.executionCount;
    }
    return cell;
  });
  return { ...nb.extra, cells, metadata: nb.metadata, nbformat: 4, nbformat_minor: Math.max(5, nb.nbformatMinor) };
}

/** Serialises as Jupyter does: sorted keys, one-space indent, non-ASCII kept, final newline. */
export function serializeIpynb(nb: IpynbNotebook): string {
  return JSON.stringify(sortKeys(toNbformat(nb)), null, 1) + '\n';
}
