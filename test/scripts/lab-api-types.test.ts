import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { labApiTypes } from '../../scripts/tfjs-types-plugin';

const root = join(__dirname, '..', '..');

/** Type errors of `cell` against the lab declarations cells get in the editor (as Monaco's worker would see them). */
function typeErrors(cell: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'mlsys-lab-types-'));
  try {
    writeFileSync(join(dir, 'lab-api.d.ts'), labApiTypes(root));
    writeFileSync(join(dir, 'cell.ts'), `export {};\n${cell}\n`);
    const program = ts.createProgram([join(dir, 'lab-api.d.ts'), join(dir, 'cell.ts')], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: [],
      baseUrl: root,
      paths: { '@tensorflow/tfjs': ['node_modules/@tensorflow/tfjs'] },
    });
    return ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the lab API declarations cells see in the editor', () => {
  it('type lab.queues and lab.datasets: a correct cell has no errors, a wrong field is an error', () => {
    expect(
      typeErrors(`
        const pool = await lab.datasets.import('/tmp/pool-images-idx3-ubyte', { name: 'pool', format: 'idx' });
        const q = await lab.queues.open({ dataset: pool.id, name: 'q', strategy: 'margin', refreshEvery: 10 });
        const ids: number[] = await lab.queues.sampleIds(q);
        const loop = lab.queues.keepFresh(q, ({ labels }) => ({ modelVersion: 'v' + labels.count, sampleIds: ids, probabilities: ids.map(() => [0.5, 0.5]) }));
        const batch = await lab.queues.take(q, 20);
        await lab.queues.label(q, batch.map((b) => ({ sampleId: b.sampleId, value: '1' })));
        const v: { modelVersion: string; labels: number } = await loop.trainedOn(20);
      `),
    ).toEqual([]);
    const wrong = typeErrors(`await lab.queues.open({ dataset: 'd', name: 'q', strategy: 'bald' });`);
    expect(wrong.join('\n')).toMatch(/"bald"/);
  }, 60_000);
});

describe('lab.seed in the editor', () => {
  it('takes a name and an optional number and gives a number', () => {
    expect(typeErrors(`const s: number = lab.seed('shuffle', 7) + lab.seed('init');`)).toEqual([]);
    expect(typeErrors(`lab.seed(7);`).join('\n')).toMatch(/not assignable to parameter of type 'string'/);
  }, 60_000);
});

describe('lab.energy in the editor', () => {
  it('types lab.energy.measure and its report', () => {
    expect(
      typeErrors(`
        const block = await lab.energy.measure(async () => 42);
        const answer: number = block.result;
        const joules: number = block.energy.joules;
      `),
    ).toEqual([]);
    expect(typeErrors(`const j: string = (await lab.energy.measure(async () => 1)).energy.joules;`).join('\n')).toMatch(/not assignable to type 'string'/);
  }, 60_000);
});
