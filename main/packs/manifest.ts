/**
 * The lab pack manifest (`labpack.json`) and its validation. Errors name the file and the field,
 * so an instructor can fix a pack from the message alone. labpack.schema.json describes the same
 * rules for editors and other tools; a test keeps the two in agreement.
 */
import { ManifestError } from './errors';
import { packPathProblem, pathCollisionKey, comparePaths } from './pack-path';
import { SEMVER, rangeProblem } from './semver';

export { ManifestError } from './errors';

export const MANIFEST_FILE = 'labpack.json';
/** The optional detached ed25519 signature over the exact bytes of labpack.json. */
export const SIGNATURE_FILE = 'labpack.sig';
export const MANIFEST_SCHEMA_VERSION = 1;
/** More files than this is not a lab; it is a mistake or an attack. */
export const MAX_PACK_FILES = 10_000;

export const DATASET_FORMATS = ['csv', 'tsv', 'json', 'jsonl', 'idx', 'images'] as const;

export interface PackDataset {
  /** Path relative to the pack root: a file, or for `images` a folder of class sub-folders. */
  path: string;
  format: (typeof DATASET_FORMATS)[number];
  rows: number;
  /** The dataset's name in the store; defaults to the file name without its extension. */
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

const FIELDS = ['schemaVersion', 'id', 'version', 'title', 'summary', 'topics', 'estimatedMinutes', 'author', 'licence', 'notebooks', 'datasets', 'app', 'files'] as const;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const MAX_TEXT = 2000;

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

  // The schema version first: a newer manifest may legitimately have fields this app cannot read.
  const sv = m.schemaVersion;
  if (sv !== MANIFEST_SCHEMA_VERSION) {
    if (typeof sv === 'number' && Number.isInteger(sv) && sv > MANIFEST_SCHEMA_VERSION) {
      fail('schemaVersion', `is ${sv}, an unknown manifest schema version: this app reads version ${MANIFEST_SCHEMA_VERSION}. Update mlsys-lab to open this pack.`);
    }
    fail('schemaVersion', `must be ${MANIFEST_SCHEMA_VERSION} (the manifest schema version this app reads), got ${JSON.stringify(sv)}`);
  }
  for (const key of Object.keys(m)) {
    if (!(FIELDS as readonly string[]).includes(key)) fail(key, `is not a manifest field (known fields: ${FIELDS.join(', ')})`);
  }

  const str = (key: string, re?: RegExp, hint?: string): string => {
    const v = m[key];
    if (typeof v !== 'string' || v.trim() === '') return fail(key, `must be a non-empty string, got ${JSON.stringify(v)}`);
    if (v.length > MAX_TEXT) return fail(key, `must be at most ${MAX_TEXT} characters`);
    if (re && !re.test(v)) return fail(key, `must be ${hint}, got ${JSON.stringify(v)}`);
    return v;
  };
  const id = str('id', ID, 'lowercase letters, digits and dashes (at most 64, starting with a letter or digit)');
  const version = str('version', SEMVER, 'a semantic version like 1.2.0');
  const title = str('title');
  const summary = str('summary');
  const author = str('author');
  const licence = str('licence');
  const app = str('app');
  const appProblem = rangeProblem(app);
  if (appProblem) fail('app', appProblem);

