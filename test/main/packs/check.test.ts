import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { packCommand } from '../../../main/cli/commands/pack';
import { captureConsole, notebookOf, tempDir, writePackFolder } from './fixtures';

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

// A notebook whose check reads the pack's own data file by relative path, as labs do.
const readsData = (expectedRows: number) =>
  notebookOf([
    [`import { readFileSync } from 'node:fs';\nconst rows = readFileSync('data/points.csv', 'utf8').trim().split('\\n').length - 1;`],
    [`lab.check('points.csv has ${expectedRows} rows', rows === ${expectedRows}, String(rows));`, ['check']],
  ]);

describe('npx mlsys-lab pack check', () => {
  it('runs every notebook in a real kernel, reports each check, and fails the pack on a failed check', { timeout: 240_000 }, async () => {
    const dir = writePackFolder(join(root, 'lab'), {
      files: {
        '1-first.ipynb': notebookOf([['const total = [1, 2, 3].reduce((a, b) => a + b, 0);'], ["lab.check('the sum is 6', total === 6, `got ${total}`)", ['check']]]),
        '2-second.ipynb': notebookOf([['const mean = 6 / 3;'], ["lab.check('the mean is 3', mean === 3, `got ${mean}`)", ['check']]]),
      },
    });
    const code = await packCommand.run(['check', dir, '--timeout', '60']);
    const text = out.join('\n');
    expect(text).toMatch(/1-first\.ipynb: 2\/2 cells, 0 error\(s\), checks 1\/1 passed/);
    expect(text).toMatch(/2-second\.ipynb: 2\/2 cells, 0 error\(s\), checks 0\/1 passed/);
    expect(text).toContain('  FAILED the mean is 3: got 2');
    expect(text).toMatch(/FAILED demo-lab 1\.0\.0: 1 of 2 checks failed, 0 cell error\(s\)\./);
    expect(code).toBe(1);
  });

  it('passes a pack whose checks all pass, and refuses a pack that fails verification before running anything', { timeout: 240_000 }, async () => {
    const dir = writePackFolder(join(root, 'ok'), { files: { 'only.ipynb': notebookOf([["lab.check('truth', 1 + 1 === 2)", ['check']]]) } });
    expect(await packCommand.run(['check', dir])).toBe(0);
    expect(out.join('\n')).toMatch(/OK demo-lab 1\.0\.0: all 1 checks passed, no errors\./);
    const bad = writePackFolder(join(root, 'bad'), {});
    rmSync(join(bad, 'data', 'points.csv'));
    await expect(packCommand.run(['check', bad])).rejects.toThrow(/lists 1 file\(s\) that are not in the pack: "data\/points\.csv"/);
  });

  it('runs a folder pack headless in its own folder and exits 0 when every check passes', async () => {
    const dir = writePackFolder(join(root, 'ok'), { files: { 'lab.ipynb': readsData(2), 'data/points.csv': 'x,y\n1,2\n3,4\n' } });
    const code = await packCommand.run(['check', dir]);
    const text = out.join('\n');
    expect(text).toContain('checks 1/1 passed');
    expect(code).toBe(0);
  }, 120_000);

  it('exits 1 and names the failing check; a .labpack is unpacked and checked the same way', async () => {
    const dir = writePackFolder(join(root, 'bad'), { files: { 'lab.ipynb': readsData(3), 'data/points.csv': 'x,y\n1,2\n3,4\n' } });
    const labpack = join(root, 'bad.labpack');
    expect(await packCommand.run(['build', dir, '--out', labpack])).toBe(0);
    out.length = 0;
    const code = await packCommand.run(['check', labpack]);
    const text = out.join('\n');
    expect(text).toContain('FAILED points.csv has 3 rows: 2');
    expect(text).toContain('checks 0/1 passed');
    expect(code).toBe(1);
  }, 120_000);

  it('fails a pack whose run reports other checks than the library counts: untagged, in a loop, or a reused name', async () => {
    const nb = notebookOf([
      [`lab.check('outside', true);`],
      [`for (const i of [1, 2]) lab.check(\`looped \${i}\`, true);`, ['check']],
      [`lab.check('twice', true); // lab.check('in a comment', true)`, ['check']],
      [`lab.check('twice', true);`, ['check']],
    ]);
    const code = await packCommand.run(['check', writePackFolder(join(root, 'loose'), { files: { 'lab.ipynb': nb } })]);
    const problems = out.filter((l) => l.includes('PROBLEM'));
    expect(problems).toEqual([
      expect.stringMatching(/cell 1 of lab\.ipynb called lab\.check\("outside"\) but is not tagged "check"/),
      expect.stringMatching(/cell 4 of lab\.ipynb reused the check name "twice" of cell 3 of lab\.ipynb/),
      expect.stringMatching(/cell 2 of lab\.ipynb has 1 lab\.check call\(s\) but reported 2 check\(s\)/),
    ]);
    expect(out.join('\n')).toMatch(/FAILED demo-lab 1\.0\.0: 0 of 5 checks failed, 0 cell error\(s\), 3 problem\(s\) with the checks/);
    expect(code).toBe(1);
  }, 120_000);
});
