import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotebookEvent } from '../../../main/api/notebooks';
import { builtinLabsDir } from '../../../main/paths';
import { NotebookService } from '../../../main/notebooks/notebook-service';
import { applyKernelEvent } from '../../../main/notebooks/apply-kernel-event';

let dir: string;
let events: NotebookEvent[];
let autosave: number;
let service: NotebookService;

const write = (rel: string, nb: unknown) => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), typeof nb === 'string' ? nb : JSON.stringify(nb));
};
const simple = (source = 'const x = 1;') => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'mlsys-lab-typescript', language: 'typescript', display_name: 'TypeScript' } },
  cells: [{ cell_type: 'code', id: 'c1', metadata: {}, source, execution_count: null, outputs: [] }],
});
const waitFor = async (cond: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-lab-nb-'));
  events = [];
  autosave = 0;
  service = new NotebookService({
    workspaceDir: dir,
    packs: [{ dir: builtinLabsDir(), trusted: true }],
    autosaveSeconds: () => autosave,
    emit: (e) => events.push(e),
  });
});
afterEach(async () => {
  await service.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('notebook sessions', () => {
  it('opens every notebook of every built-in lab', async () => {
    const labs = readdirSync(builtinLabsDir()).filter((d) => existsSync(join(builtinLabsDir(), d, 'labpack.json')));
    expect(labs.length).toBeGreaterThanOrEqual(4);
    for (const lab of labs) {
      const manifest = JSON.parse(readFileSync(join(builtinLabsDir(), lab, 'labpack.json'), 'utf8')) as { id: string; notebooks: string[] };
      for (const notebook of manifest.notebooks) {
        const doc = await service.open({ pack: manifest.id, notebook });
        expect(doc.cells.filter((c) => c.type === 'code').length, `${lab}/${notebook}`).toBeGreaterThan(0);
      }
    }
  });

  it("opens a pack's notebook as the attendee's copy and never modifies the pack file", async () => {
    const packFile = join(builtinLabsDir(), '01-software-2', 'software-2.ipynb');
    const before = readFileSync(packFile, 'utf8');
    const doc = await service.open({ pack: 'software-2', notebook: 'software-2.ipynb' });
    expect(doc.path).toBe('notebooks/software-2/software-2.ipynb');
    expect(doc.trusted).toBe(true);
    expect(doc.readOnly).toBe(false);
    expect(doc.cells.length).toBeGreaterThan(1);
    const code = doc.cells.find((c) => c.type === 'code')!;
    await service.edit(doc.path, [{ kind: 'source', cellId: code.id, source: '// mine' }], 'test');
    await service.save(doc.path);
    expect(readFileSync(packFile, 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(join(dir, doc.path), 'utf8')).cells.find((c: { id: string }) => c.id === code.id).source).toEqual(['// mine']);
    // opening again returns the same session, edits included
    const again = await service.open({ pack: 'software-2', notebook: 'software-2.ipynb' });
    expect(again.cells.find((c) => c.id === code.id)!.source).toBe('// mine');
    await expect(service.open({ pack: 'software-2', notebook: '../../etc.ipynb' })).rejects.toThrow(/has no notebook/);
    await expect(service.open({ pack: 'nope', notebook: 'x.ipynb' })).rejects.toThrow(/no lab pack with id "nope"/);
    await expect(service.open({ path: '../outside.ipynb' })).rejects.toThrow(/leaves the workspace/);
  });

  it('saves an untouched notebook with the same content and leaves no temporary files', async () => {
    write('a.ipynb', simple());
    const doc = await service.open({ path: 'a.ipynb' });
    await service.save(doc.path);
    expect(JSON.parse(readFileSync(join(dir, 'a.ipynb'), 'utf8'))).toEqual(simple());
    expect(readdirSync(dir)).toEqual(['a.ipynb']);
  });

  it('refuses to overwrite a file changed on disk by another program, and says so before the save', async () => {
    write('a.ipynb', simple());
    const doc = await service.open({ path: 'a.ipynb' });
    await service.edit(doc.path, [{ kind: 'source', cellId: 'c1', source: 'mine' }], 'test');
    write('a.ipynb', simple('theirs'));
    await waitFor(() => events.some((e) => e.change.kind === 'state' && e.change.state.diskChanged));
    await expect(service.save(doc.path)).rejects.toThrow(/changed on disk by another program.*Nothing was written/);
    expect(JSON.parse(readFileSync(join(dir, 'a.ipynb'), 'utf8')).cells[0].source).toBe('theirs');
    const state = await service.save(doc.path, { overwrite: true });
    expect(state).toMatchObject({ dirty: false, diskChanged: false });
    expect(JSON.parse(readFileSync(join(dir, 'a.ipynb'), 'utf8')).cells[0].source).toEqual(['mine']);
  });

  it('autosaves after the configured delay, but not over a conflicting change', async () => {
    autosave = 0.05;
    write('a.ipynb', simple());
    const doc = await service.open({ path: 'a.ipynb' });
    await service.edit(doc.path, [{ kind: 'source', cellId: 'c1', source: 'auto' }], 'test');
    await waitFor(() => readFileSync(join(dir, 'a.ipynb'), 'utf8').includes('"auto"'));
    await waitFor(async () => !(await service.get(doc.path)).dirty);
    write('a.ipynb', simple('theirs'));
    await waitFor(() => events.some((e) => e.change.kind === 'state' && e.change.state.diskChanged));
    await service.edit(doc.path, [{ kind: 'source', cellId: 'c1', source: 'auto 2' }], 'test');
    await new Promise((r) => setTimeout(r, 200));
    expect(JSON.parse(readFileSync(join(dir, 'a.ipynb'), 'utf8')).cells[0].source).toBe('theirs');
    expect((await service.get(doc.path)).dirty).toBe(true);
  });

  it('opens a Python notebook read-only with its outputs and a notice', async () => {
    write('py.ipynb', {
      nbformat: 4,
      nbformat_minor: 4,
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
      cells: [{ cell_type: 'code', metadata: {}, source: 'print(1)', execution_count: 1, outputs: [{ output_type: 'stream', name: 'stdout', text: '1\n' }] }],
    });
    const doc = await service.open({ path: 'py.ipynb' });
    expect(doc.readOnly).toBe(true);
    expect(doc.notice).toMatch(/written for python \(kernel "Python 3"\).*read-only/);
    expect(doc.cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '1\n' }]);
    await expect(service.edit(doc.path, [{ kind: 'delete', cellId: doc.cells[0].id }], 't')).rejects.toThrow(/read-only/);
    await expect(service.save(doc.path)).rejects.toThrow(/read-only/);
  });

  it('opens nothing from an invalid file and names the wrong field', async () => {
    write('bad.ipynb', { ...simple(), cells: [{ cell_type: 'code', id: 'c1', metadata: {}, source: '', execution_count: 'one', outputs: [] }] });
    await expect(service.open({ path: 'bad.ipynb' })).rejects.toThrow(/Cannot open "bad.ipynb": cells\[0\]\.execution_count must be an integer or null/);
    await expect(service.get('bad.ipynb')).rejects.toThrow(/not open/);
  });

  it('keeps kernel outputs in the session and refuses to close it with unsaved work', async () => {
    write('a.ipynb', simple());
    const doc = await service.open({ path: 'a.ipynb' });
    const m = service.model(doc.path);
    applyKernelEvent(m, 'c1', { msg_type: 'execute_input', content: { execution_count: 1 } });
    applyKernelEvent(m, 'c1', { msg_type: 'stream', content: { name: 'stdout', text: 'still here\n' } });
    const caughtUp = await service.open({ path: 'a.ipynb' });
    expect(caughtUp.cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'still here\n' }]);
    expect(caughtUp.runs.c1.state).toBe('running');
    await expect(service.close(doc.path)).rejects.toThrow(/unsaved changes/);
    await service.revert(doc.path);
    expect((await service.get(doc.path)).cells[0].outputs).toEqual([]);
    await service.close(doc.path);
  });
});
