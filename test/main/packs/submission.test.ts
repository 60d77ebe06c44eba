import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { packCommand } from '../../../main/cli/commands/pack';
import { buildLabpack } from '../../../main/packs/author';
import { readPackFolder } from '../../../main/packs/folder-source';
import { DEFAULT_LIMITS } from '../../../main/packs/limits';
import { createPacksService } from '../../../main/packs/register';
import { readResultsFolder, resultsToCsv } from '../../../main/packs/results';
import { storeProgressSource } from '../../../main/packs/store-adapters';
import { readSubmission } from '../../../main/packs/submission';
import { Store } from '../../../main/store/store';
import { notebook, rawZip, tempDir, writePackFolder } from './fixtures';

let root: string;
beforeEach(() => (root = tempDir()));
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

/** One attendee's machine: a workspace with the pack installed and a store with their check results. */
async function attendee(name: string, results: Record<string, 'passed' | 'failed'>): Promise<string> {
  const ws = join(root, `ws-${name.replace(/\W/g, '')}`);
  const store = Store.open(join(root, `${basename(ws)}.db`));
  try {
    const packs = createPacksService({ workspaceDir: ws, labsDir: join(root, 'none'), progress: storeProgressSource(() => store), environment: async () => ({ backend: 'wasm', device: 'cpu', seeds: { split: 42 } }) });
    const dir = join(root, `pack-${basename(ws)}`);
    writePackFolder(dir, { files: { 'demo-lab.ipynb': notebook('Demo', '1', 3) } });
    writeFileSync(`${dir}.labpack`, (await buildLabpack(await readPackFolder(dir, DEFAULT_LIMITS))).bytes);
    await packs.import(`${dir}.labpack`);
    // the attendee's executed copy, as the notebook service saves it
    mkdirSync(join(ws, 'notebooks', 'demo-lab'), { recursive: true });
    writeFileSync(join(ws, 'notebooks', 'demo-lab', 'demo-lab.ipynb'), notebook('Demo', `// ${name} was here`, 3));
    for (const [checkId, status] of Object.entries(results)) store.runs.recordCheck({ labId: 'demo-lab', checkId, status });
    const file = await packs.exportSubmission('demo-lab', name);
    expect(file).toMatchObject({ checksTotal: 3, checksPassed: Object.values(results).filter((s) => s === 'passed').length });
    expect(Buffer.from(file.base64, 'base64').equals(readFileSync(file.path))).toBe(true);
    return file.path;
  } finally {
    store.close();
  }
}

describe('hand-in without a server', () => {
  it('an attendee exports a .labsub with checks, executed notebooks and a reproducibility record', async () => {
    const path = await attendee('Ada Lovelace', { 'check 0': 'passed', 'check 1': 'failed' });
    expect(basename(path)).toMatch(/^demo-lab-ada-lovelace-\d{8}-\d{4}\.labsub$/);
    const { submission, notebooks } = await readSubmission(readFileSync(path), basename(path));
    expect(submission).toMatchObject({ attendee: 'Ada Lovelace', pack: { id: 'demo-lab', version: '1.0.0' }, checksPassed: 1, checksTotal: 3 });
    expect(submission.reproducibility).toMatchObject({ app: expect.any(String), node: process.version, backend: 'wasm', device: 'cpu', seeds: { split: 42 } });
    expect(submission.reproducibility.packages['@tensorflow/tfjs']).toMatch(/^4\./);
    expect(notebooks.get('notebooks/demo-lab.ipynb')!.toString()).toContain('Ada Lovelace was here');
  });

  it('an instructor reads a folder of hand-ins into a results table and CSV, skipping broken files', async () => {
    const inbox = join(root, 'inbox');
    mkdirSync(inbox);
    copyFileSync(await attendee('Ada', { 'check 0': 'passed', 'check 1': 'passed', 'check 2': 'failed' }), join(inbox, 'ada.labsub'));
    copyFileSync(await attendee('=HYPERLINK("http://evil")', { 'check 0': 'passed', 'check 1': 'failed' }), join(inbox, 'evil.labsub'));
    copyFileSync(await attendee('Grace', { 'check 0': 'passed', 'check 1': 'passed', 'check 2': 'passed' }), join(inbox, 'grace.labsub'));
    // a tampered hand-in and a hostile zip are named, not counted
    const grace = await readSubmission(readFileSync(join(inbox, 'grace.labsub')), 'grace.labsub');
    writeFileSync(join(inbox, 'tampered.labsub'), rawZip([{ name: 'submission.json', data: JSON.stringify(grace.submission) }, { name: 'notebooks/demo-lab.ipynb', data: 'not the notebook' }]));
    writeFileSync(join(inbox, 'escape.labsub'), rawZip([{ name: '../../x', data: 'x' }]));

    const table = await readResultsFolder(inbox);
    expect(table.rows.map((r) => [r.attendee, r.passed, r.total])).toEqual([
      ['=HYPERLINK("http://evil")', 1, 3],
      ['Ada', 2, 3],
      ['Grace', 3, 3],
    ]);
    expect(table.mostFailed[0]).toEqual({ checkId: 'check 2', failed: 1, missing: 1, of: 3 });
    expect(table.problems.map((p) => p.file)).toEqual(['escape.labsub', 'tampered.labsub']);
    expect(table.problems[1].message).toMatch(/notebooks\/demo-lab\.ipynb does not match its SHA-256/);

    const csv = resultsToCsv(table);
    expect(csv.split('\r\n')[0]).toBe('attendee,pack,version,submitted,passed,total,backend,seeds,file,check 0,check 1,check 2');
    expect(table.rows[1].seeds).toEqual({ split: 42 });
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")",demo-lab,1.0.0,`);
    expect(csv).toMatch(/\r\nAda,demo-lab,1\.0\.0,[^,]+,2,3,wasm,split=42,ada\.labsub,passed,passed,failed\r\n/);

    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    expect(await packCommand.run(['results', inbox, '--csv', join(root, 'results.csv')])).toBe(0);
    expect(out.join('\n')).toMatch(/skipped escape\.labsub: .*not a safe path[\s\S]*Grace\s+3\/3[\s\S]*check 2: failed by 1, not run by 1, of 3/);
    expect(readFileSync(join(root, 'results.csv'), 'utf8')).toBe(csv);
  });
});

