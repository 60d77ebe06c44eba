/**
 * `npm run bench -- labpack`: import speed of a 50 MB pack, hash verification included, through
 * the same path the app takes (read the .labpack, check every entry and limit, inflate, SHA-256,
 * write to staging, rename into place). Also the deterministic build, for comparison.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildLabpack, refreshManifest } from '../../main/packs/author';
import { countDatasetRows } from '../../main/packs/dataset-rows';
import { readPackFolder } from '../../main/packs/folder-source';
import { DEFAULT_LIMITS } from '../../main/packs/limits';
import { openPackSource } from '../../main/packs/pack-source';
import { createPacksService } from '../../main/packs/register';
import { verifyPack } from '../../main/packs/verify-pack';
import { report } from './report';

const MB = 1e6;
const root = mkdtempSync(join(tmpdir(), 'mlsys-lab-bench-labpack-'));
try {
  // 50 MB like a real lab: a CSV of float features (compresses ~2x), raw weights (incompressible), notebooks
  const dir = join(root, 'big-lab');
  mkdirSync(join(dir, 'data'), { recursive: true });
  // written in a function so that its 400,000 row strings are garbage before anything is timed
  const dataRows = ((): number => {
    const lines: string[] = [];
    while ((lines.length + 1) * 75 < 30.2 * MB) lines.push(Array.from({ length: 8 }, () => Math.random().toFixed(6)).join(',') + `,${lines.length % 10}`);
    writeFileSync(join(dir, 'data', 'features.csv'), 'a,b,c,d,e,f,g,h,label\n' + lines.join('\n'));
    return lines.length;
  })();
  writeFileSync(join(dir, 'data', 'weights.bin'), randomBytes(20 * MB - 200_000));
  for (let i = 0; i < 4; i++) writeFileSync(join(dir, `part-${i}.ipynb`), JSON.stringify({ cells: [{ cell_type: 'code', id: 'c', metadata: {}, source: ['x'.repeat(50_000)], outputs: [], execution_count: null }], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  writeFileSync(
    join(dir, 'labpack.json'),
    JSON.stringify({ schemaVersion: 1, id: 'big-lab', version: '1.0.0', title: 'Big', summary: 'Bench', topics: ['bench'], estimatedMinutes: 60, author: 'bench', licence: 'MIT', notebooks: ['part-0.ipynb'], datasets: [{ path: 'data/features.csv', format: 'csv', rows: dataRows }], app: '*', files: {} }),
  );
  await refreshManifest(dir);
  const contentBytes = (await readPackFolder(dir, DEFAULT_LIMITS)).files.reduce((n, f) => n + f.size, 0);

  const buildTimes: number[] = [];
  let bytes: Buffer = Buffer.alloc(0);
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    bytes = (await buildLabpack(await readPackFolder(dir, DEFAULT_LIMITS))).bytes;
    buildTimes.push(performance.now() - t0);
  }
  const file = join(root, 'big.labpack');
  writeFileSync(file, bytes);

  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const ws = join(root, `ws-${i}`);
    const packs = createPacksService({ workspaceDir: ws, labsDir: join(root, 'none') });
    const t0 = performance.now();
    await packs.import(file);
    times.push(performance.now() - t0);
    rmSync(ws, { recursive: true, force: true });
  }
  // a peer in the same run, as the machine's load moves both alike: the least any import must do
  // (read the archive, hash every file, write every file), without inflating or checking anything
  const contents = (await readPackFolder(dir, DEFAULT_LIMITS)).files;
  const data = await Promise.all(contents.map(async (f) => ({ path: f.path, bytes: await f.read() })));
  const floor: number[] = [];
  for (let i = 0; i < 5; i++) {
    const out = join(root, `floor-${i}`);
    const t0 = performance.now();
    readFileSync(file);
    for (const f of data) {
      createHash('sha256').update(f.bytes).digest('hex');
      mkdirSync(dirname(join(out, f.path)), { recursive: true });
      writeFileSync(join(out, f.path), f.bytes);
    }
    floor.push(performance.now() - t0);
    rmSync(out, { recursive: true, force: true });
  }
  // the verification alone (read, inflate, CRC-32, SHA-256, manifest), to show where import time goes
  const verify: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await verifyPack(await openPackSource(file), { keepData: true });
    verify.push(performance.now() - t0);
  }
  // the manifest's rows, counted during verification: against SHA-256 of the same bytes, which every import does anyway
  const csvBytes = readFileSync(join(dir, 'data', 'features.csv'));
  const csvGz = gzipSync(csvBytes, { level: 6 });
  const rowsOf = (data: Buffer) => countDatasetRows({ path: 'data/features.csv', format: 'csv', rows: dataRows }, data, { paths: [], where: 'features.csv', maxBytes: DEFAULT_LIMITS.maxTotalBytes });
  const rowsMs: number[] = [];
  const gzRowsMs: number[] = [];
  const hashMs: number[] = [];
  let counted = 0;
  for (let i = 0; i < 5; i++) {
    let t0 = performance.now();
    counted = await rowsOf(csvBytes);
    rowsMs.push(performance.now() - t0);
    t0 = performance.now();
    await rowsOf(csvGz);
    gzRowsMs.push(performance.now() - t0);
    t0 = performance.now();
    createHash('sha256').update(csvBytes).digest('hex');
    hashMs.push(performance.now() - t0);
  }
  if (counted !== dataRows) throw new Error(`rows counted ${counted}, expected ${dataRows}`);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const csvMb = csvBytes.length / MB;
  report('labpack.rows.mb_per_s', csvMb / (med(rowsMs) / 1000), 'MB/s', {
    what: "counting a CSV dataset's rows (30 MB, plain) for the manifest check; csv.gz and SHA-256 of the same bytes beside it",
    rows: counted,
    rows_ms: +med(rowsMs).toFixed(1),
    gz_rows_ms: +med(gzRowsMs).toFixed(1),
    gz_mb_per_s: +(csvMb / (med(gzRowsMs) / 1000)).toFixed(1),
    sha256_ms: +med(hashMs).toFixed(1),
  });
  const floorMedian = [...floor].sort((a, b) => a - b)[Math.floor(floor.length / 2)];
  const best = Math.min(...times);
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const extra = { content_mb: +(contentBytes / MB).toFixed(1), archive_mb: +(statSync(file).size / MB).toFixed(1), runs: times.length };
  report('labpack.import.mb_per_s', contentBytes / MB / (median / 1000), 'MB/s', { ...extra, best_mb_per_s: +(contentBytes / MB / (best / 1000)).toFixed(1) });
  report('labpack.import.floor_ratio', median / floorMedian, 'x', { floor_mb_per_s: +(contentBytes / MB / (floorMedian / 1000)).toFixed(1), what: 'import time / (read + SHA-256 + write of the same files)', import_ms: Math.round(median), verify_ms: Math.round([...verify].sort((a, b) => a - b)[1]), floor_ms: Math.round(floorMedian) });
  report('labpack.build.mb_per_s', contentBytes / MB / (Math.min(...buildTimes) / 1000), 'MB/s', extra);
} finally {
  rmSync(root, { recursive: true, force: true });
}
