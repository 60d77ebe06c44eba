import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildLabpack } from '../../../main/packs/author';
import { readPackFolder } from '../../../main/packs/folder-source';
import { DEFAULT_LIMITS } from '../../../main/packs/limits';
import { createPacksService } from '../../../main/packs/register';
import { packDatasetImporter, storeProgressSource } from '../../../main/packs/store-adapters';
import { importDataset } from '../../../main/store/import/importer';
import { Store } from '../../../main/store/store';
import { notebook, tempDir, writePackFolder, type PackSpec } from './fixtures';

let root: string;
let store: Store;
beforeEach(() => {
  root = tempDir();
  store = Store.open(join(root, 'lab.db'));
});
afterEach(() => {
  store.close();
  rmSync(root, { recursive: true, force: true });
});

async function labpack(name: string, spec: PackSpec): Promise<string> {
  const dir = writePackFolder(join(root, name), spec);
  const file = `${dir}.labpack`;
  writeFileSync(file, (await buildLabpack(await readPackFolder(dir, DEFAULT_LIMITS))).bytes);
  return file;
}

const service = () =>
  createPacksService({
    workspaceDir: join(root, 'ws'),
    labsDir: join(root, 'no-labs'),
    importDatasets: packDatasetImporter({ import: (o) => importDataset(store, o) }),
    progress: storeProgressSource(() => store),
  });

describe('packs and the store', () => {
  it('imports a pack’s datasets into SQLite, once per changed file, keeping the old dataset and its labels', async () => {
    const packs = service();
    const nb = notebook('x', '1', 2);
    const v1 = await packs.import(await labpack('v1', { files: { 'demo-lab.ipynb': nb, 'data/points.csv': 'x,y,label\n1,2,a\n3,4,b\n5,6,a\n' } }));
    expect(v1.datasets).toEqual([{ path: 'data/points.csv', status: 'imported', datasetId: expect.any(Number), name: 'demo-lab-points', samples: 3, problem: null }]);
    expect(store.datasets.list().map((d) => [d.name, d.sampleCount])).toEqual([['demo-lab-points', 3]]);

    const same = await packs.import(await labpack('v2', { version: '1.1.0', files: { 'demo-lab.ipynb': notebook('y'), 'data/points.csv': 'x,y,label\n1,2,a\n3,4,b\n5,6,a\n' } }));
    expect(same.datasets[0].status).toBe('unchanged');
    const changed = await packs.import(await labpack('v3', { version: '1.2.0', files: { 'demo-lab.ipynb': nb, 'data/points.csv': 'x,y,label\n1,2,a\n' } }));
    expect(changed.datasets[0]).toMatchObject({ status: 'imported', samples: 1 });
    expect(store.datasets.list().map((d) => d.sampleCount)).toEqual([3, 1]);
  });

  it('installs the pack even when a dataset cannot be imported, and says why', async () => {
    const r = await service().import(await labpack('bad', { files: { 'demo-lab.ipynb': notebook('x'), 'data/points.csv': 'x,y\n' } }));
    expect(r.status).toBe('installed');
    expect(r.datasets[0]).toMatchObject({ status: 'failed', problem: expect.stringMatching(/nothing to import/) });
  });

  it('reports checks passed, last opened and time spent from the store, surviving a reinstall', async () => {
    const packs = service();
    await packs.import(await labpack('v1', { files: { 'demo-lab.ipynb': notebook('x', '1', 3) } }));
    store.runs.recordCheck({ labId: 'demo-lab', checkId: 'check 0', status: 'passed' });
    store.runs.recordCheck({ labId: 'demo-lab', checkId: 'check 1', status: 'failed', message: 'got 5' });
    expect(await packs.progress()).toEqual([{ packId: 'demo-lab', checksPassed: 1, checksTotal: 3, lastOpened: null, timeSpentMs: 0 }]);
    const t = Date.UTC(2026, 10, 28, 9, 0);
    store.activity.opened('demo-lab', t);
    store.activity.touched('demo-lab', t + 90_000);
    await packs.import(await labpack('v2', { version: '2.0.0', files: { 'demo-lab.ipynb': notebook('x', '2', 3) } }));
    expect((await packs.progress())[0]).toEqual({ packId: 'demo-lab', checksPassed: 1, checksTotal: 3, lastOpened: new Date(t).toISOString(), timeSpentMs: 90_000 });
    // a version that renames a check: the old name's result no longer counts, the new one is still to do
    const renamed = notebook('x', '3', 3).replace("lab.check('check 0'", "lab.check('check zero'");
    await packs.import(await labpack('v3', { version: '3.0.0', files: { 'demo-lab.ipynb': renamed } }));
    expect((await packs.progress())[0]).toMatchObject({ checksPassed: 0, checksTotal: 3 });
  });
});
