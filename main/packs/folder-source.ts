import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PackError } from './errors';
import { formatBytes, type PackLimits } from './limits';
import { comparePaths, packPathProblem, pathCollisionKey } from './pack-path';
import type { PackSource, PackSourceFile } from './pack-source';

/**
 * Names that editors and operating systems drop into folders: never part of a pack, so neither
 * listed in a manifest nor refused as extra files. Everything else in the folder is the pack.
 */
export const IGNORED_NAMES: readonly string[] = ['.git', '.DS_Store', 'Thumbs.db', 'desktop.ini', '.ipynb_checkpoints'];

/**
 * Lists a pack folder without following anything: a symbolic link (to a file or a folder) or a
 * special file anywhere in it is refused, because copying it would read or write outside the pack.
 */
export async function readPackFolder(dir: string, limits: PackLimits): Promise<PackSource> {
  const files: PackSourceFile[] = [];
  const seen = new Map<string, string>();
  let total = 0;

  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      if (IGNORED_NAMES.includes(entry.name)) continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const where = `${dir}: "${path}"`;
      const problem = packPathProblem(path);
      if (problem) throw new PackError('E_PACK_UNSAFE', `${where} is not a safe pack path: it ${problem}`);
      const key = pathCollisionKey(path);
      const other = seen.get(key);
      if (other !== undefined) throw new PackError('E_PACK_UNSAFE', `${where} and "${other}" differ only in letter case; they would be the same file on macOS and Windows`);
      seen.set(key, path);
      const info = await lstat(join(dir, path));
      if (info.isSymbolicLink()) throw new PackError('E_PACK_UNSAFE', `${where} is a symbolic link; a pack may only contain plain files and folders (copy the file in instead)`);
      if (info.isDirectory()) {
        await walk(path);
        continue;
      }
      if (!info.isFile()) throw new PackError('E_PACK_UNSAFE', `${where} is not a plain file (a device, socket or pipe)`);
      if (files.length + 1 > limits.maxEntries) throw new PackError('E_PACK_TOO_LARGE', `${dir} has more than ${limits.maxEntries} files, the limit for a pack`);
      if (info.size > limits.maxFileBytes) throw new PackError('E_PACK_TOO_LARGE', `${where} is ${formatBytes(info.size)}, over the ${formatBytes(limits.maxFileBytes)} limit for one file`);
      total += info.size;
      if (total > limits.maxTotalBytes) throw new PackError('E_PACK_TOO_LARGE', `${dir} holds more than ${formatBytes(limits.maxTotalBytes)}, the limit for a pack`);
      const full = join(dir, path);
      files.push({ path, size: info.size, read: () => readBounded(full, limits.maxFileBytes, where) });
    }
  };
  await walk('');
  files.sort((a, b) => comparePaths(a.path, b.path));
  return { kind: 'folder', origin: dir, files };
}

/** Reads a file without following a link swapped in since it was listed, and never past `max`. */
async function readBounded(path: string, max: number, where: string): Promise<Buffer> {
  const fh = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const info = await fh.stat();
    if (!info.isFile()) throw new PackError('E_PACK_UNSAFE', `${where} is not a plain file`);
    if (info.size > max) throw new PackError('E_PACK_TOO_LARGE', `${where} is ${formatBytes(info.size)}, over the ${formatBytes(max)} limit for one file`);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
