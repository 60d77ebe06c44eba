/**
 * Builders for the packs tests: real pack folders on disk, and hand-made zip archives that can
 * lie in every field a hostile archive can (names, Unix modes, declared sizes, offsets), written
 * here independently of main/packs/zip-write.ts so that the reader is not tested against itself.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { vi } from 'vitest';

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

export function tempDir(prefix = 'mlsys-lab-packs-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function notebook(title: string, code = '1 + 1', checks = 0): string {
  const checkCells = Array.from({ length: checks }, (_, i) => ({
    cell_type: 'code',
    id: `check-${i}`,
    metadata: { tags: ['check'] },
    execution_count: null,
    outputs: [],
    source: [`lab.check('check ${i}', true, '')`],
  }));
  return `${JSON.stringify(
    {
      cells: [
        { cell_type: 'markdown', id: 'intro', metadata: {}, source: [`# ${title}`] },
        { cell_type: 'code', id: 'work', metadata: {}, execution_count: null, outputs: [], source: [code] },
        ...checkCells,
      ],
      metadata: { kernelspec: { display_name: 'TypeScript (mlsys-lab)', language: 'typescript', name: 'mlsys-lab-typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  )}\n`;
}

/** A notebook of code cells given as [source, tags]; a cell tagged `check` is one of the lab's check cells. */
export function notebookOf(cells: [string, string[]?][]): string {
  return `${JSON.stringify({
    cells: cells.map(([source, tags], i) => ({ cell_type: 'code', id: `cell-${i}`, metadata: tags ? { tags } : {}, execution_count: null, outputs: [], source: [source] })),
    metadata: { kernelspec: { display_name: 'TypeScript (mlsys-lab)', language: 'typescript', name: 'mlsys-lab-typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  })}\n`;
}

export interface PackSpec {
  id?: string;
  version?: string;
  title?: string;
  /** path -> content; defaults to one notebook and one CSV dataset */
  files?: Record<string, string | Uint8Array>;
  manifest?: Record<string, unknown>;
}

/** The manifest object for `files`, with correct hashes unless overridden. */
export function manifestFor(spec: PackSpec = {}): { manifest: Record<string, unknown>; files: Record<string, string | Uint8Array> } {
  const id = spec.id ?? 'demo-lab';
  const files = spec.files ?? { [`${id}.ipynb`]: notebook(spec.title ?? 'Demo lab'), 'data/points.csv': 'x,y\n1,2\n3,4\n' };
  const notebooks = Object.keys(files).filter((p) => p.endsWith('.ipynb'));
  const manifest = {
    schemaVersion: 1,
    id,
    version: spec.version ?? '1.0.0',
    title: spec.title ?? 'Demo lab',
    summary: 'A lab for the tests.',
    topics: ['testing'],
    estimatedMinutes: 10,
    author: 'Test Author',
    licence: 'CC-BY-4.0',
    notebooks,
    // rows as the file has them: the lines under the header
    datasets: files['data/points.csv'] ? [{ path: 'data/points.csv', format: 'csv', rows: Buffer.from(files['data/points.csv']).toString().split('\n').filter((l) => l.trim()).length - 1 }] : [],
    app: '>=0.1.0',
    files: Object.fromEntries(Object.entries(files).map(([p, c]) => [p, sha256(c)])),
    ...spec.manifest,
  };
  return { manifest, files };
}

/** Writes a pack folder and returns its path. */
export function writePackFolder(dir: string, spec: PackSpec = {}): string {
  const { manifest, files } = manifestFor(spec);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  writeFileSync(join(dir, 'labpack.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

export interface RawEntry {
  name: string;
  data?: string | Uint8Array;
  /** 0 store, 8 deflate (default) */
  method?: number;
  /** Unix mode in the upper 16 bits of the external attributes (default 0o100644) */
  mode?: number;
  /** Lie about the uncompressed size in both headers */
  declaredSize?: number;
  crc?: number;
  /** Raw compressed bytes to use instead of compressing `data` */
  body?: Uint8Array;
  utf8?: boolean;
  /** Claim more compressed bytes in the central record than were written (runs into the next entry) */
  centralCompressedSize?: number;
}

/** A zip as a hostile tool might write it. */
export function rawZip(entries: RawEntry[], options: { truncate?: number } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    const method = e.method ?? 8;
    const body = Buffer.from(e.body ?? (method === 8 ? deflateRawSync(data) : data));
    const name = Buffer.from(e.name, 'utf8');
    const size = e.declaredSize ?? data.length;
    const crc = e.crc ?? crc32(data);
    const flags = e.utf8 === false ? 0 : 0x0800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const localOffset = offset;
    locals.push(local, name, body);
    offset += 30 + name.length + body.length;
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE((3 << 8) | 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(flags, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt16LE(0x21, 14);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(e.centralCompressedSize ?? body.length, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    c.writeUInt32LE(localOffset, 42);
    centrals.push(c, name);
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  const zip = Buffer.concat([...locals, cd, end]);
  return options.truncate ? zip.subarray(0, options.truncate) : zip;
}

/** A zip of a valid pack plus/minus whatever the test changes. */
export function packZip(spec: PackSpec = {}, tweak: (entries: RawEntry[]) => RawEntry[] = (e) => e): Buffer {
  const { manifest, files } = manifestFor(spec);
  const entries: RawEntry[] = [{ name: 'labpack.json', data: JSON.stringify(manifest, null, 2) }, ...Object.entries(files).map(([name, data]) => ({ name, data }))];
  return rawZip(tweak(entries));
}

/** Collects what a CLI command prints (console.log and console.error) into `out`; vi.restoreAllMocks() undoes it. */
export function captureConsole(out: string[]): void {
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
}