  const topics = m.topics;
  if (!Array.isArray(topics) || topics.length === 0) fail('topics', 'must be a non-empty array of strings');
  (topics as unknown[]).forEach((x, i) => {
    if (typeof x !== 'string' || x.trim() === '' || x.length > 100) fail(`topics[${i}]`, `must be a non-empty string of at most 100 characters, got ${JSON.stringify(x)}`);
  });
  const minutes = m.estimatedMinutes;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > 1000) {
    fail('estimatedMinutes', `must be a whole number of minutes between 1 and 1000, got ${JSON.stringify(minutes)}`);
  }

  const files = m.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) return fail('files', 'must be an object mapping each path to its SHA-256');
  const paths = Object.keys(files);
  if (paths.length > MAX_PACK_FILES) fail('files', `lists ${paths.length} files; a pack may have at most ${MAX_PACK_FILES}`);
  const seen = new Map<string, string>();
  for (const path of paths) {
    const hash = (files as Record<string, unknown>)[path];
    const problem = packPathProblem(path);
    if (problem) fail(`files["${path}"]`, `is not a safe pack path: it ${problem}`);
    if (path === MANIFEST_FILE || path === SIGNATURE_FILE) fail(`files["${path}"]`, `must not be listed: ${path} is not hashed in the manifest`);
    const key = pathCollisionKey(path);
    const other = seen.get(key);
    if (other !== undefined) fail(`files["${path}"]`, `collides with "${other}" on case-insensitive file systems`);
    seen.set(key, path);
    if (typeof hash !== 'string' || !SHA256.test(hash)) fail(`files["${path}"]`, `must be a lowercase hex SHA-256 (64 characters), got ${JSON.stringify(hash)}`);
  }
  const listed = (path: string) => Object.hasOwn(files, path);

  const notebooks = m.notebooks;
  if (!Array.isArray(notebooks) || notebooks.length === 0) fail('notebooks', 'must list at least one notebook');
  (notebooks as unknown[]).forEach((nb, i) => {
    if (typeof nb !== 'string' || !nb.endsWith('.ipynb')) fail(`notebooks[${i}]`, `must be a path to an .ipynb file, got ${JSON.stringify(nb)}`);
    if (!listed(nb as string)) fail(`notebooks[${i}]`, `names "${nb as string}", which is not in "files"`);
    if ((notebooks as unknown[]).indexOf(nb) !== i) fail(`notebooks[${i}]`, `lists "${nb as string}" twice`);
  });

  const datasets = m.datasets;
  if (!Array.isArray(datasets)) fail('datasets', 'must be an array (empty when the pack has no datasets)');
  (datasets as unknown[]).forEach((d, i) => {
    const at = `datasets[${i}]`;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) return fail(at, 'must be an object with path, format and rows');
    const ds = d as Record<string, unknown>;
    for (const key of Object.keys(ds)) if (!['path', 'format', 'rows', 'name'].includes(key)) fail(`${at}.${key}`, 'is not a dataset field (known fields: path, format, rows, name)');
    if (typeof ds.path !== 'string' || ds.path === '') return fail(`${at}.path`, 'must be a non-empty string');
    const problem = packPathProblem(ds.path);
    if (problem) fail(`${at}.path`, `is not a safe pack path: it ${problem}`);
    if (!DATASET_FORMATS.includes(ds.format as PackDataset['format'])) fail(`${at}.format`, `must be one of ${DATASET_FORMATS.join(', ')}, got ${JSON.stringify(ds.format)}`);
    const present = ds.format === 'images' ? paths.some((p) => p.startsWith(`${ds.path as string}/`)) : listed(ds.path);
    if (!present) fail(`${at}.path`, ds.format === 'images' ? `names folder "${ds.path}", which has no files in "files"` : `names "${ds.path}", which is not in "files"`);
    if (typeof ds.rows !== 'number' || !Number.isInteger(ds.rows) || ds.rows < 0) fail(`${at}.rows`, `must be a whole number, got ${JSON.stringify(ds.rows)}`);
    if (ds.name !== undefined && (typeof ds.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(ds.name))) {
      fail(`${at}.name`, `must be letters, digits, "_", "." and "-" (at most 64), got ${JSON.stringify(ds.name)}`);
    }
  });

  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    id,
    version,
    title,
    summary,
    topics: topics as string[],
    estimatedMinutes: minutes as number,
    author,
    licence,
    notebooks: notebooks as string[],
    datasets: datasets as PackDataset[],
    app,
    files: files as Record<string, string>,
  };
}

/** The manifest as a pack stores it: fields in schema order, files sorted, two-space JSON. */
export function serializeManifest(m: PackManifest): string {
  const files = Object.fromEntries(Object.entries(m.files).sort(([a], [b]) => comparePaths(a, b)));
  const ordered = Object.fromEntries(FIELDS.map((k) => [k, k === 'files' ? files : m[k]]));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
