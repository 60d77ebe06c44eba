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
