/**
 * The lab pack manifest (`labpack.json`) and its validation. Errors name the file and the field,
 * so an instructor can fix a pack from the message alone.
 */
export const MANIFEST_FILE = 'labpack.json';
export const MANIFEST_SCHEMA_VERSION = 1;

export interface PackDataset {
  /** Path relative to the pack root. */
  path: string;
  format: 'csv' | 'tsv' | 'json' | 'jsonl' | 'idx' | 'images';
  rows: number;
  name?: string;
}

export interface PackManifest {
  schemaVersion: number;
  id: string;
  version: string;
  title: string;
  summary: string;
  topics: string[];
  estimatedMinutes: number;
  author: string;
  licence: string;
  notebooks: string[];
  datasets: PackDataset[];
  /** The app version range the pack needs, e.g. ">=0.1.0". */
  app: string;
  /** SHA-256 (hex) of every file in the pack except the manifest and its signature, by path. */
  files: Record<string, string>;
}

export class ManifestError extends Error {
  readonly code = 'E_PACK_MANIFEST';
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}: field "${field}" ${problem}`);
    this.name = 'ManifestError';
  }
}

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const SHA256 = /^[0-9a-f]{64}$/;
const FORMATS = ['csv', 'tsv', 'json', 'jsonl', 'idx', 'images'] as const;

/** Parses and validates manifest text. `file` is only used in messages. */
export function parseManifest(text: string, file: string): PackManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(file, '(root)', `is not valid JSON: ${(err as Error).message}`);
  }
  return validateManifest(raw, file);
}

export function validateManifest(raw: unknown, file: string): PackManifest {
  const fail = (field: string, problem: string): never => {
    throw new ManifestError(file, field, problem);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('(root)', 'must be a JSON object');
  const m = raw as Record<string, unknown>;
  const str = (key: string, re?: RegExp, hint?: string): string => {
    const v = m[key];
    if (typeof v !== 'string' || v.trim() === '') return fail(key, 'must be a non-empty string');
    if (re && !re.test(v)) return fail(key, `must be ${hint}, got ${JSON.stringify(v)}`);
    return v;
  };
  if (m.schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    fail('schemaVersion', `must be ${MANIFEST_SCHEMA_VERSION} (this app reads manifest schema version ${MANIFEST_SCHEMA_VERSION}), got ${JSON.stringify(m.schemaVersion)}`);
  }
  const topics = m.topics;
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((x) => typeof x === 'string' && x.length > 0)) {
    fail('topics', 'must be a non-empty array of strings');
  }
  const minutes = m.estimatedMinutes;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes <= 0 || minutes > 1000) {
    fail('estimatedMinutes', `must be a whole number of minutes between 1 and 1000, got ${JSON.stringify(minutes)}`);
  }
  const notebooks = m.notebooks;
  if (!Array.isArray(notebooks) || notebooks.length === 0) fail('notebooks', 'must list at least one notebook');
  (notebooks as unknown[]).forEach((nb, i) => {
    if (typeof nb !== 'string' || !nb.endsWith('.ipynb')) fail(`notebooks[${i}]`, `must be a path to an .ipynb file, got ${JSON.stringify(nb)}`);
  });
  const datasets = m.datasets ?? [];
  if (!Array.isArray(datasets)) fail('datasets', 'must be an array');
  (datasets as unknown[]).forEach((d, i) => {
    if (typeof d !== 'object' || d === null) return fail(`datasets[${i}]`, 'must be an object');
    const ds = d as Record<string, unknown>;
    if (typeof ds.path !== 'string' || ds.path === '') fail(`datasets[${i}].path`, 'must be a non-empty string');
    if (!FORMATS.includes(ds.format as (typeof FORMATS)[number])) fail(`datasets[${i}].format`, `must be one of ${FORMATS.join(', ')}`);
    if (typeof ds.rows !== 'number' || !Number.isInteger(ds.rows) || ds.rows < 0) fail(`datasets[${i}].rows`, 'must be a whole number');
  });
  const files = m.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) fail('files', 'must be an object mapping each path to its SHA-256');
  for (const [path, hash] of Object.entries(files as Record<string, unknown>)) {
    if (typeof hash !== 'string' || !SHA256.test(hash)) fail(`files["${path}"]`, 'must be a lowercase hex SHA-256 (64 characters)');
  }
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    id: str('id', ID, 'lowercase letters, digits and dashes'),
    version: str('version', SEMVER, 'a semantic version like 1.2.0'),
    title: str('title'),
    summary: str('summary'),
    topics: topics as string[],
    estimatedMinutes: minutes as number,
    author: str('author'),
    licence: str('licence'),
    notebooks: notebooks as string[],
    datasets: datasets as PackDataset[],
    app: str('app'),
    files: files as Record<string, string>,
  };
}
