/**
 * The one rule for a path inside a pack, applied to zip entry names, folder entries and every
 * path a manifest mentions. A path that passes can be joined to the import folder without ever
 * leaving it, on POSIX and on Windows alike.
 */
export const MAX_PATH_LENGTH = 512;

// Names Windows refuses (or maps to devices) would make a pack install on one machine and not another.
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Returns why `path` is not a safe relative pack path, or undefined when it is. */
export function packPathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains a control character';
  if (path.includes('\\')) return 'contains a backslash (pack paths use "/")';
  if (path.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(path)) return 'starts with a drive letter (an absolute Windows path)';
  for (const segment of path.split('/')) {
    if (segment === '..') return 'contains ".." (it would point outside the pack)';
    if (segment === '.') return 'contains a "." segment';
    if (segment === '') return 'contains an empty segment ("//" or a trailing "/")';
    if (/[<>:"|?*]/.test(segment)) return `has a segment with a character Windows refuses: ${JSON.stringify(segment)}`;
    if (WINDOWS_DEVICE.test(segment)) return `has a segment that is a reserved device name on Windows: ${JSON.stringify(segment)}`;
    if (/[ .]$/.test(segment)) return `has a segment ending in a space or a dot: ${JSON.stringify(segment)}`;
  }
  return undefined;
}

/**
 * The key two paths collide under on case-insensitive or normalising file systems (macOS,
 * Windows): `Data.csv` and `data.csv`, or é written composed and decomposed.
 */
export function pathCollisionKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

/** Byte-wise order of UTF-8 paths: the same on every machine and locale. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
