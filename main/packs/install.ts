/**
 * Writes a verified pack into <workspace>/packs/<id>/. Everything is written to a fresh staging
 * folder beside it first and swapped in by rename, so an interrupted import leaves the previous
 * version as it was. When a version is already installed, whatever the attendee changed or added
 * in it is carried over: a file that the new version also has is kept beside it under a new name
 * (`name.mine-v0.1.0.ipynb`), never overwritten.
 */
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
  /** The manifest of the version this one replaced, when it could be read. */
  previousManifest: PackManifest | null;
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
      return { status: 'unchanged', dir: target, previousVersion: oldManifest.version, previousManifest: oldManifest, kept: [] };
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
    return { status: old ? 'updated' : 'installed', dir: target, previousVersion: oldManifest?.version ?? null, previousManifest: oldManifest, kept };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Finishes or undoes what an interrupted import left in <workspace>/packs: a staging folder is
 * dropped (the import never completed), and a pack moved aside for replacement is put back when
 * its replacement never arrived. Run once when the workspace opens.
 */
export async function recoverInterruptedImports(packsDir: string, log: (m: string) => void = () => {}): Promise<void> {
  const entries = await readdir(packsDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const full = join(packsDir, e.name);
    if (e.name.startsWith('.incoming-')) {
      await rm(full, { recursive: true, force: true });
      log(`removed ${full}, left by an interrupted import`);
    } else if (e.name.startsWith('.replaced-')) {
      for (const id of await readdir(full)) {
        const back = join(packsDir, id);
        const present = await lstat(back).then(
          () => true,
          () => false,
        );
        if (!present) {
          await rename(join(full, id), back);
          log(`restored ${back}: an import that was replacing it was interrupted`);
        }
      }
      await rm(full, { recursive: true, force: true });
    }
  }
}

/**
 * The attendee works on copies of a pack's files in <workspace>/notebooks/<id>/: its notebooks
 * (copied on first open) and its other files (data), copied before its first kernel starts so that
 * cells read `data/...` by relative path, as `pack check` runs them. After an upgrade, a copy of a
 * file the new version changed is dealt with so that the attendee sees the new version and loses
 * nothing: an untouched copy is removed (the next open or kernel start copies the new version), an
 * edited copy is renamed beside it as `name.mine-v1.0.0.ipynb`. A copy of a file the new version
 * did not change stays as it is, edits and all.
 */
export async function reconcileNotebookCopies(notebooksDir: string, previous: PackManifest, next: PackManifest): Promise<InstallResult['kept']> {
  const dir = inside(notebooksDir, next.id);
  const kept: InstallResult['kept'] = [];
  const existing = await listPlainFiles(dir).catch(() => [] as string[]);
  const taken = new Set(existing.map(pathCollisionKey));
  for (const path of new Set([...previous.notebooks, ...Object.keys(previous.files)])) {
    if (!existing.includes(path)) continue;
    if (previous.files[path] === next.files[path]) continue; // the pack did not change this notebook
    const copy = inside(dir, path);
    const hash = sha256Hex(await readFile(copy));
    if (hash === previous.files[path] || hash === next.files[path]) {
      await rm(copy, { force: true });
      continue;
    }
    const keptAs = besideName(path, previous.version, taken);
    taken.add(pathCollisionKey(keptAs));
    await rename(copy, inside(dir, keptAs));
    kept.push({ path: `notebooks/${next.id}/${path}`, keptAs: `notebooks/${next.id}/${keptAs}` });
  }
  return kept;
}

/**
 * Copies the pack's files that are not notebooks into the attendee's folder where missing, never
 * overwriting one (an upgrade first clears untouched stale copies, see reconcileNotebookCopies).
 * Returns the paths copied.
 */
export async function copyPackFiles(packDir: string, manifest: PackManifest, notebooksDir: string): Promise<string[]> {
  const dir = inside(notebooksDir, manifest.id);
  const copied: string[] = [];
  for (const path of Object.keys(manifest.files)) {
    if (manifest.notebooks.includes(path)) continue;
    const target = inside(dir, path);
    await mkdir(dirname(target), { recursive: true });
    try {
      await copyFile(inside(packDir, path), target, constants.COPYFILE_EXCL);
      copied.push(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return copied;
}
