/**
 * The size limits every pack is read under, whether it arrives as a `.labpack` zip or a folder.
 * They stop zip bombs and runaway folders before memory or disk fill up, and they are enforced
 * on the bytes actually produced while inflating, not only on the sizes a zip header declares
 * (which a hostile archive can set to anything). Documented in the README's lab packs section.
 */
export interface PackLimits {
  /** Total uncompressed bytes of all files together. */
  maxTotalBytes: number;
  /** Uncompressed bytes of any one file. */
  maxFileBytes: number;
  /** Largest uncompressed / compressed ratio of one zip entry... */
  maxRatio: number;
  /** ...once the entry is larger than this (small files of repeated bytes compress very well). */
  ratioFloorBytes: number;
  /** Number of files (and zip entries, folders included). */
  maxEntries: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<PackLimits> = Object.freeze({
  maxTotalBytes: 1024 * MiB,
  maxFileBytes: 256 * MiB,
  maxRatio: 100,
  ratioFloorBytes: 1 * MiB,
  maxEntries: 10_000,
});

/** labpack.json and labpack.sig are read whole before anything else; they are never large. */
export const MAX_MANIFEST_BYTES = 4 * MiB;
export const MAX_SIGNATURE_BYTES = 64 * 1024;

export function formatBytes(n: number): string {
  if (n >= 1024 * MiB) return `${(n / (1024 * MiB)).toFixed(n % (1024 * MiB) ? 1 : 0)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(n % MiB ? 1 : 0)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 ? 1 : 0)} KiB`;
  return `${n} bytes`;
}
