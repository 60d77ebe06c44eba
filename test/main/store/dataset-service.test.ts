import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetSummary, ImportProgress, ImportReport, LabelDistribution, LabelRecord, SamplePage } from '../../../main/api';
import { builtinLabsDir } from '../../../main/paths';
import { createWorkspace, type Workspace } from '../../../main/workspace';
import { createLabDataHandlers, registerLabData } from '../../../main/store';

const DATA = '/work/shared/data';
let dir: string;
let ws: Workspace;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-ds-'));
  ws = createWorkspace({ workspaceDir: dir, labsDir: builtinLabsDir(), mode: 'browser', log: () => {} });
});
afterEach(async () => {
  await ws.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const call = <T>(method: string, ...args: unknown[]) => ws.dispatcher.call(method, args) as Promise<T>;

describe('the datasets API', () => {
  it('imports through the dispatcher with progress events, pages samples and counts labels', async () => {
    const progress: ImportProgress[] = [];
    const changes: DatasetSummary[][] = [];
    ws.dispatcher.subscribe('datasets.onDidImportProgress', (p) => progress.push(p as ImportProgress));
    ws.dispatcher.subscribe('datasets.onDidChange', (p) => changes.push(p as DatasetSummary[]));
    const report = await call<ImportReport>('datasets.import', { path: join(DATA, 'vega/penguins.json'), importId: 'p1' });
    expect(progress.at(-1)).toMatchObject({ importId: 'p1', phase: 'done', imported: 344, fraction: 1 });
    expect(changes.at(-1)!.map((d) => d.name)).toEqual(['penguins']);
    const page = await call<SamplePage>('datasets.samples', report.dataset.id, { offset: 2, limit: 2 });
    expect(page.total).toBe(344);
    expect(page.samples.map((s) => s.position)).toEqual([2, 3]);
    expect(page.samples[1].cells).toEqual({ 'Beak Length (mm)': null, 'Beak Depth (mm)': null, 'Flipper Length (mm)': null, 'Body Mass (g)': null, Island: 'Torgersen', Sex: null });
    expect(page.samples[0].cells!['Beak Length (mm)']).toBe(40.3);
    const relabel = await call<LabelRecord>('datasets.appendLabel', { sampleId: page.samples[0].id, value: 'Gentoo', annotator: 'ada', durationMs: 900 });
    expect(relabel).toMatchObject({ value: 'Gentoo', annotator: 'ada', source: 'annotator', durationMs: 900 });
    const history = await call<LabelRecord[]>('datasets.labelHistory', page.samples[0].id);
    expect(history.map((h) => [h.value, h.source])).toEqual([
      ['Adelie', 'import'],
      ['Gentoo', 'annotator'],
    ]);
    const dist = await call<LabelDistribution>('datasets.labelDistribution', report.dataset.id);
    expect(dist.counts.reduce((a, c) => a + c.count, 0)).toBe(344);
    expect(dist.counts.find((c) => c.value === 'Gentoo')!.count).toBe(125);
  });

  it('shows image samples as images, named classes in the distribution', async () => {
    const r = await call<ImportReport>('datasets.import', { path: join(DATA, 'fashion-mnist/t10k-images-idx3-ubyte.gz'), limit: 300 });
    const page = await call<SamplePage>('datasets.samples', r.dataset.id, { offset: 0, limit: 3 });
    expect(page.samples[0].image).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(page.samples[0].label).toBe('9');
    const dist = await call<LabelDistribution>('datasets.labelDistribution', r.dataset.id);
    expect(dist.counts.map((c) => c.name)).toContain('Ankle boot');
  });

  it('refuses bad arguments and unknown datasets with messages that name them', async () => {
    await expect(call('datasets.samples', 1, { offset: -1, limit: 10 })).rejects.toThrow(/argument 2.offset must be at least 0, got -1/);
    await expect(call('datasets.get', 77)).rejects.toThrow(/No dataset with id 77/);
    await expect(call('datasets.import', { path: join(DATA, 'sklearn/iris.csv'), labelColumn: true })).rejects.toThrow(/labelColumn must be a name or an integer/);
    await expect(call('datasets.appendLabel', { sampleId: 5, value: 'x', source: 'import' })).rejects.toThrow(/source must be one of "annotator", "cell", "model"/);
  });

  it('cancels a running import by its id', async () => {
    const file = join(dir, 'big.csv');
    writeFileSync(file, 'a,b\n' + Array.from({ length: 80000 }, (_, i) => `${i},${i}`).join('\n'));
    ws.dispatcher.subscribe('datasets.onDidImportProgress', (p) => {
      if ((p as ImportProgress).phase === 'importing') void call('datasets.cancelImport', 'big');
    });
    await expect(call('datasets.import', { path: file, importId: 'big' })).rejects.toThrow(/was cancelled; nothing of it was kept/);
    expect(await call('datasets.list')).toEqual([]);
    expect(await call('datasets.cancelImport', 'big')).toBe(false);
  });

  it('keeps the app running when the database file is garbage, and never overwrites it', async () => {
    await ws.dispose();
    writeFileSync(join(dir, 'lab.db'), 'garbage'.repeat(100));
    ws = createWorkspace({ workspaceDir: dir, labsDir: builtinLabsDir(), mode: 'browser', log: () => {} });
    await expect(call('datasets.list')).rejects.toMatchObject({ code: 'E_DB_CORRUPT', message: expect.stringMatching(/lab\.db is not an SQLite database/) });
    await expect(call('datasets.list')).rejects.toMatchObject({ code: 'E_DB_CORRUPT' });
    await expect(call('queues.list')).rejects.toMatchObject({ code: 'E_DB_CORRUPT' });
    expect(((await call<{ packs: unknown[] }>('library.list')).packs.length)).toBeGreaterThan(0);
  });
});

describe('the lab data handlers the kernel calls', () => {
  it('load features and labels as typed arrays with a seeded split that repeats', async () => {
    await call('datasets.import', { path: join(DATA, 'sklearn/iris.csv'), labelColumn: -1 });
    const lab = createLabDataHandlers(ws.datasets);
    const a = await lab['datasets.load']('iris', { testFraction: 0.2, seed: 7 });
    const b = await lab['datasets.load']('iris', { testFraction: 0.2, seed: 7 });
    const c = await lab['datasets.load']('iris', { testFraction: 0.2, seed: 8 });
    expect(a.xTrain).toBeInstanceOf(Float32Array);
    expect(a.yTrain).toBeInstanceOf(Int32Array);
    expect([a.xTrain.length, a.xTest.length, a.yTrain.length, a.yTest.length]).toEqual([120 * 4, 30 * 4, 120, 30]);
    expect(a.sampleShape).toEqual([4]);
    expect(a.classes).toEqual(['0', '1', '2']);
    expect(Array.from(a.idsTest)).toEqual(Array.from(b.idsTest));
    expect(Array.from(a.idsTest)).not.toEqual(Array.from(c.idsTest));
    // train and test together are every sample exactly once
    expect(new Set([...a.idsTrain, ...a.idsTest]).size).toBe(150);
    // rows stay with their labels: the first test row is the sample it claims to be
    const row = ws.datasets.store.db.prepare('SELECT features FROM samples WHERE id = ?').get(a.idsTest[0]) as { features: Buffer };
    expect(Array.from(a.xTest.subarray(0, 4))).toEqual(Array.from(new Float32Array(new Uint8Array(row.features).buffer)));
    const last = ws.datasets.store.db.prepare('SELECT features FROM samples WHERE id = ?').get(a.idsTrain[119]) as { features: Buffer };
    const scaled = await lab['datasets.load']('iris', { testFraction: 0.2, seed: 7, scale: 2 });
    expect(Array.from(scaled.xTrain.subarray(119 * 4))).toEqual(Array.from(new Float32Array(new Uint8Array(last.features).buffer), (v) => v / 2));
    // the class index of each row is its sample's label
    const labelOf = ws.datasets.store.db.prepare('SELECT value FROM labels WHERE sample_id = ? ORDER BY id DESC LIMIT 1').pluck();
    expect(a.classes[a.yTrain[50]]).toBe(labelOf.get(a.idsTrain[50]));
  });

  it('append a label as a cell, read a sample history, and check every argument', async () => {
    await call('datasets.import', { path: join(DATA, 'sklearn/iris.csv'), labelColumn: -1 });
    const lab = createLabDataHandlers(ws.datasets);
    const list = await lab['datasets.list']();
    const page = await ws.datasets.samples(list[0].id, { offset: 0, limit: 1 });
    const rec = await lab['labels.append']({ sampleId: page.samples[0].id, value: '2', modelVersion: 'logreg-1' });
    expect(rec).toMatchObject({ source: 'cell', modelVersion: 'logreg-1', annotator: null });
    expect((await lab['labels.history'](page.samples[0].id)).map((l) => l.value)).toEqual(['0', '2']);
    await expect(lab['labels.append']({ sampleId: 1, value: 'x', source: 'import' })).rejects.toThrow(/has an unknown field "source"/);
    await expect(lab['datasets.load']('nope')).rejects.toThrow(/No dataset named "nope"\. The datasets here: "iris"/);
    await expect(lab['datasets.load']('iris', { testFraction: 2 })).rejects.toThrow(/testFraction must be at most 0.99/);
  });

  it('register on a request router by method name, and unregister on dispose', async () => {
    await call('datasets.import', { path: join(DATA, 'sklearn/iris.csv'), labelColumn: -1 });
    const routes = new Map<string, (args: unknown[]) => unknown>();
    const router = {
      register(method: string, handler: (args: unknown[]) => unknown) {
        routes.set(method, handler);
        return { dispose: () => routes.delete(method) };
      },
    };
    const reg = registerLabData(router, ws.datasets);
    expect([...routes.keys()].sort()).toEqual(['datasets.import', 'datasets.list', 'datasets.load', 'labels.append', 'labels.history']);
    const loaded = (await routes.get('datasets.load')!(['iris', { seed: 1 }])) as { yTrain: Int32Array };
    expect(loaded.yTrain.length).toBe(120);
    reg.dispose();
    expect(routes.size).toBe(0);
  });

  it('a typed array load crosses a real child-process IPC channel as typed arrays', async () => {
    await call('datasets.import', { path: join(DATA, 'sklearn/iris.csv'), labelColumn: -1 });
    const loaded = await createLabDataHandlers(ws.datasets)['datasets.load']('iris');
    const { fork } = await import('node:child_process');
    const script = join(dir, 'echo-types.mjs');
    writeFileSync(script, "process.on('message', (m) => { process.send({ x: m.xTrain instanceof Float32Array, n: m.xTrain.length, y: m.yTrain.constructor.name }); });");
    const child = fork(script, [], { serialization: 'advanced' });
    const reply = await new Promise((resolve) => {
      child.on('message', resolve);
      child.send(loaded);
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.disconnect();
    await exited;
    expect(reply).toEqual({ x: true, n: loaded.xTrain.length, y: 'Int32Array' });
  });
});
