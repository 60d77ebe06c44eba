/**
 * The instructor's side of packs: scaffold a new pack, refresh the file hashes in its manifest,
 * sign it, and build the deterministic `.labpack` from its folder.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import { PackError } from './errors';
import { DEFAULT_LIMITS, type PackLimits } from './limits';
import { MANIFEST_FILE, SIGNATURE_FILE, serializeManifest, validateManifest, type PackManifest } from './manifest';
import { readPackFolder } from './folder-source';
import type { PackSource } from './pack-source';
import { serializeSignature, signManifest, verifyManifestSignature } from './signature';
import { sha256Hex, verifyPack, type VerifiedPack } from './verify-pack';
import { writeZip } from './zip-write';

export interface RefreshResult {
  manifest: PackManifest;
  /** Whether labpack.json was rewritten. */
  changed: boolean;
  added: string[];
  removed: string[];
  updated: string[];
  /** True when labpack.sig exists and no longer matches the (rewritten) manifest. */
  signatureStale: boolean;
}

/**
 * Sets `files` in DIR/labpack.json to the folder's real files and their SHA-256, keeping every
 * other field, and validates the result. With `dryRun` nothing is written (that is `pack validate`).
 */
export async function refreshManifest(dir: string, options: { dryRun?: boolean; limits?: PackLimits } = {}): Promise<RefreshResult> {
  const source = await readPackFolder(dir, options.limits ?? DEFAULT_LIMITS);
  const manifestPath = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    throw new PackError('E_PACK_MANIFEST', `${dir} has no ${MANIFEST_FILE}; "mlsys-lab pack init ${dir}" makes one`);
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new PackError('E_PACK_MANIFEST', `${manifestPath}: field "(root)" is not valid JSON: ${(err as Error).message}`);
  }
  const old = (typeof raw.files === 'object' && raw.files !== null ? raw.files : {}) as Record<string, unknown>;
  const files: Record<string, string> = {};
  for (const f of source.files) {
    if (f.path === MANIFEST_FILE || f.path === SIGNATURE_FILE) continue;
    files[f.path] = sha256Hex(await f.read());
  }
  const manifest = validateManifest({ ...raw, files }, manifestPath);
  const next = serializeManifest(manifest);
  const changed = next !== text;
  if (changed && !options.dryRun) await writeFileAtomic(manifestPath, next);
  let signatureStale = false;
  const sig = source.files.find((f) => f.path === SIGNATURE_FILE);
  if (sig) {
    try {
      verifyManifestSignature(Buffer.from(next), (await sig.read()).toString('utf8'), join(dir, SIGNATURE_FILE));
    } catch {
      signatureStale = true;
    }
  }
  return {
    manifest,
    changed,
    added: Object.keys(files).filter((p) => !(p in old)),
    removed: Object.keys(old).filter((p) => !(p in files)),
    updated: Object.keys(files).filter((p) => p in old && old[p] !== files[p]),
    signatureStale,
  };
}

/** Writes DIR/labpack.sig for the manifest as it is now. */
export async function signPackFolder(dir: string, privateKeyPem: string, keyPath: string): Promise<ReturnType<typeof signManifest>> {
  const bytes = await readFile(join(dir, MANIFEST_FILE));
  const sig = signManifest(bytes, privateKeyPem, keyPath);
  await writeFileAtomic(join(dir, SIGNATURE_FILE), serializeSignature(sig));
  return sig;
}

/** The .labpack bytes of a verified pack: manifest first, then its signature, then files by path. */
export function zipVerifiedPack(pack: VerifiedPack): Buffer {
  const entries = [{ path: MANIFEST_FILE, data: pack.manifestBytes }];
  if (pack.signatureBytes) entries.push({ path: SIGNATURE_FILE, data: pack.signatureBytes });
  for (const path of Object.keys(pack.manifest.files).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    entries.push({ path, data: pack.files.get(path)! });
  }
  return writeZip(entries);
}

/** Verifies a pack source fully and zips it; the same files always give the same bytes. */
export async function buildLabpack(source: PackSource): Promise<{ bytes: Buffer; pack: VerifiedPack }> {
  const pack = await verifyPack(source, { keepData: true });
  return { bytes: zipVerifiedPack(pack), pack };
}

/** Scaffolds a new pack folder: a manifest, and a first notebook with a check cell. */
export async function initPack(dir: string, options: { id: string; title: string; author: string }): Promise<PackManifest> {
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length) throw new PackError('E_PACK_MANIFEST', `${dir} is not empty; "pack init" only creates new packs (pick an empty or new folder)`);
  await mkdir(dir, { recursive: true });
  const notebook = `${options.id}.ipynb`;
  await writeFile(join(dir, notebook), starterNotebook(options.title));
  const manifest: PackManifest = {
    schemaVersion: 1,
    id: options.id,
    version: '0.1.0',
    title: options.title,
    summary: `What ${options.title} teaches, in one or two sentences.`,
    topics: ['machine learning systems'],
    estimatedMinutes: 30,
    author: options.author,
    licence: 'CC-BY-4.0',
    notebooks: [notebook],
    datasets: [],
    app: '>=0.1.0',
    files: { [notebook]: sha256Hex(Buffer.from(starterNotebook(options.title))) },
  };
  await writeFile(join(dir, MANIFEST_FILE), serializeManifest(validateManifest(manifest, join(dir, MANIFEST_FILE))));
  return manifest;
}

function starterNotebook(title: string): string {
  const cell = (cell_type: string, id: string, source: string[], tags?: string[]) => ({
    cell_type,
    id,
    metadata: tags ? { tags } : {},
    source,
    ...(cell_type === 'code' ? { execution_count: null, outputs: [] } : {}),
  });
  const nb = {
    cells: [
      cell('markdown', 'intro', [`# ${title}\n`, '\n', 'Explain the idea here. Cells are TypeScript and run against TensorFlow.js.']),
      cell('code', 'work', ["import * as tf from '@tensorflow/tfjs';\n", 'const total = tf.tensor([1, 2, 3]).sum().dataSync()[0];\n', 'total']),
      cell('code', 'check-total', ["// A check cell: tagged 'check', it asserts a result with lab.check(name, condition, detail).\n", "lab.check('the sum is 6', total === 6, `got ${total}`);"], ['check']),
    ],
    metadata: {
      kernelspec: { display_name: 'TypeScript (mlsys-lab)', language: 'typescript', name: 'mlsys-lab-typescript' },
      language_info: { file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(nb, null, 1)}\n`;
}
