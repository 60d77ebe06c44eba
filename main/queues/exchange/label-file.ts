/**
 * The offline label file: an annotator's labels written on one machine and imported on another.
 * JSON Lines, so a large export streams and a damaged line is named by number: the first line is
 * a header, every other line one label. Each label carries a stable `uid` made when it was first
 * written, which is what makes importing the same file twice a no-op.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../util/atomic-write';

export const LABEL_FILE_FORMAT = 'mlsys-lab/labels';
export const LABEL_FILE_VERSION = 1;

/** One label as it travels between machines. Samples are named by dataset and position, which do not depend on a machine's row ids. */
export interface ExchangedLabel {
  /** Stable id, unique across machines (a UUID made when the label was written). */
  uid: string;
  dataset: string;
  /** The sample's position in its dataset's source (0-based). */
  position: number;
  value: string;
  annotator: string;
  /** The queue it was labeled in, by name, or null. */
  queue: string | null;
  modelVersion: string | null;
  durationMs: number | null;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface LabelFileHeader {
  format: typeof LABEL_FILE_FORMAT;
  version: number;
  exportedAt: number;
  /** Whose labels these are (null: every annotator). */
  annotator: string | null;
  count: number;
}

export class LabelFileError extends Error {
  readonly code = 'E_LABEL_FILE';
  constructor(message: string) {
    super(message);
    this.name = 'LabelFileError';
  }
}

export function formatLabelFile(labels: readonly ExchangedLabel[], options: { annotator: string | null; now?: number }): string {
  const header: LabelFileHeader = { format: LABEL_FILE_FORMAT, version: LABEL_FILE_VERSION, exportedAt: options.now ?? Date.now(), annotator: options.annotator, count: labels.length };
  return [header, ...labels].map((x) => JSON.stringify(x)).join('\n') + '\n';
}

export async function writeLabelFile(path: string, labels: readonly ExchangedLabel[], options: { annotator: string | null; now?: number }): Promise<void> {
  await writeFileAtomic(path, formatLabelFile(labels, options));
}

const FIELDS: Record<keyof ExchangedLabel, (v: unknown) => boolean> = {
  uid: (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(v),
  dataset: (v) => typeof v === 'string' && v.length > 0 && v.length <= 200,
  position: (v) => Number.isInteger(v) && (v as number) >= 0,
  value: (v) => typeof v === 'string' && v.length > 0 && v.length <= 1000,
  annotator: (v) => typeof v === 'string' && v.length > 0 && v.length <= 100,
  queue: (v) => v === null || (typeof v === 'string' && v.length <= 200),
  modelVersion: (v) => v === null || (typeof v === 'string' && v.length <= 200),
  durationMs: (v) => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0),
  createdAt: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
};

/** Parses and checks a whole label file; the first problem is reported with its line and field. */
export function parseLabelFile(text: string, name: string): { header: LabelFileHeader; labels: ExchangedLabel[] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const parse = (line: string, n: number): Record<string, unknown> => {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new LabelFileError(`${name} line ${n} is not JSON (${(err as Error).message}). Was the file cut short? Export it again.`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new LabelFileError(`${name} line ${n} must be a JSON object`);
    return v as Record<string, unknown>;
  };
  if (lines.length === 0) throw new LabelFileError(`${name} is empty: it is not a label file`);
  const header = parse(lines[0], 1);
  if (header.format !== LABEL_FILE_FORMAT) throw new LabelFileError(`${name} is not an mlsys-lab label file (line 1 has format ${JSON.stringify(header.format)}, expected "${LABEL_FILE_FORMAT}")`);
  if (header.version !== LABEL_FILE_VERSION) {
    throw new LabelFileError(`${name} has label file version ${JSON.stringify(header.version)}; this mlsys-lab reads version ${LABEL_FILE_VERSION}. Update mlsys-lab to import it.`);
  }
  const labels: ExchangedLabel[] = [];
  for (let i = 1; i < lines.length; i++) {
    const rec = parse(lines[i], i + 1);
    for (const key of Object.keys(rec)) if (!(key in FIELDS)) throw new LabelFileError(`${name} line ${i + 1} has an unknown field "${key}"`);
    for (const [key, ok] of Object.entries(FIELDS)) {
      if (!ok(rec[key])) throw new LabelFileError(`${name} line ${i + 1}: field "${key}" has the invalid value ${JSON.stringify(rec[key]) ?? 'undefined'}`);
    }
    labels.push(rec as unknown as ExchangedLabel);
  }
  if (header.count !== labels.length) {
    throw new LabelFileError(`${name} says it holds ${JSON.stringify(header.count)} labels but has ${labels.length}: the file is incomplete. Export it again.`);
  }
  return { header: header as unknown as LabelFileHeader, labels };
}

export function readLabelFile(path: string): { header: LabelFileHeader; labels: ExchangedLabel[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new LabelFileError(`Cannot read label file ${path}: ${(err as Error).message}`);
  }
  return parseLabelFile(text, path);
}
