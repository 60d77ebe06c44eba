/**
 * Verifies a pack completely before anything of it is written: the manifest is valid, the
 * signature (if any) matches the manifest, the files are exactly the ones listed, each has the
 * SHA-256 the manifest gives, and each dataset has the rows the manifest declares. Imports,
 * `pack validate`, `pack verify`, `pack check` and the built-in labs all go through here.
 */
import { createHash } from 'node:crypto';
import { countDatasetRows } from './dataset-rows';
import { PackError } from './errors';
import { DEFAULT_LIMITS, MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES, formatBytes, type PackLimits } from './limits';
import { MANIFEST_FILE, SIGNATURE_FILE, parseManifest, type PackDataset, type PackManifest } from './manifest';
import type { PackSource, PackSourceFile } from './pack-source';
import { verifyManifestSignature, type Signer } from './signature';

export interface VerifiedPack {
  manifest: PackManifest;
  manifestBytes: Buffer;
  /** SHA-256 of labpack.json: identifies this exact pack version (and what an unsigned trust covers). */
  manifestSha256: string;
  /** Bytes of labpack.sig when the pack is signed. */
  signatureBytes: Buffer | null;
  signer: Signer | null;
  /** The verified content of every listed file, when asked for with `keepData`. */
  files: Map<string, Buffer>;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const LIST_MAX = 5;
function listPaths(paths: string[]): string {
  const shown = paths.slice(0, LIST_MAX).map((p) => JSON.stringify(p));
  return paths.length > LIST_MAX ? `${shown.join(', ')} and ${paths.length - LIST_MAX} more` : shown.join(', ');
}

async function readSmall(file: PackSourceFile, max: number, where: string): Promise<Buffer> {
  if (file.size > max) throw new PackError('E_PACK_TOO_LARGE', `${where} is ${formatBytes(file.size)}; it may be at most ${formatBytes(max)}`);
  return file.read();
}

/** Refuses a dataset whose file does not have the rows its manifest entry declares. */
async function checkRows(manifest: PackManifest, dataset: PackDataset, data: Buffer | null, where: string, limits: PackLimits): Promise<void> {
  // a gzipped dataset may inflate to what a whole pack may hold, no more
  const counted = await countDatasetRows(dataset, data, { paths: Object.keys(manifest.files), where, maxBytes: limits.maxTotalBytes });
  if (counted === dataset.rows) return;
  const i = manifest.datasets.indexOf(dataset);
  throw new PackError(
    'E_PACK_INTEGRITY',
    `Pack "${manifest.id}": ${dataset.path} has ${counted} ${dataset.format === 'images' ? 'image' : 'row'}${counted === 1 ? '' : 's'}, the manifest says ${dataset.rows}. Correct datasets[${i}].rows in ${MANIFEST_FILE} (authors), or ask the pack's author for a new copy`,
  );
}

/** `limits` bound what a gzipped dataset may inflate to while its rows are counted. */
export async function verifyPack(source: PackSource, options: { keepData?: boolean; limits?: PackLimits } = {}): Promise<VerifiedPack> {
  const at = (path: string) => `${source.origin}${source.kind === 'zip' ? ':' : '/'}${path}`;
  const byPath = new Map(source.files.map((f) => [f.path, f]));

  const manifestFile = byPath.get(MANIFEST_FILE);
  if (!manifestFile) {
    const nested = source.files.find((f) => f.path.endsWith(`/${MANIFEST_FILE}`));
    const hint = nested ? ` (there is one at "${nested.path}": the pack's files must be at the root; build the .labpack with "mlsys-lab pack build FOLDER")` : '';
    throw new PackError('E_PACK_MANIFEST', `${source.origin} is not a lab pack: it has no ${MANIFEST_FILE} at its root${hint}`);
  }
  const manifestBytes = await readSmall(manifestFile, MAX_MANIFEST_BYTES, at(MANIFEST_FILE));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes);
  } catch {
    throw new PackError('E_PACK_MANIFEST', `${at(MANIFEST_FILE)} is not UTF-8 text`);
  }
  const manifest = parseManifest(text, at(MANIFEST_FILE));

  const sigFile = byPath.get(SIGNATURE_FILE);
  const signatureBytes = sigFile ? await readSmall(sigFile, MAX_SIGNATURE_BYTES, at(SIGNATURE_FILE)) : null;
  const signer = signatureBytes ? verifyManifestSignature(manifestBytes, signatureBytes.toString('utf8'), at(SIGNATURE_FILE)) : null;

  const listed = Object.keys(manifest.files);
  const missing = listed.filter((p) => !byPath.has(p));
  if (missing.length) {
    throw new PackError('E_PACK_INTEGRITY', `${source.origin}: ${MANIFEST_FILE} lists ${missing.length} file(s) that are not in the pack: ${listPaths(missing)}. The pack is incomplete; ask its author for a new copy`);
  }
  const extra = source.files.map((f) => f.path).filter((p) => p !== MANIFEST_FILE && p !== SIGNATURE_FILE && !Object.hasOwn(manifest.files, p));
  if (extra.length) {
    throw new PackError(
      'E_PACK_INTEGRITY',
      `${source.origin} has ${extra.length} file(s) that ${MANIFEST_FILE} does not list: ${listPaths(extra)}. Every file of a pack must be listed with its SHA-256 (authors: "mlsys-lab pack build" refreshes the list)`,
    );
  }

  const limits = options.limits ?? DEFAULT_LIMITS;
  const datasetFiles = new Map(manifest.datasets.filter((d) => d.format !== 'images').map((d) => [d.path, d]));
  const files = new Map<string, Buffer>();
  for (const file of source.files) {
    if (file.path === MANIFEST_FILE || file.path === SIGNATURE_FILE) continue;
    const data = await file.read();
    const actual = sha256Hex(data);
    const expected = manifest.files[file.path];
    if (actual !== expected) {
      throw new PackError('E_PACK_INTEGRITY', `${at(file.path)}: SHA-256 is ${actual}, but ${MANIFEST_FILE} says ${expected}. The file was changed after the pack was built (authors: "mlsys-lab pack build" refreshes the hashes)`);
    }
    const dataset = datasetFiles.get(file.path);
    if (dataset) await checkRows(manifest, dataset, data, at(file.path), limits);
    if (options.keepData) files.set(file.path, data);
  }
  for (const dataset of manifest.datasets) if (dataset.format === 'images') await checkRows(manifest, dataset, null, at(dataset.path), limits);
  return { manifest, manifestBytes, manifestSha256: sha256Hex(manifestBytes), signatureBytes, signer, files };
}
