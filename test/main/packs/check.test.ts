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
});
