/**
 * A pack's files, whichever form it came in (a folder, a `.labpack` zip on disk, or bytes
 * uploaded from the UI). Opening a source already refuses unsafe entries (`..`, absolute paths,
 * symbolic links, duplicates) and sizes over the limits; reading a file enforces the limits again
 * on the real bytes.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { PackError } from './errors';
import { DEFAULT_LIMITS, formatBytes, type PackLimits } from './limits';
import { readPackFolder } from './folder-source';
import { readZipSource } from './zip-read';

export interface PackSourceFile {
  /** Relative path with "/" separators, already checked by packPathProblem. */
  path: string;
  /** Size in bytes as declared (zip header) or found (folder); read() enforces the real size. */
  size: number;
  read(): Promise<Buffer>;
}

export interface PackSource {
  kind: 'zip' | 'folder';
  /** Where the pack came from, for messages: a path or an uploaded file's name. */
  origin: string;
  /** Every file, sorted by path (byte order). Folders of a zip are not listed. */
  files: PackSourceFile[];
}

/** Opens a folder or a `.labpack` file. */
export async function openPackSource(path: string, limits: PackLimits = DEFAULT_LIMITS): Promise<PackSource> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PackError('E_PACK_MANIFEST', code === 'ENOENT' ? `Cannot open pack "${path}": no such file or folder` : `Cannot open pack "${path}": ${(err as Error).message}`);
  }
  if (info.isDirectory()) return readPackFolder(path, limits);
  if (!info.isFile()) throw new PackError('E_PACK_UNSAFE', `Cannot open pack "${path}": it is neither a file nor a folder`);
  // a stored (uncompressed) archive is as large as its contents, so this bounds what we read
  if (info.size > limits.maxTotalBytes) {
    throw new PackError('E_PACK_TOO_LARGE', `Cannot open pack "${path}": the file is ${formatBytes(info.size)}, over the ${formatBytes(limits.maxTotalBytes)} limit for a pack`);
  }
  return readZipSource(await readFile(path), path, limits);
}

/** A `.labpack` received as bytes (the UI's file picker or drag and drop). */
export function packSourceFromBytes(bytes: Buffer, name: string, limits: PackLimits = DEFAULT_LIMITS): PackSource {
  if (bytes.length > limits.maxTotalBytes) {
    throw new PackError('E_PACK_TOO_LARGE', `Cannot open pack "${basename(name)}": it is ${formatBytes(bytes.length)}, over the ${formatBytes(limits.maxTotalBytes)} limit for a pack`);
  }
  return readZipSource(bytes, name, limits);
}
