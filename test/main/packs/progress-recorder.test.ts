import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, it } from 'vitest';
import type { NotebookDocument } from '../../../main/api/notebooks';
import type { LabProgress, SubmissionFile } from '../../../main/api/packs';
import { EDIT_COALESCE_MS, ProgressRecorder } from '../../../main/packs/progress-recorder';
import { readSubmission } from '../../../main/packs/submission';
import { Store } from '../../../main/store/store';
import { createWorkspace } from '../../../main/workspace';
import { tempDir, writePackFolder } from './fixtures';

const code = (id: string, source: string, tags: string[] = []) => ({ cell_type: 'code', id, metadata: tags.length ? { tags } : {}, execution_count: null, outputs: [], source: [source] });

function labNotebook(extra = ''): string {
  return JSON.stringify({
    cells: [
      { cell_type: 'markdown', id: 'intro', metadata: {}, source: ['# Progress'] },
      // a lab.check outside a `check` cell is the attendee's own, not one of the lab's checks
      // the pack's data files are beside the attendee's notebooks, by the paths the manifest lists
      code('work', `import { readFileSync } from 'node:fs';\nconst csv = readFileSync('data/points.csv', 'utf8');\nconst d = await lab.datasets.load('demo-lab-points', { seed: 7 });\nlab.check('my own check', true);\nconst rows = d.xTrain.shape[0] + d.xTest.shape[0];${extra}\nrows`),
      code('check-a', `lab.check('sum is 6', [1, 2, 3].reduce((a, b) => a + b) === 6);\nlab.check('product is 7', 2 * 3 === 7, 'got 6');`, ['check']),
      code('check-b', `lab.check('all rows loaded', rows === 4, \`got \${rows}\`);\nlab.check('data file read', csv.trim().split('\\n').length === 5);`, ['check']),
    ],
    metadata: { kernelspec: { display_name: 'TypeScript (mlsys-lab)', language: 'typescript', name: 'mlsys-lab-typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

const points = 'f1,f2,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n';

it('running a lab in the app records its checks, time spent and environment in SQLite, and they survive reinstalling the pack', async () => {
  const dir = tempDir('mlsys-progress-');
  const ws = createWorkspace({ workspaceDir: join(dir, 'ws'), labsDir: join(dir, 'no-labs'), mode: 'browser', log: () => {} });
  const call = <T>(method: string, ...args: unknown[]) => ws.dispatcher.call(method, args) as Promise<T>;
  const progressOf = async () => (await call<LabProgress[]>('packs.progress')).find((p) => p.packId === 'demo-lab')!;
  try {
    await call('packs.import', writePackFolder(join(dir, 'v1'), { files: { 'demo-lab.ipynb': labNotebook(), 'data/points.csv': points } }));
    await call('packs.trust', 'demo-lab');
    expect(await progressOf()).toEqual({ packId: 'demo-lab', checksPassed: 0, checksTotal: 4, lastOpened: null, timeSpentMs: 0 });
    let libraryChanges = 0;
    ws.dispatcher.subscribe('library.onDidChange', () => libraryChanges++);

    const doc = await call<NotebookDocument>('notebooks.open', { pack: 'demo-lab', notebook: 'demo-lab.ipynb' });
    const cells = doc.cells.filter((c) => c.type === 'code').map((c) => c.id);
    await call('notebooks.run', doc.path, cells);
    let now = doc;
    const settled = () => cells.every((id) => now.runs[id]?.state !== 'running' && now.runs[id]?.state !== 'queued') && now.runs[cells[0]]?.lastRun;
    for (let i = 0; i < 600 && !settled(); i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = await call<NotebookDocument>('notebooks.get', doc.path);
    }
    expect(cells.map((id) => now.runs[id]?.lastRun?.ok), JSON.stringify(now.cells.map((c) => c.outputs))).toEqual([true, true, true]);

    // the check cells' results, by check name, with the failure's detail; the attendee's own check is not the lab's
    const rows = ws.store.db.prepare(`SELECT check_id AS checkId, status, message FROM lab_progress WHERE lab_id = 'demo-lab' ORDER BY check_id`).all();
    expect(rows).toEqual([
      { checkId: 'all rows loaded', status: 'passed', message: 'got 4' },
      { checkId: 'data file read', status: 'passed', message: null },
      { checkId: 'product is 7', status: 'failed', message: 'got 6' },
      { checkId: 'sum is 6', status: 'passed', message: null },
    ]);
    const progress = await progressOf();
    expect(progress).toMatchObject({ checksPassed: 3, checksTotal: 4 });
    expect(Date.parse(progress.lastOpened!)).toBeGreaterThan(Date.now() - 120_000);
    expect(progress.timeSpentMs).toBeGreaterThan(0);
    expect(libraryChanges).toBeGreaterThan(0); // the library shows the new results without a reload

    // where the cells ran, as the kernel reported it: the hand-in's reproducibility record
    const env = ws.store.activity.environment('demo-lab');
    expect(env).toMatchObject({ backend: expect.any(String), device: expect.any(String), seeds: { 'datasets.load("demo-lab-points")': 7 }, energyMethod: expect.stringMatching(/^cpu: /) });
    expect(env.packages?.tfjs).toMatch(/^4\./);
    const file = await call<SubmissionFile>('packs.exportSubmission', 'demo-lab', 'Ada');
    const { submission } = await readSubmission(readFileSync(file.path), basename(file.path));
    expect(submission).toMatchObject({ checksPassed: 3, checksTotal: 4 });
    expect(submission.reproducibility).toMatchObject({ backend: env.backend, device: env.device, seeds: env.seeds, energyMethod: env.energyMethod, kernel: env.packages });

    // a new version of the pack keeps all of it
    await call('notebooks.close', doc.path, { discard: true });
    const before = await progressOf();
    await call('packs.import', writePackFolder(join(dir, 'v2'), { version: '1.1.0', files: { 'demo-lab.ipynb': labNotebook('\n// v2'), 'data/points.csv': points } }));
    expect(await progressOf()).toEqual(before);
    expect(ws.store.activity.environment('demo-lab')).toEqual(env);
  } finally {
    await ws.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

it('records actions by the pack of the notebook (workspace handle or kernel path), coalescing edits while typing', () => {
  const dir = tempDir('mlsys-recorder-');
  const store = Store.open(join(dir, 'lab.db'));
  let now = Date.UTC(2026, 10, 28, 9, 0);
  const writes: string[] = [];
  const recorder = new ProgressRecorder({ workspaceDir: join(dir, 'ws'), store: () => store, now: () => now, log: (m) => writes.push(m) });
  try {
    recorder.notebookActivity('notebooks/lab-a/intro.ipynb', 'open');
    for (let i = 0; i < 10; i++) {
      now += 5_000; // an edit every 5 s for 50 s: written when the last write is EDIT_COALESCE_MS old
      recorder.notebookActivity('notebooks/lab-a/intro.ipynb', 'edit');
    }
    expect(store.activity.get('lab-a').lastActiveAt).toBe(Date.UTC(2026, 10, 28, 9, 0) + Math.ceil(EDIT_COALESCE_MS / 5_000) * 5_000);
    now += 5_000;
    recorder.notebookActivity(join(dir, 'ws', 'notebooks', 'lab-a', 'intro.ipynb'), 'close'); // kernels know notebooks by absolute path
    expect(store.activity.get('lab-a')).toMatchObject({ activeMs: 55_000, lastActiveAt: now });
    recorder.notebookActivity('scratch.ipynb', 'open'); // not in a pack: not a lab
    recorder.seedUsed('scratch.ipynb', 'split', 1);
    expect(store.db.prepare('SELECT lab_id FROM lab_activity').all()).toEqual([{ lab_id: 'lab-a' }]);
    expect(writes).toEqual([]);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
