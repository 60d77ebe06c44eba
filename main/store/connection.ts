import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { projectRoot } from '../paths';
import { LATEST_VERSION, APPLICATION_ID, migrate } from './migrations';
import { StoreError } from './store-errors';

export type Db = Database.Database;

export interface OpenOptions {
  /** Open read-only (a kernel doing bulk reads). The schema must already be current. */
  readonly?: boolean;
  /** How long a statement waits for another connection's lock, in ms. */
  busyTimeoutMs?: number;
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * better-sqlite3 in node_modules is built for the system Node; under Electron the shell uses the
 * copy that scripts/rebuild-electron.js builds for Electron's ABI (see README "Native modules").
 */
function nativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined;
  return join(projectRoot(), 'build', 'electron-native', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}

/**
 * Looks at the file's bytes before SQLite does, so a garbage or truncated file gets a clear
 * message instead of being "repaired" into an empty database. Nothing is written.
 */
function checkFileLooksSound(file: string): void {
  const size = statSync(file).size;
  if (size === 0) return; // SQLite treats an empty file as a new database: nothing to lose
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 16 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new StoreError(
      'E_DB_CORRUPT',
      `${file} is not an SQLite database (its first bytes are ${JSON.stringify(header.toString('latin1', 0, Math.min(read, 16)))}). ` +
        'It was left untouched. Move it away (or restore a backup) and start again to create a fresh one.',
    );
  }
  if (read < 100) throw truncated(file, size, 100);
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  const changeCounter = header.readUInt32BE(24);
  const validFor = header.readUInt32BE(92);
  // the in-header page count is only trustworthy when it was written with the change counter
  if (pages > 0 && validFor === changeCounter && size < pages * pageSize) throw truncated(file, size, pages * pageSize);
  if (size % pageSize !== 0) throw truncated(file, size, Math.ceil(size / pageSize) * pageSize);
}

function truncated(file: string, size: number, expected: number): StoreError {
  return new StoreError(
    'E_DB_CORRUPT',
    `${file} is truncated: it has ${size} bytes but its header says at least ${expected}. ` +
      'It was left untouched. Restore it from a backup, or move it away to start with an empty store.',
  );
}

function corrupt(file: string, err: unknown): StoreError {
  return new StoreError(
    'E_DB_CORRUPT',
    `${file} cannot be read as a database (${(err as Error).message}). It was left untouched. ` +
      'Restore it from a backup, or move it away to start with an empty store.',
    { cause: err },
  );
}

/**
 * Opens (creating if missing) the workspace database: WAL, foreign keys on, a busy timeout,
 * synchronous=FULL, and the schema migrated to the latest version. A database written by a newer
 * mlsys-lab is refused before anything is written to it.
 */
export function openStoreDatabase(file: string, options: OpenOptions = {}): Db {
  const exists = existsSync(file);
  if (exists) {
    checkFileLooksSound(file);
    inspectReadOnly(file);
  } else if (options.readonly) {
    throw new StoreError('E_NOT_FOUND', `No database at ${file} to open read-only.`);
  }
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: exists, timeout: options.busyTimeoutMs ?? 5000, nativeBinding: nativeBinding() });
  } catch (err) {
    throw corrupt(file, err);
  }
  try {
    db.pragma('foreign_keys = ON');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // better-sqlite3 leaves WAL at NORMAL, which can lose the last commits on a power cut; a
      // label is the most expensive thing an annotator makes, so every commit is synced.
      db.pragma('synchronous = FULL');
      migrate(db, file);
    } else if (db.pragma('user_version', { simple: true }) !== LATEST_VERSION) {
      throw new StoreError('E_DB_NEWER', `${file} is at schema version ${String(db.pragma('user_version', { simple: true }))}, not ${LATEST_VERSION}; open it read-write from the app first.`);
    }
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw corrupt(file, err);
  }
  return db;
}

/** Refuses a database that is not ours or is newer than this app, without writing a byte. */
function inspectReadOnly(file: string): void {
  if (statSync(file).size === 0) return;
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: nativeBinding() });
  } catch (err) {
    throw corrupt(file, err);
  }
  try {
    let version: number;
    let appId: number;
    let tables: number;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
      appId = db.pragma('application_id', { simple: true }) as number;
      tables = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;
    } catch (err) {
      throw corrupt(file, err);
    }
    if (appId !== APPLICATION_ID && (appId !== 0 || tables > 0)) {
      throw new StoreError('E_DB_CORRUPT', `${file} is an SQLite database, but not an mlsys-lab store (application_id ${appId}). It was left untouched; move it away to start a fresh store.`);
    }
    if (version > LATEST_VERSION) {
      throw new StoreError(
        'E_DB_NEWER',
        `${file} was made by a newer mlsys-lab (schema version ${version}; this version knows up to ${LATEST_VERSION}). ` +
          'It was not modified. Update mlsys-lab to open it.',
      );
    }
  } finally {
    db.close();
  }
}

/**
 * Runs `fn` (synchronous, so nothing else can commit meanwhile) with synchronous=NORMAL: its
 * commits survive a crash of the process but skip the fsync. For writes whose loss on a power cut
 * is harmless (a lease goes back to the queue; an unfinished import is dropped), never for labels.
 */
export function withoutFsync<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
