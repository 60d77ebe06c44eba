import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueService } from '../../../main/queues';
import { DatasetService, lazySqliteQueueStore } from '../../../main/store';

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', '..', 'bin', 'mlsys-lab.js');

/** `npx mlsys-lab data ...` as a real process; resolves with its exit code and output. */
async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [BIN, 'data', ...argv], { encoding: 'utf8' });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mlsys-cli-labels-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npx mlsys-lab data labels (offline teams, through a real process)', () => {
  it('an annotator\'s labels go to a file on one machine and into another workspace; twice changes nothing, a conflict is kept beside', async () => {
    const laptop = join(root, 'laptop');
    const server = join(root, 'server');
    for (const ws of [laptop, server]) expect((await cli('import', '/work/shared/data/sklearn/iris.csv', '--workspace', ws)).code).toBe(0);

    // the annotator labels 3 items on the laptop, offline; the server has its own label for one of them
    const label = async (ws: string, annotator: string, values: string[]) => {
      const datasets = new DatasetService({ file: join(ws, 'lab.db') });
      const queues = new QueueService(lazySqliteQueueStore(() => datasets.store));
      const q = await queues.open({ datasetId: 1, name: 'iris', strategy: 'random', overlap: 0, refreshEvery: 0 });
      let state = await queues.resume(q.id, annotator);
      const labeled: number[] = [];
      for (const v of values) {
        labeled.push(state.item!.position);
        state = await queues.label(q.id, annotator, state.item!.sampleId, v);
      }
      datasets.close();
      return labeled;
    };
    const positions = await label(laptop, 'ana', ['0', '1', '2']);
    const serverPositions = await label(server, 'ben', ['2']);
    expect(serverPositions[0]).toBe(positions[0]); // same queue order on both machines: same first item

    const file = join(root, 'ana.labels.jsonl');
    const exported = await cli('labels', 'export', 'iris', file, '--annotator', 'ana', '--workspace', laptop);
    expect(exported).toEqual({ code: 0, out: `Wrote 3 label(s) of "iris" by ana to ${file}.\n` });

    const first = await cli('labels', 'import', file, '--workspace', server);
    expect(first).toEqual({ code: 0, out: `Imported 3 label(s) from ${file}: 0 already here, 1 kept beside a different label.\n` });
    const again = await cli('labels', 'import', file, '--workspace', server);
    expect(again.out).toBe(`Imported 0 label(s) from ${file}: 3 already here, 0 kept beside a different label.\n`);

    // in the server's SQLite: ben's label and ana's conflicting one, side by side, with provenance
    const datasets = new DatasetService({ file: join(server, 'lab.db') });
    const sampleId = datasets.store.datasets.page(1, positions[0], 1)[0].id;
    const history = await datasets.labelHistory(sampleId);
    datasets.close();
    expect(history.filter((h) => h.source !== 'import').map((h) => [h.annotator, h.value])).toEqual([
      ['ben', '2'],
      ['ana', '0'],
    ]);
  }, 60_000);

  it('says what is wrong with a bad command or file', async () => {
    const ws = join(root, 'bad');
    expect(await cli('labels', 'export', 'iris', '--workspace', ws)).toMatchObject({ code: 2, out: expect.stringContaining('data labels export takes DATASET and FILE') });
    const missing = await cli('labels', 'import', join(root, 'nope.jsonl'), '--workspace', ws);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('nope.jsonl');
  }, 30_000);
});
