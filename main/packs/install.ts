/**
 * Writes a verified pack into <workspace>/packs/<id>/. Everything is written to a fresh staging
 * folder beside it first and swapped in by rename, so an interrupted import leaves the previous
 * version as it was. When a version is already installed, whatever the attendee changed or added
 * in it is carried over: a file that the new version also has is kept beside it under a new name
 * (`name.mine-v0.1.0.ipynb`), never overwritten.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { PackError } from './errors';
import { IGNORED_NAMES } from './folder-source';
import { MANIFEST_FILE, SIGNATURE_FILE, parseManifest, type PackManifest } from './manifest';
import { pathCollisionKey } from './pack-path';
import { compareVersions } from './semver';
import { sha256Hex, type VerifiedPack } from './verify-pack';

export interface InstallResult {
  status: 'installed' | 'updated' | 'unchanged';
  dir: string;
  previousVersion: string | null;
  /** Attendee files carried over from the previous version; `keptAs` differs from `path` when renamed. */
  kept: { path: string; keptAs: string }[];
}

/** Joins a checked pack path to `root`, and proves the result is inside it (defence in depth). */
function inside(root: string, path: string): string {
  const full = resolve(root, ...path.split('/'));
  if (!full.startsWith(resolve(root) + sep)) throw new PackError('E_PACK_UNSAFE', `Refusing to write "${path}": it resolves outside ${root}`);
  return full;
}

async function readInstalledManifest(dir: string): Promise<PackManifest | null> {
  try {
    return parseManifest(await readFile(join(dir, MANIFEST_FILE), 'utf8'), join(dir, MANIFEST_FILE));
  } catch {
    return null;
  }
}

/** Plain files under `dir`, relative, without following links (a link the user made is left behind). */
async function listPlainFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
    if (IGNORED_NAMES.includes(entry.name)) continue;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listPlainFiles(dir, path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function besideName(path: string, version: string, taken: Set<string>): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const [stem, ext] = dot > slash + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
  for (let n = 1; ; n++) {
    const candidate = `${stem}.mine-v${version}${n > 1 ? `-${n}` : ''}${ext}`;
    if (!taken.has(pathCollisionKey(candidate))) return candidate;
  }
}

export async function installPack(pack: VerifiedPack, packsDir: string): Promise<InstallResult> {
  const { manifest } = pack;
  await mkdir(packsDir, { recursive: true });
  const target = inside(packsDir, manifest.id);
  const old = await lstat(target).then(
    (s) => s,
    () => null,
  );
  if (old && !old.isDirectory()) throw new PackError('E_PACK_UNSAFE', `${target} exists and is not a folder; move it away and import again`);
  const oldManifest = old ? await readInstalledManifest(target) : null;
  if (oldManifest) {
    const order = compareVersions(manifest.version, oldManifest.version);
    if (order < 0) {
      throw new PackError('E_PACK_VERSION', `"${manifest.title}" ${oldManifest.version} is installed, and this pack is the older version ${manifest.version}; nothing was changed`);
    }
    const oldBytes = await readFile(join(target, MANIFEST_FILE));
    if (order === 0 && sha256Hex(oldBytes) === pack.manifestSha256) {
      return { status: 'unchanged', dir: target, previousVersion: oldManifest.version, kept: [] };
    }
  }

  const staging = await mkdtemp(join(packsDir, '.incoming-'));
  try {
    const write = async (path: string, data: Uint8Array) => {
      const full = inside(staging, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, data, { flag: 'wx' });
    };
    await write(MANIFEST_FILE, pack.manifestBytes);
    if (pack.signatureBytes) await write(SIGNATURE_FILE, pack.signatureBytes);
    for (const [path, data] of pack.files) await write(path, data);

    const kept: InstallResult['kept'] = [];
    if (old) {
      const taken = new Set([MANIFEST_FILE, SIGNATURE_FILE, ...pack.files.keys()].map(pathCollisionKey));
      for (const path of await listPlainFiles(target)) {
        if (path === MANIFEST_FILE || path === SIGNATURE_FILE) continue;
        const data = await readFile(join(target, path));
        const hash = sha256Hex(data);
        if (oldManifest && oldManifest.files[path] === hash) continue; // as the pack shipped it
        if (manifest.files[path] === hash) continue; // already what the new version has
        const keptAs = taken.has(pathCollisionKey(path)) ? besideName(path, oldManifest?.version ?? 'old', taken) : path;
        taken.add(pathCollisionKey(keptAs));
        await write(keptAs, data);
        kept.push({ path, keptAs });
      }
    }

    if (old) {
      const replaced = await mkdtemp(join(packsDir, '.replaced-'));
      await rename(target, join(replaced, manifest.id));
      try {
        await rename(staging, target);
      } catch (err) {
        await rename(join(replaced, manifest.id), target);
        throw err;
      }
      await rm(replaced, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
    return { status: old ? 'updated' : 'installed', dir: target, previousVersion: oldManifest?.version ?? null, kept };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
