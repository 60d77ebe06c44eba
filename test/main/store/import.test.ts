import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../main/store/store';
import { importDataset } from '../../../main/store/import/importer';
import { exportDataset } from '../../../main/store/export';
import { decodeFeatures } from '../../../main/store/features';

const DATA = '/work/shared/data';
let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-import-'));
  store = Store.open(join(dir, 'lab.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function features(datasetId: number): (number | null)[][] {
  return (store.db.prepare('SELECT features FROM samples WHERE dataset_id = ? ORDER BY position').all(datasetId) as { features: Buffer }[]).map((r) =>
    Array.from(decodeFeatures(r.features)!, (v) => (Number.isNaN(v) ? null : v)),
  );
}

describe('importing CSV and TSV', () => {
  it('detects the header and column types, keeps missing values missing and reports rejected rows with the line', async () => {
    const file = join(dir, 'cars.csv');
    writeFileSync(
      file,
      'name,mpg,cylinders,origin\n' +
        '"chevrolet ""chevelle"", malibu",18,8,USA\n' +
        'buick skylark,,8,USA\n' + // missing mpg stays missing
        'plymouth,NA,8,\n' +
        '"a name\nwith a newline",15,6,Japan\n' +
        'ford torino,17,8\n' + // too few fields
        'amc rebel,16,8,USA\r\n',
    );
    const report = await importDataset(store, { path: file });
    expect(report.imported).toBe(5);
    expect(report.rejectedCount).toBe(1);
    expect(report.rejected).toEqual([{ at: 'line 7', reason: 'line 7 has 3 field(s), the header has 4' }]);
    const d = report.dataset;
    expect(d.name).toBe('cars');
    expect(d.columns).toEqual([
      { name: 'name', type: 'string', role: 'raw', missing: 0 },
      { name: 'mpg', type: 'number', role: 'feature', missing: 2 },
      { name: 'cylinders', type: 'number', role: 'feature', missing: 0 },
      { name: 'origin', type: 'string', role: 'raw', missing: 1 },
    ]);
    expect(features(d.id)).toEqual([
      [18, 8],
      [null, 8],
      [null, 8],
      [15, 6],
      [16, 8],
    ]);
    const raw = (store.db.prepare('SELECT raw FROM samples WHERE dataset_id = ? ORDER BY position').all(d.id) as { raw: string }[]).map((r) => JSON.parse(r.raw));
    expect(raw[0]).toEqual({ name: 'chevrolet "chevelle", malibu', origin: 'USA' });
    expect(raw[2]).toEqual({ name: 'plymouth', origin: null });
  });

  it('rejects a later row whose cell breaks the type the first rows showed', async () => {
    const file = join(dir, 'late.csv');
    writeFileSync(file, 'a,b\n' + Array.from({ length: 1500 }, (_, i) => `${i},${i === 1200 ? 'six' : i}`).join('\n'));
    const report = await importDataset(store, { path: file });
    expect([report.imported, report.rejectedCount]).toEqual([1499, 1]);
    expect(report.rejected).toEqual([{ at: 'line 1202', reason: 'line 1202: column "b" is "six", not a number (the first rows had only numbers there)' }]);
  });

  it('imports the real iris and wine files (scikit-learn CSVs: a line of counts and class names over the rows)', async () => {
    const wine = await importDataset(store, { path: join(DATA, 'sklearn/wine_data.csv') });
    expect([wine.imported, wine.rejectedCount, wine.dataset.featureCount]).toEqual([178, 0, 13]);
    expect(wine.dataset.classes).toEqual({ '0': 'class_0', '1': 'class_1', '2': 'class_2' });
    expect(wine.dataset.columns.at(-1)).toEqual({ name: 'target', type: 'number', role: 'label', missing: 0 });
    const report = await importDataset(store, { path: join(DATA, 'sklearn/iris.csv') });
    expect(report.dataset.classes).toEqual({ '0': 'setosa', '1': 'versicolor', '2': 'virginica' });
    expect(report.imported).toBe(150);
    expect(report.rejectedCount).toBe(0);
    expect(report.dataset.featureCount).toBe(4);
    expect(report.dataset.labeledCount).toBe(150);
    expect(store.labels.distribution(report.dataset.id)).toEqual([
      { value: '0', count: 50 },
      { value: '1', count: 50 },
      { value: '2', count: 50 },
    ]);
    expect(features(report.dataset.id)[0].map((v) => Number(v!.toFixed(4)))).toEqual([5.1, 3.5, 1.4, 0.2]);
  });

  it('imports a gzipped CSV without a header (digits) and a TSV', async () => {
    const digits = await importDataset(store, { path: join(DATA, 'sklearn/digits.csv.gz'), labelColumn: -1 });
    expect([digits.imported, digits.dataset.featureCount, digits.dataset.columns[0].name]).toEqual([1797, 64, 'column 1']);
    expect(store.labels.distribution(digits.dataset.id)).toHaveLength(10);
    const tsv = join(dir, 'x.tsv');
    writeFileSync(tsv, 'a\tb\tlabel\n1\t2\tyes\n3\t\tno\n');
    const r = await importDataset(store, { path: tsv });
    expect(features(r.dataset.id)).toEqual([
      [1, 2],
      [3, null],
    ]);
    expect(r.dataset.format).toBe('tsv');
  });

  it('reads records split across stream chunks, with quotes across the boundary', async () => {
    const rows = Array.from({ length: 30000 }, (_, i) => `${i},"text, ""quoted"" ${i}",${i % 3}`);
    const file = join(dir, 'big.csv');
    writeFileSync(file, 'x,note,class\n' + rows.join('\n'));
    const r = await importDataset(store, { path: file });
    expect([r.imported, r.rejectedCount]).toEqual([30000, 0]);
    const last = store.db.prepare('SELECT raw, features FROM samples WHERE dataset_id = ? AND position = 29999').get(r.dataset.id) as { raw: string; features: Buffer };
    expect(JSON.parse(last.raw)).toEqual({ note: 'text, "quoted" 29999' });
    expect(Array.from(decodeFeatures(last.features)!)).toEqual([29999]);
  });
});

describe('importing JSON and JSONL', () => {
  it('imports penguins.json with its nulls kept missing and Species as the label', async () => {
    const r = await importDataset(store, { path: join(DATA, 'vega/penguins.json') });
    expect(r.imported).toBe(344);
    const cols = Object.fromEntries(r.dataset.columns.map((c) => [c.name, c]));
    expect(cols['Species'].role).toBe('label');
    expect(cols['Beak Length (mm)']).toEqual({ name: 'Beak Length (mm)', type: 'number', role: 'feature', missing: 2 });
    expect(cols['Sex'].missing).toBeGreaterThan(0);
    const dist = store.labels.distribution(r.dataset.id);
    expect(dist.map((d) => d.value).sort()).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    const nan = features(r.dataset.id).filter((f) => f.includes(null));
    expect(nan.length).toBe(2);
  });

  it('imports JSONL, rejecting bad lines with the reason, and recognises a text dataset', async () => {
    const file = join(dir, 'reviews.jsonl');
    writeFileSync(file, ['{"text":"great","stars":5,"label":"pos"}', '{"text":"awful","stars":1,"label":"neg"}', '{oops', '', '[1,2]', '{"text":"meh","stars":null}'].join('\n'));
    const r = await importDataset(store, { path: file });
    expect(r.dataset.kind).toBe('text');
    expect(r.imported).toBe(3);
    expect(r.rejected).toEqual([
      { at: 'line 3', reason: expect.stringMatching(/^line 3 is not valid JSON/) },
      { at: 'line 5', reason: 'line 5 is not a JSON object' },
    ]);
    expect(features(r.dataset.id)).toEqual([[5], [1], [null]]);
  });
});

describe('importing images', () => {
  it('imports Fashion-MNIST IDX (gzip) with its labels file and class names', async () => {
    const r = await importDataset(store, { path: join(DATA, 'fashion-mnist/t10k-images-idx3-ubyte.gz'), limit: 2000 });
    expect(r.imported).toBe(2000);
    expect(r.dataset.shape).toEqual([28, 28, 1]);
    expect(r.dataset.featureCount).toBe(784);
    expect(r.dataset.classes?.['9']).toBe('Ankle boot');
    const f = features(r.dataset.id)[0];
    expect(f).toHaveLength(784);
    expect(Math.max(...(f as number[]))).toBeLessThanOrEqual(255);
    expect(store.labels.distribution(r.dataset.id)).toHaveLength(10);
  });

  it('refuses a truncated IDX file with the sizes', async () => {
    const file = join(dir, 'bad-images-idx3-ubyte');
    const head = Buffer.alloc(16 + 100);
    head.writeUInt32BE(0x803, 0);
    head.writeUInt32BE(10, 4);
    head.writeUInt32BE(28, 8);
    head.writeUInt32BE(28, 12);
    writeFileSync(file, gzipSync(head));
    await expect(importDataset(store, { path: file })).rejects.toThrow(/is truncated \(100 bytes of data, its header promises 10 x 28 x 28 = 7840\)/);
    expect(store.datasets.list()).toEqual([]);
  });

  it('imports a folder of PNG and JPEG files labelled by folder, rejecting an odd size and a broken file', async () => {
    const root = join(dir, 'pets');
    const png = (w: number, hgt: number, v: number) => {
      const p = new PNG({ width: w, height: hgt });
      for (let i = 0; i < w * hgt; i++) p.data.set([v, v, v, 255], i * 4);
      return PNG.sync.write(p);
    };
    mkdirSync(join(root, 'cat'), { recursive: true });
    mkdirSync(join(root, 'dog'), { recursive: true });
    writeFileSync(join(root, 'cat', 'a.png'), png(4, 3, 10));
    writeFileSync(join(root, 'cat', 'b.png'), png(4, 3, 200));
    writeFileSync(join(root, 'dog', 'big.png'), png(8, 8, 1));
    writeFileSync(join(root, 'dog', 'broken.png'), 'not a png');
    const data = Buffer.alloc(4 * 3 * 4, 128);
    writeFileSync(join(root, 'dog', 'c.jpg'), jpeg.encode({ data, width: 4, height: 3 }, 90).data);
    const r = await importDataset(store, { path: root });
    expect(r.dataset.format).toBe('images');
    expect(r.dataset.shape).toEqual([3, 4, 1]);
    expect(r.imported).toBe(3);
    expect(r.rejected.map((x) => x.at).sort()).toEqual(['dog/big.png', 'dog/broken.png']);
    expect(r.rejected.find((x) => x.at === 'dog/big.png')!.reason).toBe('dog/big.png is 8x8 pixels, the first image was 4x3');
    expect(store.labels.distribution(r.dataset.id)).toEqual([
      { value: 'cat', count: 2 },
      { value: 'dog', count: 1 },
    ]);
    const types = store.db.prepare('SELECT raw_type FROM samples ORDER BY position').all();
    expect(types).toEqual([{ raw_type: 'image/png' }, { raw_type: 'image/png' }, { raw_type: 'image/jpeg' }]);
  });
});

describe('cancelling and failing imports', () => {
  it('a cancelled import leaves nothing behind, and a label written meanwhile on another dataset stays', async () => {
    const other = await importDataset(store, { path: join(DATA, 'sklearn/iris.csv'), labelColumn: -1 });
    const sampleId = (store.db.prepare('SELECT id FROM samples WHERE dataset_id = ? LIMIT 1').get(other.dataset.id) as { id: number }).id;
    const file = join(dir, 'big.csv');
    writeFileSync(file, 'a,b\n' + Array.from({ length: 60000 }, (_, i) => `${i},${i * 2}`).join('\n'));
    const ac = new AbortController();
    const phases: string[] = [];
    let batches = 0;
    const run = importDataset(store, { path: file }, {
      signal: ac.signal,
      onProgress: (p) => {
        phases.push(p.phase);
        if (p.phase === 'importing' && ++batches === 2) {
          store.labels.append({ sampleId, value: 'meanwhile', annotator: 'ada' });
          ac.abort();
        }
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(phases.at(-1)).toBe('cancelled');
    expect(store.datasets.list().map((d) => d.name)).toEqual(['iris']);
    expect(store.db.prepare('SELECT count(*) AS n FROM samples').get()).toEqual({ n: 150 });
    expect(store.labels.latest(sampleId)?.value).toBe('meanwhile');
  });

  it('a file with no importable rows is an error that names the first rejection', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"a":1}\n[1]\n');
    writeFileSync(file, '"just a string"\n');
    await expect(importDataset(store, { path: file })).rejects.toThrow(/none of its first 1 lines is a JSON object/);
    await expect(importDataset(store, { path: join(dir, 'nope.csv') })).rejects.toThrow(/there is no such file or folder/);
    expect(store.datasets.list()).toEqual([]);
  });
});

describe('exporting', () => {
  it('writes CSV and JSONL with each sample, its latest label and that label\'s provenance', async () => {
    const r = await importDataset(store, { path: join(DATA, 'vega/penguins.json') });
    const first = (store.db.prepare('SELECT id FROM samples WHERE dataset_id = ? ORDER BY position LIMIT 1').get(r.dataset.id) as { id: number }).id;
    store.labels.append({ sampleId: first, value: 'Gentoo', annotator: 'ada', durationMs: 2500, modelVersion: 'v3' });
    const csv = join(dir, 'out.csv');
    expect(await exportDataset(store, r.dataset.id, { path: csv, format: 'csv' })).toEqual({ path: csv, rows: 344 });
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(345);
    expect(lines[0]).toBe(
      'sample_id,position,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Island,Sex,label,label_source,annotator,queue_id,model_version,duration_ms,labeled_at,label_count',
    );
    expect(lines[1]).toMatch(new RegExp(`^${first},0,39.1,18.7,181,3750,Torgersen,MALE,Gentoo,annotator,ada,,v3,2500,\\d{4}-\\d\\d-\\d\\dT[^,]+,2$`));
    const jsonl = join(dir, 'out.jsonl');
    await exportDataset(store, r.dataset.id, { path: jsonl, format: 'jsonl' });
    const rows = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows[0]).toMatchObject({ label: 'Gentoo', label_source: 'annotator', annotator: 'ada', model_version: 'v3', label_count: 2, Island: 'Torgersen' });
    expect(rows[1]).toMatchObject({ label: 'Adelie', label_source: 'import', annotator: null, label_count: 1 });
    const missing = rows.find((x) => x.features['Beak Length (mm)'] === null);
    expect(missing).toBeDefined();
  });
});
