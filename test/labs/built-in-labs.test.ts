import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { refreshManifest } from '../../main/packs/author';
import { countChecks } from '../../main/packs/check-cells';
import { openPackSource } from '../../main/packs/pack-source';
import { verifyPack } from '../../main/packs/verify-pack';
import { parseIpynb } from '../../main/notebooks/ipynb';
import type { NotebookDocument } from '../../main/api/notebooks';
import type { SubmissionFile } from '../../main/api/packs';
import { readSubmission } from '../../main/packs/submission';
import { createWorkspace } from '../../main/workspace';

// Fast structural checks of every lab shipped in labs/; running them headless is `npm run labs:check`.
const labsDir = join(__dirname, '..', '..', 'labs');
const labs = readdirSync(labsDir).filter((d) => existsSync(join(labsDir, d, 'labpack.json')));

describe('built-in labs', () => {
  it('there is at least one lab in labs/', () => {
    expect(labs.length).toBeGreaterThan(0);
  });

  for (const lab of labs) {
    it(`${lab} passes pack validate: manifest valid and every SHA-256 up to date`, async () => {
      const dir = join(labsDir, lab);
      const r = await refreshManifest(dir, { dryRun: true });
      expect({ added: r.added, removed: r.removed, updated: r.updated }).toEqual({ added: [], removed: [], updated: [] });
      const pack = await verifyPack(await openPackSource(dir));
      expect(pack.manifest.notebooks.length).toBeGreaterThan(0);
      // the app's notebook reader takes every notebook (nbformat 4.5 needs a cell id on every cell)
      for (const nb of pack.manifest.notebooks) expect(() => parseIpynb(readFileSync(join(dir, nb), 'utf8'), nb, () => 'new-id')).not.toThrow();
    });

    // lab 01 predates the lab rules (checks, plots); every lab from 02 on is held to them
    if (!lab.startsWith('01-')) {
      it(`${lab} has at least three checks (lab.check calls in check cells) and an interactive plot`, () => {
        const manifest = JSON.parse(readFileSync(join(labsDir, lab, 'labpack.json'), 'utf8')) as { notebooks: string[] };
        const texts = manifest.notebooks.map((nb) => readFileSync(join(labsDir, lab, nb), 'utf8'));
        expect(texts.reduce((n, t) => n + countChecks(t), 0)).toBeGreaterThanOrEqual(3);
        expect(texts.some((t) => t.includes('lab.plot('))).toBe(true);
      });
    }
  }
});

describe('a built-in lab run in the app', () => {
  it('04-skew-drift: its hand-in lists the seeds its cells name with lab.seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlsys-lab-04-'));
    const ws = createWorkspace({ workspaceDir: join(dir, 'ws'), labsDir, mode: 'browser', log: () => {} });
    const call = <T>(method: string, ...args: unknown[]) => ws.dispatcher.call(method, args) as Promise<T>;
    try {
      const doc = await call<NotebookDocument>('notebooks.open', { pack: 'skew-drift', notebook: 'skew-drift.ipynb' });
      const cells = doc.cells.filter((c) => c.type === 'code').map((c) => c.id);
      await call('notebooks.run', doc.path, cells);
      let now = doc;
      for (let i = 0; i < 600 && !cells.every((id) => now.runs[id]?.state === 'idle' && now.runs[id]?.lastRun); i++) {
        await new Promise((r) => setTimeout(r, 100));
        now = await call<NotebookDocument>('notebooks.get', doc.path);
      }
      expect(cells.map((id) => now.runs[id]?.lastRun?.ok)).toEqual(cells.map(() => true));
      const file = await call<SubmissionFile>('packs.exportSubmission', 'skew-drift', 'Ada');
      const { submission } = await readSubmission(readFileSync(file.path), basename(file.path));
      expect(submission.reproducibility.seeds).toEqual({ 'anemometer outage': 2015, 'random splits': 7 });
    } finally {
      await ws.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
