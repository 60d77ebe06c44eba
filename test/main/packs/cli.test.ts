import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openCommand } from '../../../main/cli/commands/open';
import { packCommand } from '../../../main/cli/commands/pack';
import { captureConsole, sha256, tempDir } from './fixtures';

let root: string;
let out: string[];
beforeEach(() => {
  root = tempDir();
  out = [];
  captureConsole(out);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

const pack = (...argv: string[]) => packCommand.run(argv);
const printed = () => out.splice(0).join('\n');

/** `pack init DIR`, then data/iris.csv with `csv` declared as a dataset of `rows` rows. */
async function labWithIris(csv: string, dataset: { rows: number; name?: string }): Promise<string> {
  const dir = join(root, 'lab');
  await pack('init', dir);
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'iris.csv'), csv);
  const manifest = JSON.parse(readFileSync(join(dir, 'labpack.json'), 'utf8'));
  writeFileSync(join(dir, 'labpack.json'), JSON.stringify({ ...manifest, datasets: [{ path: 'data/iris.csv', format: 'csv', ...dataset }] }));
  return dir;
}

describe('npx mlsys-lab pack', () => {
  it('init, validate, build twice to the same hash, keygen, sign, verify', async () => {
    const dir = join(root, 'gpu-lab');
    expect(await pack('init', dir, '--title', 'GPU lab', '--author', 'Ada')).toBe(0);
    expect(printed()).toMatch(/Created pack "gpu-lab"/);
    expect(await pack('validate', dir)).toBe(0);
    expect(printed()).toMatch(/OK gpu-lab 0\.1\.0: 1 files verified, unsigned\./);

    expect(await pack('build', dir, '--out', join(root, 'a.labpack'))).toBe(0);
    expect(await pack('build', dir, '-o', join(root, 'b.labpack'))).toBe(0);
    const [a, b] = ['a', 'b'].map((n) => sha256(readFileSync(join(root, `${n}.labpack`))));
    expect(a).toBe(b);
    expect(printed()).toContain(`sha256 ${a}`);

    expect(await pack('keygen', join(root, 'instructor'))).toBe(0);
    expect(statSync(join(root, 'instructor.key')).mode & 0o777).toBe(0o600);
    await expect(pack('keygen', join(root, 'instructor'))).rejects.toThrow(/EEXIST/);
    expect(await pack('sign', join(root, 'a.labpack'), '--key', join(root, 'instructor.key'))).toBe(0);
    expect(await pack('verify', join(root, 'a.labpack'), '--key', join(root, 'instructor.pub'))).toBe(0);
    expect(printed()).toMatch(/OK gpu-lab 0\.1\.0: signed by key [0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}/);

    expect(await pack('verify', join(root, 'b.labpack'))).toBe(1);
    expect(printed()).toMatch(/b\.labpack is not signed/);
    expect(await pack('keygen', join(root, 'other'))).toBe(0);
    expect(await pack('verify', join(root, 'a.labpack'), '--key', join(root, 'other.pub'))).toBe(1);
    expect(printed()).toMatch(/signed by key .*, not by the key in .*other\.pub/);

    // signing a folder, then building, gives a signed .labpack with the same bytes every time
    expect(await pack('build', dir, '-o', join(root, 's1.labpack'), '--sign', join(root, 'instructor.key'))).toBe(0);
    expect(await pack('build', dir, '-o', join(root, 's2.labpack'))).toBe(0);
    expect(sha256(readFileSync(join(root, 's1.labpack')))).toBe(sha256(readFileSync(join(root, 's2.labpack'))));
  });

  it('validate finds stale hashes and --update refreshes them; build refuses a stale signature', async () => {
    const dir = join(root, 'lab');
    await pack('init', dir);
    await pack('keygen', join(root, 'k'));
    await pack('sign', dir, '--key', join(root, 'k.key'));
    writeFileSync(join(dir, 'lab.ipynb'), '{"cells": []}');
    expect(await pack('validate', dir)).toBe(1);
    expect(printed()).toMatch(/labpack\.json is out of date: lab\.ipynb \(hash differs\)[\s\S]*--update/);
    expect(await pack('validate', dir, '--update')).toBe(1);
    expect(printed()).toMatch(/labpack\.sig no longer matches labpack\.json; sign again/);
    expect(await pack('build', dir, '-o', join(root, 'x.labpack'))).toBe(1);
    expect(printed()).toMatch(/build with --sign KEY to sign again, or delete labpack\.sig/);
    expect(await pack('build', dir, '-o', join(root, 'x.labpack'), '--sign', join(root, 'k.key'))).toBe(0);
  });

  it('refuses bad usage with the usage line', async () => {
    await expect(pack('frobnicate')).rejects.toThrow(/Unknown pack subcommand "frobnicate"/);
    await expect(pack('build')).rejects.toThrow(/Usage: mlsys-lab pack build DIR/);
    await expect(pack('sign', root)).rejects.toThrow(/Usage: mlsys-lab pack sign PACK --key/);
    await expect(pack('validate', root, '--nope')).rejects.toThrow(/Unknown option '--nope'/);
  });

  it('validate and build refuse a dataset whose rows differ from its file, naming both counts; --update leaves rows to the author', async () => {
    const dir = await labWithIris('petal,species\n1.4,setosa\n4.7,versicolor\n5.9,virginica\n', { rows: 2 });
    const message = 'Pack "lab": data/iris.csv has 3 rows, the manifest says 2. Correct datasets[0].rows in labpack.json';
    await expect(pack('validate', dir, '--update')).rejects.toThrow(message);
    await expect(pack('build', dir, '-o', join(root, 'lab.labpack'))).rejects.toThrow(message);
    expect(existsSync(join(root, 'lab.labpack'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'labpack.json'), 'utf8')).datasets[0].rows).toBe(2);
  });

  it('open imports a .labpack into the workspace without starting the app when asked', async () => {
    const dir = await labWithIris('petal,species\n1.4,setosa\n4.7,versicolor\n', { rows: 2, name: 'iris' });
    await pack('build', dir, '-o', join(root, 'lab.labpack'));
    printed();
    expect(await openCommand.run([join(root, 'lab.labpack'), '--workspace', join(root, 'ws'), '--no-start'])).toBe(0);
    expect(printed()).toMatch(/"lab" 0\.1\.0 installed in .*ws\/packs\/lab\.\n  dataset data\/iris\.csv: 2 samples as "iris"\nIt is unsigned: it opens in restricted mode/);
    expect(existsSync(join(root, 'ws/packs/lab/lab.ipynb'))).toBe(true);
    expect(existsSync(join(root, 'ws/lab.db'))).toBe(true);
  });
});
