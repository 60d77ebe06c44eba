/**
 * The packs group of the API: import (from a path, or uploaded from the UI in chunks), trust, the
 * trusted-keys list, and per-lab progress. It also loads every pack the library lists, built-in
 * labs through the same verification an imported pack goes through.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { PackSummary } from '../api/library';
import type { HandInResults, LabProgress, PackDatasetResult, PackImportResult, PackTrustInfo, PacksApi, SubmissionFile, TrustedKey } from '../api/packs';
import { PackError } from './errors';
import { copyPackFiles, installPack, reconcileNotebookCopies } from './install';
import { DEFAULT_LIMITS, formatBytes, type PackLimits } from './limits';
import { MANIFEST_FILE, SIGNATURE_FILE, parseManifest, type PackManifest } from './manifest';
import { readPackFolder } from './folder-source';
import { openPackSource, packSourceFromBytes, type PackSource } from './pack-source';
import { readResultsFolder, resultsToCsv } from './results';
import { satisfies } from './semver';
import { verifyManifestSignature, type Signer } from './signature';
import { notebookChecks } from './check-cells';
import { SUBMISSION_EXTENSION, writeSubmission, type ReproducibilityRecord } from './submission';
import { baseEnvironment } from './environment';
import { writeFileAtomic } from '../util/atomic-write';
import type { TrustStore } from './trust-store';
import { sha256Hex, verifyPack, type VerifiedPack } from './verify-pack';

/**
 * Where recorded progress comes from: the store (its lab_progress table) once it is wired in.
 * Keyed by pack id, so progress survives reinstalling or upgrading a pack.
 */
export interface ProgressSource {
  /** The latest result of each check of a lab that has run. */
  checks(packId: string): { checkId: string; status: 'passed' | 'failed' }[] | Promise<{ checkId: string; status: 'passed' | 'failed' }[]>;
  /** When the lab was last opened and how long it has been open in total, where recorded. */
  activity?(packId: string): { lastOpened: string | null; timeSpentMs: number } | Promise<{ lastOpened: string | null; timeSpentMs: number }>;
}

/** Called after a pack is installed, to import its datasets into the store; `previous` is the version it replaced. */
export type DatasetImporter = (packDir: string, manifest: PackManifest, previous: PackManifest | null) => Promise<PackDatasetResult[]>;

export interface PacksServiceOptions {
  /** <workspace>/packs: imported packs, one folder per id. */
  packsDir: string;
  /** The built-in labs (the repository's labs/). */
  labsDir: string;
  /** <workspace>/notebooks: the attendee's copies of pack notebooks, one folder per pack id. */
  notebooksDir?: string;
  trust: TrustStore;
  appVersion: string;
  limits?: PackLimits;
  progress?: ProgressSource;
  importDatasets?: DatasetImporter;
  /** Told after an import or a trust change, so the library can refresh. */
  onDidChange?: () => void;
  onDidImport?: (result: PackImportResult) => void;
  /** What the kernel knows for the reproducibility record of a lab's hand-in (backend, device, seeds, energy method). */
  environment?: (packId: string) => Promise<Partial<ReproducibilityRecord>>;
  /** <workspace>/submissions: where hand-in files are written. */
  submissionsDir?: string;
  /** Resolves when leftovers of an interrupted import have been tidied; imports and loads wait for it. */
  ready?: Promise<void>;
}

interface Upload {
  name: string;
  bytes: Buffer;
  received: number;
}

/** Base64 of one chunk: 8 MiB of bytes fits comfortably in one message on either transport. */
export const MAX_UPLOAD_CHUNK_CHARS = Math.ceil((8 * 1024 * 1024) / 3) * 4;
const MAX_UPLOADS = 4;

interface LoadedPack {
  dir: string;
  source: PackSummary['source'];
  manifest: PackManifest;
  signer: Signer | null;
  manifestSha256: string;
}

export class PacksService implements Omit<PacksApi, 'onDidImport'> {
  private readonly limits: PackLimits;
  private readonly uploads = new Map<string, Upload>();
  /** Built-in labs verified so far, by folder and the manifest's mtime: they are hashed once, not on every list. */
  private readonly builtinCache = new Map<string, { mtimeMs: number; loaded: LoadedPack }>();
  private readonly checkCellCache = new Map<string, { mtimeMs: number; names: (string | null)[] }>();

