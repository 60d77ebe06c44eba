import type { Subscribe } from './common.ts';

/** What an import did. */
export interface PackImportResult {
  id: string;
  version: string;
  title: string;
  /** `unchanged`: this exact version was already installed. */
  status: 'installed' | 'updated' | 'unchanged';
  previousVersion: string | null;
  /** Whether cells may run; false means the pack opened in restricted mode. */
  trusted: boolean;
  trustReason: PackTrustReason;
  /** The signing key's id (16 hex digits in groups of 4), or null when unsigned. */
  signerKeyId: string | null;
  /** Attendee files carried over from the installed version; renamed when the new version has the same path. */
  kept: { path: string; keptAs: string }[];
  /** What became of each dataset the manifest lists (imported into the store, unchanged, or failed). */
  datasets: PackDatasetResult[];
}

export interface PackDatasetResult {
  /** The dataset's path in the pack. */
  path: string;
  status: 'imported' | 'unchanged' | 'failed';
  datasetId: number | null;
  name: string | null;
  samples: number;
  problem: string | null;
}

/**
 * Why a pack may or may not run code. `unsigned` and `unknown-key` packs are restricted: their
 * notebooks can be read, but no cell runs until the user trusts the pack.
 */
export type PackTrustReason = 'builtin' | 'trusted-key' | 'trusted-by-user' | 'unsigned' | 'unknown-key';

export interface PackTrustInfo {
  id: string;
  title: string;
  trusted: boolean;
  reason: PackTrustReason;
  signerKeyId: string | null;
  /** The signer's public key (`ed25519:...`), so the UI can offer to trust the key itself. */
  signerPublicKey: string | null;
}

export interface TrustedKey {
  keyId: string;
  /** `ed25519:` followed by the raw key in base64url, as `mlsys-lab pack keygen` prints it. */
  publicKey: string;
  name: string;
  addedAt: string;
}

/** A lab's progress, kept per pack id so that it survives reinstalling the pack. */
export interface LabProgress {
  packId: string;
  checksPassed: number;
  checksTotal: number;
  /** ISO time, or null when never opened. */
  lastOpened: string | null;
  timeSpentMs: number;
}

export interface PacksApi {
  /** Imports a `.labpack` file or a pack folder from this machine's disk (the CLI's `open`, Electron's file picker). */
  import(path: string): Promise<PackImportResult>;
  /**
   * Uploads a `.labpack` picked or dropped in the UI, in order, in chunks: `beginUpload` returns an
   * id, `uploadChunk` appends base64 bytes, `finishUpload` verifies and imports. Nothing is written
   * before the whole pack has been verified.
   */
  beginUpload(name: string, size: number): Promise<string>;
  uploadChunk(uploadId: string, base64: string): Promise<void>;
  finishUpload(uploadId: string): Promise<PackImportResult>;
  cancelUpload(uploadId: string): Promise<void>;
  /** Trust state of an installed or built-in pack. */
  trustInfo(packId: string): Promise<PackTrustInfo>;
  /** Lets the pack's cells run; remembered per pack. */
  trust(packId: string): Promise<PackTrustInfo>;
  untrust(packId: string): Promise<PackTrustInfo>;
  trustedKeys(): Promise<TrustedKey[]>;
  addTrustedKey(publicKey: string, name: string): Promise<TrustedKey>;
  removeTrustedKey(keyId: string): Promise<void>;
  /** Progress of every lab, by pack id. */
  progress(): Promise<LabProgress[]>;
  /**
   * Writes a hand-in file (`.labsub`) for a lab into <workspace>/submissions/: the checks passed,
   * the attendee's executed notebooks and a reproducibility record. Returns it for download too.
   */
  exportSubmission(packId: string, attendee: string): Promise<SubmissionFile>;
  /**
   * For instructors: reads every `.labsub` in a folder on this machine into a results table (per
   * attendee and per check, with the checks most often failed), with the same table as CSV.
   */
  readHandIns(folder: string): Promise<HandInResults>;
  onDidImport: Subscribe<PackImportResult>;
}

/** One hand-in in the results table. */
export interface ResultRow {
  file: string;
  attendee: string;
  packId: string;
  packVersion: string;
  createdAt: string;
  passed: number;
  total: number;
  /** Outcome per check id; 'missing' when this submission never ran it. */
  checks: Record<string, 'passed' | 'failed' | 'missing'>;
  backend: string | null;
  /** The seeds the attendee's lab ran with, by name (lab.seed, dataset splits). */
  seeds: Record<string, number>;
}

export interface ResultsTable {
  /** Every check id seen, sorted. */
  checkIds: string[];
  rows: ResultRow[];
  /** Checks by how many submissions failed (or never ran) them, most first. */
  mostFailed: { checkId: string; failed: number; missing: number; of: number }[];
  /** Files that could not be read, with why; they are left out of the table. */
  problems: { file: string; message: string }[];
}

export interface HandInResults extends ResultsTable {
  /** The folder read, as an absolute path. */
  folder: string;
  /** The table as CSV (formula-like cells neutralised), for a spreadsheet. */
  csv: string;
}

export interface SubmissionFile {
  fileName: string;
  /** Where it was written on this machine. */
  path: string;
  /** The file's bytes, base64, so the UI can offer it as a download. */
  base64: string;
  checksPassed: number;
  checksTotal: number;
}
