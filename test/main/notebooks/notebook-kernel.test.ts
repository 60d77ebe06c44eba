import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { NotebookDocument } from '../../../main/api/notebooks';
import { builtinLabsDir, projectRoot } from '../../../main/paths';
import { createWorkspace } from '../../../main/workspace';
import { notebook, writePackFolder } from '../packs/fixtures';

it('a notebook opened in the workspace runs its cells in a real kernel and gets their outputs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlsys-nbk-'));
  cpSync(join(projectRoot(), 'test', 'fixtures', 'notebooks', 'small-lab.ipynb'), join(dir, 'lab.ipynb'));
  const ws = createWorkspace({ workspaceDir: dir, labsDir: builtinLabsDir(), mode: 'browser', log: () => {} });
  try {
    const doc = (await ws.dispatcher.call('notebooks.open', [{ path: 'lab.ipynb' }])) as NotebookDocument;
    const code = doc.cells.filter((c) => c.type === 'code').slice(0, 4).map((c) => c.id);
    await ws.dispatcher.call('notebooks.run', [doc.path, code]);
    let now = doc;
    for (let i = 0; i < 600; i++) {
      now = (await ws.dispatcher.call('notebooks.get', [doc.path])) as NotebookDocument;
      if (code.every((id) => now.runs[id]?.lastRun) && code.every((id) => now.runs[id].state === 'idle')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const cells = code.map((id) => now.cells.find((c) => c.id === id)!);
    expect(cells.map((c) => c.executionCount)).toEqual([1, 2, 3, 4]);
    expect(JSON.stringify(cells[0].outputs)).toContain('sum is 6');
    expect(JSON.stringify(cells[3].outputs)).toContain('sum of doubled is 12');
    expect(code.every((id) => now.runs[id].lastRun!.ok)).toBe(true);
    // the footer's figures: the first cell's variable x keeps its 3 floats; the sum it never disposed (1 float) is lost
    expect(now.runs[code[0]].lastRun).toMatchObject({ tensorsKept: 1, tensorsLeaked: 1, tensorsLeakedBytes: 4 });
    expect(now.runs[code[0]].lastRun!.tensorsCreated).toBeGreaterThanOrEqual(2);
    expect(now.runs[code[2]].lastRun).toMatchObject({ tensorsCreated: 0, tensorsLeaked: 0 });
    expect(now.kernel.backend).toBeTruthy();
    const vars = (await ws.dispatcher.call('notebooks.variables', [doc.path])) as { name: string; shape?: number[] }[];
    expect(vars.find((v) => v.name === 'doubled')?.shape).toEqual([3]);
    // every run is in the runs table with its time and its energy, which says how it was obtained
    const runs = ws.store.db.prepare(`SELECT cell_id AS cellId, status, wall_ms AS wallMs, cpu_ms AS cpuMs, energy_j AS energyJ, energy_source AS source FROM runs WHERE kind = 'cell' ORDER BY id`).all() as { cellId: string; status: string; wallMs: number; cpuMs: number | null; energyJ: number | null; source: string | null }[];
    expect(runs.map((r) => r.cellId)).toEqual(code);
    expect(runs.every((r) => r.status === 'ok' && r.wallMs >= 0 && r.cpuMs !== null && r.cpuMs >= 0)).toBe(true);
    expect(runs.every((r) => r.energyJ !== null && r.energyJ >= 0 && (r.source === 'measured' || r.source === 'estimated'))).toBe(true);
  } finally {
    await ws.dispose();
  }
}, 120_000);

it('a notebook of an untrusted pack opens and can be read, but its cells get no kernel until the pack is trusted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlsys-nbk-trust-'));
  const ws = createWorkspace({ workspaceDir: join(dir, 'ws'), labsDir: builtinLabsDir(), mode: 'browser', log: () => {} });
  try {
    await ws.dispatcher.call('packs.import', [writePackFolder(join(dir, 'demo'))]);
    const doc = (await ws.dispatcher.call('notebooks.open', [{ pack: 'demo-lab', notebook: 'demo-lab.ipynb' }])) as NotebookDocument;
    expect(doc.cells.length).toBeGreaterThan(0);
    const code = doc.cells.filter((c) => c.type === 'code').map((c) => c.id);
    await expect(ws.dispatcher.call('notebooks.run', [doc.path, code])).rejects.toThrow(/restricted mode/);
    expect(ws.kernels.list()).toEqual([]);
  } finally {
    await ws.dispose();
  }
});

it("a pack notebook's cells read the pack's own data files, as `pack check` runs them", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlsys-nbk-data-'));
  const labsDir = join(dir, 'labs');
  const read = `import { readFileSync } from 'node:fs';\nreadFileSync('data/points.csv', 'utf8').trim().split('\\n').length`;
  writePackFolder(join(labsDir, '01-demo'), { files: { 'demo-lab.ipynb': notebook('Demo lab', read), 'data/points.csv': 'x,y\n1,2\n3,4\n' } });
  const ws = createWorkspace({ workspaceDir: join(dir, 'ws'), labsDir, mode: 'browser', log: () => {} });
  try {
    const doc = (await ws.dispatcher.call('notebooks.open', [{ pack: 'demo-lab', notebook: 'demo-lab.ipynb' }])) as NotebookDocument;
    expect(doc.path).toBe('notebooks/demo-lab/demo-lab.ipynb');
    const cell = doc.cells.find((c) => c.type === 'code')!.id;
    await ws.dispatcher.call('notebooks.run', [doc.path, [cell]]);
    let now = doc;
    for (let i = 0; i < 600 && !(now.runs[cell]?.lastRun && now.runs[cell].state === 'idle'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = (await ws.dispatcher.call('notebooks.get', [doc.path])) as NotebookDocument;
    }
    const outputs = JSON.stringify(now.cells.find((c) => c.id === cell)!.outputs);
    expect(outputs).not.toContain('ENOENT');
    expect(outputs).toContain('"text/plain":"3"');
  } finally {
    await ws.dispose();
  }
}, 120_000);
