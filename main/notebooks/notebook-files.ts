/**
 * Where a notebook lives. A pack's notebook opens as the attendee's copy in the workspace
 * (`notebooks/<pack id>/<path>`), made on first open, so built-in and imported pack files are never
 * modified. A workspace path must stay inside the workspace.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { NotebookRef } from '../api/notebooks';
import { ApiError } from '../rpc/errors';
import { MANIFEST_FILE, parseManifest } from '../packs/manifest';

export interface PackSource {
  dir: string;
  trusted: boolean;
}

export interface ResolvedNotebook {
  /** Absolute path of the file we read and write. */
  file: string;
  /** Path relative to the workspace, with "/" separators: the session handle. */
  handle: string;
  trusted: boolean;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Reads a file, or returns null when it does not exist. */
export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function toHandle(workspaceDir: string, file: string): string {
  return relative(workspaceDir, file).split(sep).join('/');
}

/** A workspace-relative path, refused when it is absolute, leaves the workspace or is not a .ipynb. */
export function workspaceFile(workspaceDir: string, path: string): string {
  if (isAbsolute(path) || path.includes('\0')) throw new ApiError('E_BAD_PATH', `Notebook path must be relative to the workspace, got ${JSON.stringify(path)}`);
  const file = normalize(join(workspaceDir, path));
  if (!file.startsWith(workspaceDir + sep)) throw new ApiError('E_BAD_PATH', `Notebook path ${JSON.stringify(path)} leaves the workspace`);
  if (!file.endsWith('.ipynb')) throw new ApiError('E_BAD_PATH', `Notebook path ${JSON.stringify(path)} is not a .ipynb file`);
  return file;
}

async function findPack(sources: PackSource[], id: string): Promise<{ dir: string; notebooks: string[]; trusted: boolean } | null> {
  for (const source of sources) {
    let names: string[];
    try {
      names = (await readdir(source.dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      continue;
    }
    for (const name of names) {
      const manifestFile = join(source.dir, name, MANIFEST_FILE);
      const text = await readIfExists(manifestFile).catch(() => null);
      if (text === null) continue;
      try {
        const m = parseManifest(text, manifestFile);
        if (m.id === id) return { dir: join(source.dir, name), notebooks: m.notebooks, trusted: source.trusted };
      } catch {
        // a broken manifest is reported by the library; it simply is not the pack asked for
      }
    }
  }
  return null;
}

export async function resolveNotebook(workspaceDir: string, sources: PackSource[], ref: NotebookRef): Promise<ResolvedNotebook> {
  if ('path' in ref) {
    const file = workspaceFile(workspaceDir, ref.path);
    const pack = ref.path.split('/');
    // the attendee's copy of a pack notebook keeps its pack's trust
    const trusted = pack[0] === 'notebooks' && pack.length > 2 ? ((await findPack(sources, pack[1]))?.trusted ?? false) : false;
    return { file, handle: toHandle(workspaceDir, file), trusted };
  }
  const pack = await findPack(sources, ref.pack);
  if (!pack) throw new ApiError('E_NO_PACK', `There is no lab pack with id ${JSON.stringify(ref.pack)}. Import it first, or pick one from the library.`);
  if (!pack.notebooks.includes(ref.notebook))
    throw new ApiError('E_NO_NOTEBOOK', `Pack "${ref.pack}" has no notebook ${JSON.stringify(ref.notebook)}; its notebooks are ${pack.notebooks.join(', ') || 'none'}`);
  const copy = workspaceFile(workspaceDir, join('notebooks', ref.pack, ref.notebook));
  const exists = await stat(copy).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await mkdir(dirname(copy), { recursive: true });
    await copyFile(join(pack.dir, ref.notebook), copy);
  }
  return { file: copy, handle: toHandle(workspaceDir, copy), trusted: pack.trusted };
}
