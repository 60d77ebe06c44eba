/**
 * Hand-in without a server: an attendee exports a `.labsub` file for a lab (the checks passed,
 * the executed notebooks, and a reproducibility record), and an instructor reads a folder of them
 * into a results table. A `.labsub` is a zip written by the same deterministic writer as a
 * `.labpack`, and read by the same defensive reader: submissions arrive from many machines and are
 * input like any other.
 */
import { PackError } from './errors';
import { DEFAULT_LIMITS, type PackLimits } from './limits';
import { packPathProblem } from './pack-path';
import { readZipSource } from './zip-read';
import { writeZip } from './zip-write';
import { sha256Hex } from './verify-pack';

export const SUBMISSION_FILE = 'submission.json';
export const SUBMISSION_EXTENSION = '.labsub';

export interface CheckOutcome {
  checkId: string;
  status: 'passed' | 'failed';
}

/** Where and how the work ran, so an instructor can tell a wrong answer from a different machine. */
export interface ReproducibilityRecord {
  app: string;
  node: string;
  platform: string;
  arch: string;
  cpu: string;
  /** Versions of the packages cells compute with (TensorFlow.js and its backends, ...). */
  packages: Record<string, string>;
  /** The kernel's backend and device as it reported them; null when no kernel ran. */
  backend: string | null;
  device: string | null;
  /** Versions the kernel reported when the lab's cells ran (tfjs, its backend, node, v8); null when no kernel ran. */
  kernel?: Record<string, string> | null;
  /** Seeds the lab used (data split, initialisation), by name. */
  seeds: Record<string, number>;
  /** How energy was measured (e.g. "rapl", "nvidia-smi", "estimate"), or null. */
  energyMethod: string | null;
}

export interface Submission {
  schemaVersion: 1;
  kind: 'mlsys-lab-submission';
  pack: { id: string; version: string; title: string; manifestSha256: string };
  attendee: string;
  createdAt: string;
  checks: CheckOutcome[];
  checksPassed: number;
  checksTotal: number;
  /** Executed notebooks in the file, by path (under notebooks/), with their SHA-256. */
  notebooks: Record<string, string>;
  reproducibility: ReproducibilityRecord;
}

export function writeSubmission(submission: Omit<Submission, 'notebooks' | 'schemaVersion' | 'kind'>, notebooks: Map<string, Uint8Array>): Buffer {
  const paths = [...notebooks.keys()].sort();
  const full: Submission = {
    schemaVersion: 1,
    kind: 'mlsys-lab-submission',
    ...submission,
    notebooks: Object.fromEntries(paths.map((p) => [`notebooks/${p}`, sha256Hex(notebooks.get(p)!)])),
  };
  return writeZip([{ path: SUBMISSION_FILE, data: Buffer.from(`${JSON.stringify(full, null, 2)}\n`) }, ...paths.map((p) => ({ path: `notebooks/${p}`, data: notebooks.get(p)! }))]);
}

/** Reads and checks a `.labsub`: a safe archive, a well-formed record, notebooks matching their hashes. */
export async function readSubmission(bytes: Buffer, origin: string, limits: PackLimits = DEFAULT_LIMITS): Promise<{ submission: Submission; notebooks: Map<string, Buffer> }> {
  const source = readZipSource(bytes, origin, limits);
  const fail = (why: string): never => {
    throw new PackError('E_PACK_MANIFEST', `${origin}: ${why}`);
  };
  const record = source.files.find((f) => f.path === SUBMISSION_FILE);
  if (!record) return fail(`not a submission: it has no ${SUBMISSION_FILE}`);
  let s: Submission;
  try {
    s = JSON.parse((await record.read()).toString('utf8')) as Submission;
  } catch (err) {
    return fail(`${SUBMISSION_FILE} is not valid JSON (${(err as Error).message})`);
  }
  if (s?.kind !== 'mlsys-lab-submission') fail(`${SUBMISSION_FILE}: field "kind" must be "mlsys-lab-submission"`);
  if (s.schemaVersion !== 1) fail(`${SUBMISSION_FILE}: field "schemaVersion" is ${JSON.stringify(s.schemaVersion)}; this app reads 1. Update mlsys-lab.`);
  if (typeof s.attendee !== 'string' || !s.attendee.trim() || s.attendee.length > 200) fail(`${SUBMISSION_FILE}: field "attendee" must be a name of at most 200 characters`);
  if (typeof s.pack?.id !== 'string' || typeof s.pack.version !== 'string') fail(`${SUBMISSION_FILE}: field "pack" must have an id and a version`);
  if (!Array.isArray(s.checks)) fail(`${SUBMISSION_FILE}: field "checks" must be an array`);
  s.checks.forEach((c, i) => {
    if (typeof c?.checkId !== 'string' || (c.status !== 'passed' && c.status !== 'failed')) fail(`${SUBMISSION_FILE}: field "checks[${i}]" must have a checkId and a status of "passed" or "failed"`);
  });
  if (!Number.isInteger(s.checksTotal) || s.checksTotal < s.checks.length) fail(`${SUBMISSION_FILE}: field "checksTotal" must be a whole number, at least the number of checks`);
  if (typeof s.notebooks !== 'object' || s.notebooks === null) fail(`${SUBMISSION_FILE}: field "notebooks" must map paths to SHA-256`);
  const notebooks = new Map<string, Buffer>();
  for (const f of source.files) {
    if (f.path === SUBMISSION_FILE) continue;
    const expected = Object.hasOwn(s.notebooks, f.path) ? s.notebooks[f.path] : undefined;
    if (!expected) fail(`${f.path} is not listed in ${SUBMISSION_FILE}`);
    const data = await f.read();
    if (sha256Hex(data) !== expected) fail(`${f.path} does not match its SHA-256 in ${SUBMISSION_FILE} (the file was changed or damaged)`);
    notebooks.set(f.path, data);
  }
  for (const p of Object.keys(s.notebooks)) {
    if (packPathProblem(p)) fail(`${SUBMISSION_FILE} lists an unsafe path ${JSON.stringify(p)}`);
    if (!notebooks.has(p)) fail(`${SUBMISSION_FILE} lists ${p}, which is not in the file`);
  }
  s.checksPassed = s.checks.filter((c) => c.status === 'passed').length; // recomputed: the record's own count is not trusted
  return { submission: s, notebooks };
}
