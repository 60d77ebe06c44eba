import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dataCommand } from '../../../main/cli/commands/data';

let dir: string;
let out: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-cli-data-'));
  out = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const data = (...argv: string[]) => dataCommand.run([...argv, '--workspace', dir]);
const printed = () => out.splice(0).join('\n');

describe('npx mlsys-lab data', () => {
  it('imports, lists and exports a workspace dataset', async () => {
    expect(await data('list')).toBe(0);
    expect(printed()).toBe('No datasets yet.');
    expect(await data('import', '/work/shared/data/sklearn/wine_data.csv', '--label=-1', '--name', 'wine')).toBe(0);
    expect(printed()).toMatch(/^Imported 178 samples into "wine" \(id 1\)/);
    expect(await data('list')).toBe(0);
    expect(printed()).toMatch(/^ {3}1 {2}wine {2}table, 178 samples, 178 labeled, 13 features/);
    const file = join(dir, 'wine.jsonl');
    expect(await data('export', 'wine', file)).toBe(0);
    expect(printed()).toBe(`Wrote 178 samples of "wine" to ${file}.`);
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0])).toMatchObject({ label: '0', label_source: 'import' });
  });

  it('says what is wrong with bad input', async () => {
    await expect(data('import')).rejects.toThrow(/data import takes one PATH/);
    await expect(data('import', 'x.csv', '--limit', 'lots')).rejects.toThrow(/--limit must be a positive integer, got "lots"/);
    await expect(data('export', 'nope', join(dir, 'x.csv'))).rejects.toThrow(/No dataset named "nope"/);
    await expect(data('frobnicate')).rejects.toThrow(/Unknown data command "frobnicate"/);
  });
});
