import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { packCommand } from '../../../main/cli/commands/pack';
import { captureConsole, notebook, tempDir, writePackFolder } from './fixtures';

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

// A notebook whose checks read the pack's own data file by relative path, as labs do.
const readsData = (expectedRows: number) =>
  notebook('Reads data', `import { readFileSync } from 'node:fs';\nconst rows = readFileSync('data/points.csv', 'utf8').trim().split('\\n').length - 1;\nlab.check('points.csv has ${expectedRows} rows', rows === ${expectedRows}, String(rows));`);

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
});
