import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDatasetRows, RecordCounter } from '../../../main/packs/dataset-rows';
import { DEFAULT_LIMITS } from '../../../main/packs/limits';
import type { PackDataset } from '../../../main/packs/manifest';
import { openPackSource } from '../../../main/packs/pack-source';
import { verifyPack } from '../../../main/packs/verify-pack';
import { DatasetService } from '../../../main/store';
import { notebook, tempDir, writePackFolder } from './fixtures';

const labs = join(__dirname, '..', '..', '..', 'labs');
const count = (format: PackDataset['format'], data: Buffer | string, path = `data/x.${format}`) =>
  countDatasetRows({ path, format, rows: 0 }, Buffer.from(data), { paths: [path], where: path, maxBytes: DEFAULT_LIMITS.maxTotalBytes });

let root: string;
beforeAll(() => void (root = tempDir('mlsys-rows-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a manifest’s dataset rows are compared with the file', () => {
  it('the labs’ real files pass with their true counts (CSV with a header, scikit-learn’s preamble, headerless csv.gz, IDX) and fail with any other', async () => {
    const files = {
      'demo-lab.ipynb': notebook('Rows'),
      'data/iris.csv': readFileSync(join(labs, '01-software-2/data/iris.csv')),
      'data/digits.csv.gz': readFileSync(join(labs, '03-ground-truth/data/digits.csv.gz')),
      'data/seattle-weather.csv': readFileSync(join(labs, '04-skew-drift/data/seattle-weather.csv')),
      'data/t10k-labels-idx1-ubyte.gz': readFileSync('/work/shared/data/fashion-mnist/t10k-labels-idx1-ubyte.gz'),
    };
    const datasets = [
      { path: 'data/iris.csv', format: 'csv', rows: 150 },
      { path: 'data/digits.csv.gz', format: 'csv', rows: 1797 },
      { path: 'data/seattle-weather.csv', format: 'csv', rows: 1461 },
      { path: 'data/t10k-labels-idx1-ubyte.gz', format: 'idx', rows: 10_000 },
    ];
    const ok = writePackFolder(join(root, 'ok'), { files, manifest: { datasets } });
    expect((await verifyPack(await openPackSource(ok))).manifest.datasets.map((d) => d.rows)).toEqual([150, 1797, 1461, 10_000]);

    for (const [i, wrong, counted] of [[0, 151, 150], [1, 1796, 1797], [2, 1460, 1461], [3, 60_000, 10_000]] as const) {
      const bad = writePackFolder(join(root, `bad-${i}`), { files, manifest: { datasets: datasets.map((d, j) => (j === i ? { ...d, rows: wrong } : d)) } });
      const error = await verifyPack(await openPackSource(bad)).then(() => null, (e: Error) => e);
      expect(error?.message).toContain(`Pack "demo-lab": ${datasets[i].path} has ${counted} rows, the manifest says ${wrong}.`);
    }
  });

  it('counts what the store’s importer imports: quoted newlines, CRLF, blank lines, no final newline, headerless, gzip', async () => {
    const texts: Record<string, string | Buffer> = {
      'quoted.csv': 'name,note,value\n"a","one\nline two",1\n"b ""quoted""","x,y",2\n\n"c",,3',
      'crlf.csv': 'a,b\r\n1,2\r\n\r\n3,4\r\n',
      'stray-quote.csv': 'size,label\n5" screen,1\n7" screen,2\n',
      'headerless.csv': '1,2,3\n4,5,6\n7,8,9\n',
      'tabs.tsv': 'a\tb\n1\t"x\ty"\n2\tz\n',
      'gz.csv': gzipSync('x,y\n' + Array.from({ length: 5000 }, (_, i) => `${i},"${i % 7 ? 'plain' : 'multi\nline'}"`).join('\n')),
      'lines.jsonl': '{"a":1}\n\n  \n{"a":2}\r\n{"a":3}',
    };
    const service = new DatasetService({ file: join(root, 'import.db') });
    try {
      mkdirSync(join(root, 'import'));
      for (const [name, text] of Object.entries(texts)) {
        writeFileSync(join(root, 'import', name), text);
        const format = name.endsWith('.tsv') ? 'tsv' : name.endsWith('.jsonl') ? 'jsonl' : 'csv';
        const report = await service.import({ path: join(root, 'import', name), format, name: name.replace(/\W/g, '-') });
        expect(await count(format, text, name), name).toBe(report.imported + report.rejectedCount);
      }
    } finally {
      service.close();
    }
  });

  it('counts the same however the text is cut into chunks', () => {
    const text = Buffer.from('a,b\n1,"x\n""y"""\n\n2,"",\n3,4\r\n5,"q"\n');
    const whole = new RecordCounter({ delimiter: 44 });
    whole.push(text);
    const expected = whole.end();
    expect(expected).toBe(5);
    for (let size = 1; size < text.length; size++) {
      const c = new RecordCounter({ delimiter: 44 });
      for (let at = 0; at < text.length; at += size) c.push(text.subarray(at, at + size));
      expect(c.end(), `chunks of ${size}`).toBe(expected);
    }
  });

  it('counts JSON arrays (or an object holding one) and the images of an image folder', async () => {
    expect(await count('json', '[{"a":1},{"a":2}]')).toBe(2);
    expect(await count('json', gzipSync('{"meta":{},"rows":[{"a":1},{"a":2},{"a":3}]}'))).toBe(3);
    const paths = ['img/cat/1.png', 'img/cat/2.JPG', 'img/dog/3.jpeg', 'img/README.md', 'other/4.png'];
    expect(await countDatasetRows({ path: 'img', format: 'images', rows: 0 }, null, { paths, where: 'img', maxBytes: 1 })).toBe(3);
    await expect(count('json', '{"a": [1], "b": [2]}')).rejects.toThrow('data/x.json is not a JSON array of records');
    await expect(count('idx', Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 1]))).rejects.toThrow('data/x.idx is not an IDX file (magic 504b0304');
  });
});
