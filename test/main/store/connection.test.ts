import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../main/store/store';
import { LATEST_VERSION, migrate } from '../../../main/store/migrations';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function withData(file: string): void {
  const s = Store.open(file);
  const id = s.datasets.begin({ name: 'd', kind: 'table', format: 'csv', source: 'x.csv' });
  s.datasets.appendBatch(id, 0, Array.from({ length: 300 }, (_, i) => ({ features: new Float32Array([i]), rawType: null, raw: null, label: String(i % 3) })));
  s.datasets.finish(id, { columns: [], featureNames: ['x'], shape: null, classes: null });
  s.close();
}

describe('opening the store', () => {
  it('creates a WAL database with foreign keys, synchronous FULL and the latest schema', () => {
    const s = Store.open(join(dir, 'lab.db'));
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(s.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(s.integrityCheck()).toBe('ok');
    s.close();
    s.close(); // twice is harmless
  });

  it('reopens an existing store with its data', () => {
    const file = join(dir, 'lab.db');
    withData(file);
    const s = Store.open(file);
    expect(s.datasets.list().map((d) => [d.name, d.sampleCount, d.labeledCount])).toEqual([['d', 300, 300]]);
    s.close();
  });

  it('refuses a database made by a newer version and leaves its bytes unchanged', () => {
    const file = join(dir, 'lab.db');
    withData(file);
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = readFileSync(file);
    expect(() => Store.open(file)).toThrow(
      new RegExp(`made by a newer mlsys-lab \\(schema version ${LATEST_VERSION + 1}; this version knows up to ${LATEST_VERSION}\\)\\. It was not modified`),
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a garbage file with a clear error and never overwrites it', () => {
    const file = join(dir, 'lab.db');
    writeFileSync(file, 'name,score\nada,3\n'.repeat(200));
    const before = readFileSync(file);
    expect(() => Store.open(file)).toThrow(/is not an SQLite database \(its first bytes are "name,score\\nada,3"\)\. It was left untouched/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a truncated database with a clear error and never overwrites it', () => {
    const file = join(dir, 'lab.db');
    withData(file);
    const raw = new Database(file);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const size = statSync(file).size;
    truncateSync(file, Math.floor(size / 2) + 7);
    const before = readFileSync(file);
    expect(() => Store.open(file)).toThrow(/is truncated: it has \d+ bytes but its header says at least \d+\. It was left untouched/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses an SQLite database that belongs to another program', () => {
    const file = join(dir, 'other.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE notes (body TEXT)');
    raw.close();
    expect(() => Store.open(file)).toThrow(/not an mlsys-lab store/);
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all()).toEqual([{ name: 'notes' }]);
    check.close();
  });

  it('runs each migration in a transaction: a failing step leaves the previous version intact', () => {
    const file = join(dir, 'm.db');
    const db = new Database(file);
    const steps = ['CREATE TABLE a (x)', 'CREATE TABLE b (y); CREATE TABLE a (z)'];
    expect(() => migrate(db, file, steps)).toThrow(/table a already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'b'").all()).toEqual([]);
    db.close();
  });

  it('drops a dataset whose import never finished (a crash mid-import)', () => {
    const file = join(dir, 'lab.db');
    const s = Store.open(file);
    const id = s.datasets.begin({ name: 'half', kind: 'table', format: 'csv', source: 'x.csv' });
    s.datasets.appendBatch(id, 0, [{ features: new Float32Array([1]), rawType: null, raw: null, label: 'a' }]);
    s.close();
    const again = Store.open(file);
    expect(again.db.prepare('SELECT count(*) AS n FROM samples').get()).toEqual({ n: 0 });
    expect(again.db.prepare('SELECT count(*) AS n FROM datasets').get()).toEqual({ n: 0 });
    again.close();
  });
});