  constructor(private readonly options: PacksServiceOptions) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
  }

  async import(path: string): Promise<PackImportResult> {
    return this.importSource(await openPackSource(path, this.limits));
  }

  async beginUpload(name: string, size: number): Promise<string> {
    if (!Number.isInteger(size) || size <= 0) throw new PackError('E_PACK_CORRUPT', `Cannot import "${name}": it is empty`);
    if (size > this.limits.maxTotalBytes) {
      throw new PackError('E_PACK_TOO_LARGE', `Cannot import "${name}": it is ${formatBytes(size)}, over the ${formatBytes(this.limits.maxTotalBytes)} limit for a pack`);
    }
    if (this.uploads.size >= MAX_UPLOADS) throw new PackError('E_PACK_TOO_LARGE', `Cannot import "${name}": ${MAX_UPLOADS} imports are already in progress; wait for one to finish`);
    const id = randomUUID();
    this.uploads.set(id, { name: basename(name), bytes: Buffer.alloc(size), received: 0 });
    return id;
  }

  async uploadChunk(uploadId: string, base64: string): Promise<void> {
    const upload = this.upload(uploadId);
    const chunk = Buffer.from(base64, 'base64');
    if (upload.received + chunk.length > upload.bytes.length) {
      this.uploads.delete(uploadId);
      throw new PackError('E_PACK_CORRUPT', `Upload of "${upload.name}" sent more than the ${upload.bytes.length} bytes it announced; start the import again`);
    }
    chunk.copy(upload.bytes, upload.received);
    upload.received += chunk.length;
  }

  async finishUpload(uploadId: string): Promise<PackImportResult> {
    const upload = this.upload(uploadId);
    this.uploads.delete(uploadId);
    if (upload.received !== upload.bytes.length) {
      throw new PackError('E_PACK_CORRUPT', `Upload of "${upload.name}" ended after ${upload.received} of ${upload.bytes.length} bytes; start the import again`);
    }
    return this.importSource(packSourceFromBytes(upload.bytes, upload.name, this.limits));
  }

  async cancelUpload(uploadId: string): Promise<void> {
    this.uploads.delete(uploadId);
  }

  async trustInfo(packId: string): Promise<PackTrustInfo> {
    return this.infoOf(await this.find(packId));
  }

  async trust(packId: string): Promise<PackTrustInfo> {
    const pack = await this.find(packId);
    if (pack.source === 'imported') await this.options.trust.trustPack(pack.manifest.id, pack.signer, pack.manifestSha256);
    this.options.onDidChange?.();
    return this.infoOf(pack);
  }

  async untrust(packId: string): Promise<PackTrustInfo> {
    const pack = await this.find(packId);
    if (pack.source === 'imported') await this.options.trust.untrustPack(pack.manifest.id);
    this.options.onDidChange?.();
    return this.infoOf(pack);
  }

  async trustedKeys(): Promise<TrustedKey[]> {
    return this.options.trust.keys();
  }

  async addTrustedKey(publicKey: string, name: string): Promise<TrustedKey> {
    const key = await this.options.trust.addKey(publicKey, name);
    this.options.onDidChange?.();
    return key;
  }

  async removeTrustedKey(keyId: string): Promise<void> {
    await this.options.trust.removeKey(keyId);
    this.options.onDidChange?.();
  }

  /** Every lab's progress: checks total from its check cells, the rest from the progress source. */
  async progress(): Promise<LabProgress[]> {
    const out: LabProgress[] = [];
    for (const pack of await this.allPacks()) {
      const id = pack.manifest.id;
      const checks = tally((await this.options.progress?.checks(id)) ?? [], await this.checkNames(pack));
      const activity = (await this.options.progress?.activity?.(id)) ?? { lastOpened: null, timeSpentMs: 0 };
      out.push({ packId: id, checksPassed: checks.passed, checksTotal: checks.total, ...activity });
    }
    return out;
  }

  async exportSubmission(packId: string, attendee: string): Promise<SubmissionFile> {
    const name = attendee.trim();
    if (!name) throw new PackError('E_PACK_MANIFEST', 'A hand-in needs your name, so your instructor can tell whose work it is');
    const pack = await this.find(packId);
    const { results: recorded, total, passed } = tally((await this.options.progress?.checks(packId)) ?? [], await this.checkNames(pack));
    const notebooks = new Map<string, Uint8Array>();
    for (const nb of pack.manifest.notebooks) {
      // the attendee's executed copy where there is one, else the notebook as the pack ships it
      const copy = this.options.notebooksDir ? join(this.options.notebooksDir, pack.manifest.id, ...nb.split('/')) : null;
      notebooks.set(nb, (copy ? await readFile(copy).catch(() => null) : null) ?? (await readFile(join(pack.dir, ...nb.split('/')))));
    }
    const bytes = writeSubmission(
      {
        pack: { id: pack.manifest.id, version: pack.manifest.version, title: pack.manifest.title, manifestSha256: pack.manifestSha256 },
        attendee: name,
        createdAt: new Date().toISOString(),
        checks: recorded.map((c) => ({ checkId: c.checkId, status: c.status })),
        checksPassed: passed,
        checksTotal: total,
        reproducibility: { ...baseEnvironment(this.options.appVersion), ...(await this.options.environment?.(pack.manifest.id)) },
      },
      notebooks,
    );
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'attendee';
    const fileName = `${pack.manifest.id}-${slug}-${stamp}${SUBMISSION_EXTENSION}`;
    const dir = this.options.submissionsDir ?? join(this.options.packsDir, '..', 'submissions');
    await mkdir(dir, { recursive: true });
    const path = join(dir, fileName);
    await writeFileAtomic(path, bytes);
    return { fileName, path, base64: bytes.toString('base64'), checksPassed: passed, checksTotal: total };
  }

  /** The lab's checks as its shipped notebooks write them (check-cells.ts), by name where the source gives it. */
  private async checkNames(pack: LoadedPack): Promise<(string | null)[]> {
    const all: (string | null)[] = [];
    for (const nb of pack.manifest.notebooks) {
      const path = join(pack.dir, ...nb.split('/'));
      const mtimeMs = await stat(path).then(
        (s) => s.mtimeMs,
        () => -1,
      );
      const cached = this.checkCellCache.get(path);
      if (cached && cached.mtimeMs === mtimeMs) {
        all.push(...cached.names);
        continue;
      }
      const names = mtimeMs < 0 ? [] : notebookChecks(await readFile(path, 'utf8'));
      this.checkCellCache.set(path, { mtimeMs, names });
      all.push(...names);
    }
    return all;
  }

  async readHandIns(folder: string): Promise<HandInResults> {
    const dir = resolve(folder.trim());
    const isDir = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new PackError('E_PACK_MANIFEST', `Cannot read hand-ins from ${JSON.stringify(dir)}: there is no folder there. Give the folder that holds the attendees' .labsub files.`);
    const table = await readResultsFolder(dir, this.limits);
    return { ...table, folder: dir, csv: resultsToCsv(table) };
  }

  /**
   * Copies the pack's data files that are missing from the attendee's folder (notebooks/<id>/),
   * where its notebooks' kernels run, so that cells read them by the paths the manifest lists.
   */
  async prepareFiles(packId: string): Promise<string[]> {
    if (!this.options.notebooksDir) return [];
    const pack = await this.find(packId);
    return copyPackFiles(pack.dir, pack.manifest, this.options.notebooksDir);
  }

  /**
   * Whether cells of this pack may run. The seam for the kernel and notebook services: a
   * notebook under a restricted pack is read-only until the user trusts the pack.
   */
  async isTrusted(packId: string): Promise<boolean> {
    return (await this.trustInfo(packId)).trusted;
  }

  /** Loads one pack folder for the library; throws (with a message naming the file) if it is broken. */
  async loadForLibrary(dir: string, source: PackSummary['source']): Promise<PackSummary> {
    await this.options.ready;
    const pack = await this.load(dir, source);
    const info = this.infoOf(pack);
    const m = pack.manifest;
    return {
      id: m.id,
      version: m.version,
      title: m.title,
      summary: m.summary,
      topics: m.topics,
      estimatedMinutes: m.estimatedMinutes,
      author: m.author,
      notebooks: m.notebooks,
      source,
      trusted: info.trusted,
    };
  }

  private async importSource(source: PackSource): Promise<PackImportResult> {
    await this.options.ready;
    // Everything is verified (and held in memory, within the limits) before the first write.
    const pack = await verifyPack(source, { keepData: true, limits: this.limits });
    this.checkAppVersion(pack, source.origin);
    const installed = await installPack(pack, this.options.packsDir);
    if (installed.status === 'updated' && installed.previousManifest && this.options.notebooksDir) {
      installed.kept.push(...(await reconcileNotebookCopies(this.options.notebooksDir, installed.previousManifest, pack.manifest)));
    }
    const datasets = installed.status === 'unchanged' ? [] : ((await this.options.importDatasets?.(installed.dir, pack.manifest, installed.previousManifest)) ?? []);
    const reason = this.options.trust.reason(pack.manifest.id, pack.signer, pack.manifestSha256);
    const result: PackImportResult = {
      id: pack.manifest.id,
      version: pack.manifest.version,
      title: pack.manifest.title,
      status: installed.status,
      previousVersion: installed.previousVersion,
      trusted: reason === 'trusted-key' || reason === 'trusted-by-user',
      trustReason: reason,
      signerKeyId: pack.signer?.keyId ?? null,
      kept: installed.kept,
      datasets,
    };
    this.options.onDidImport?.(result);
    this.options.onDidChange?.();
    return result;
  }

  private checkAppVersion(pack: VerifiedPack, origin: string): void {
    if (!satisfies(this.options.appVersion, pack.manifest.app)) {
      throw new PackError('E_PACK_VERSION', `${origin}: "${pack.manifest.title}" needs mlsys-lab ${pack.manifest.app}, and this is ${this.options.appVersion}; update mlsys-lab to open it`);
    }
  }

  private upload(uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new PackError('E_PACK_CORRUPT', `No import in progress with id ${JSON.stringify(uploadId)} (it finished, failed or was cancelled)`);
    return upload;
  }

  private infoOf(pack: LoadedPack): PackTrustInfo {
    const reason = pack.source === 'builtin' ? 'builtin' : this.options.trust.reason(pack.manifest.id, pack.signer, pack.manifestSha256);
    return {
      id: pack.manifest.id,
      title: pack.manifest.title,
      trusted: reason === 'builtin' || reason === 'trusted-key' || reason === 'trusted-by-user',
      reason,
      signerKeyId: pack.signer?.keyId ?? null,
      signerPublicKey: pack.signer?.publicKey ?? null,
    };
  }

  /**
   * Built-in labs are verified in full (every hash), like an import. Imported packs were verified
   * when imported, and the attendee edits their notebooks in place, so here only the manifest and
   * its signature are checked.
   */
  private async load(dir: string, source: PackSummary['source']): Promise<LoadedPack> {
    if (source === 'builtin') {
      const { mtimeMs } = await stat(join(dir, MANIFEST_FILE));
      const cached = this.builtinCache.get(dir);
      if (cached && cached.mtimeMs === mtimeMs) return cached.loaded;
      const pack = await verifyPack(await readPackFolder(dir, this.limits), { limits: this.limits });
      this.checkAppVersion(pack, dir);
      const loaded = { dir, source, manifest: pack.manifest, signer: pack.signer, manifestSha256: pack.manifestSha256 };
      this.builtinCache.set(dir, { mtimeMs, loaded });
      return loaded;
    }
    const manifestPath = join(dir, MANIFEST_FILE);
    const bytes = await readFile(manifestPath);
    const manifest = parseManifest(bytes.toString('utf8'), manifestPath);
    const sig = await readFile(join(dir, SIGNATURE_FILE), 'utf8').catch(() => null);
    const signer = sig === null ? null : verifyManifestSignature(bytes, sig, join(dir, SIGNATURE_FILE));
    return { dir, source, manifest, signer, manifestSha256: sha256Hex(bytes) };
  }

  /** Every pack that loads, imported ones first (an imported pack may shadow a built-in one of the same id). */
  private async allPacks(): Promise<LoadedPack[]> {
    await this.options.ready;
    const out: LoadedPack[] = [];
    const seen = new Set<string>();
    for (const [root, source] of [
      [this.options.packsDir, 'imported'],
      [this.options.labsDir, 'builtin'],
    ] as const) {
      const names = await readdir(root, { withFileTypes: true }).catch(() => []);
      for (const e of names) {
        if (!e.isDirectory() || e.name.startsWith('.')) continue;
        const pack = await this.load(join(root, e.name), source).catch(() => null);
        if (pack && !seen.has(pack.manifest.id)) {
          seen.add(pack.manifest.id);
          out.push(pack);
        }
      }
    }
    return out;
  }

  private async find(packId: string): Promise<LoadedPack> {
    await this.options.ready;
    const imported = join(this.options.packsDir, packId);
    if (/^[a-z0-9][a-z0-9-]{0,63}$/.test(packId)) {
      const ok = await stat(join(imported, MANIFEST_FILE)).then(
        () => true,
        () => false,
      );
      if (ok) return this.load(imported, 'imported');
    }
    for (const name of await readdir(this.options.labsDir).catch(() => [] as string[])) {
      const dir = join(this.options.labsDir, name);
      const text = await readFile(join(dir, MANIFEST_FILE), 'utf8').catch(() => null);
      if (text !== null && manifestIdOf(text) === packId) return this.load(dir, 'builtin');
    }
    throw new PackError('E_PACK_MANIFEST', `No pack with id ${JSON.stringify(packId)} is installed`);
  }
}

type Recorded = { checkId: string; status: 'passed' | 'failed' };

/**
 * A lab's checks passed of total. When the notebooks name every check in their source, only
 * results of those checks count (a check renamed or dropped by a newer version of the pack no
 * longer does); otherwise every recorded result counts, and the total is never below them.
 */
function tally(recorded: Recorded[], names: (string | null)[]): { results: Recorded[]; passed: number; total: number } {
  const known = names.every((n) => n !== null) ? new Set(names) : null;
  const results = known ? recorded.filter((c) => known.has(c.checkId)) : recorded;
  const passed = results.filter((c) => c.status === 'passed').length;
  return { results, passed, total: known ? names.length : Math.max(names.length, results.length) };
}

function manifestIdOf(text: string): unknown {
  try {
    return (JSON.parse(text) as { id?: unknown }).id;
  } catch {
    return undefined;
  }
}
