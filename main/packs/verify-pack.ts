/**
 * Verifies a pack completely before anything of it is written: the manifest is valid, the
 * signature (if any) matches the manifest, the files are exactly the ones listed, and each has the
 * SHA-256 the manifest gives. Imports, `pack validate`, `pack verify` and the built-in labs all go
 * through here.
 */
import { createHash } from 'node:crypto';
import { PackError } from './errors';
import { MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES, formatBytes } from './limits';
import { MANIFEST_FILE, SIGNATURE_FILE, parseManifest, type PackManifest } from './manifest';
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

export async function verifyPack(source: PackSource, options: { keepData?: boolean } = {}): Promise<VerifiedPack> {
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

  const files = new Map<string, Buffer>();
  for (const file of source.files) {
    if (file.path === MANIFEST_FILE || file.path === SIGNATURE_FILE) continue;
    const data = await file.read();
    const actual = sha256Hex(data);
    const expected = manifest.files[file.path];
    if (actual !== expected) {
      throw new PackError('E_PACK_INTEGRITY', `${at(file.path)}: SHA-256 is ${actual}, but ${MANIFEST_FILE} says ${expected}. The file was changed after the pack was built (authors: "mlsys-lab pack build" refreshes the hashes)`);
    }
    if (options.keepData) files.set(file.path, data);
  }
  return { manifest, manifestBytes, manifestSha256: sha256Hex(manifestBytes), signatureBytes, signer, files };
}
