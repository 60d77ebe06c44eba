import { describe, expect, it } from 'vitest';
import { CellSyntaxError, compileCell } from '../../kernels/runtime/compile-cell';

describe('compileCell', () => {
  it('lists every top-level name a cell declares, and none of its inner ones', async () => {
    const cell = await compileCell(
      [
        "import * as tf from '@tensorflow/tfjs';",
        "import def, { a as b, c } from 'm';",
        'const { d, e: [f, ...g] } = obj; let h; var i = 1;',
        'function j() { const inner = 1; return inner }',
        'class K {}',
        'enum L { M }',
        'interface N { o: number }',
        'type P = string;',
        'export const q = 1;',
        '{ const blockScoped = 2 }',
        'for (let loop = 0; loop < 1; loop++) {}',
      ].join('\n'),
    );
    expect(cell.declared.sort()).toEqual(['K', 'L', 'b', 'c', 'd', 'def', 'f', 'g', 'h', 'i', 'j', 'q', 'tf'].sort());
  });

  it('reports a syntax error at the line and column of the TypeScript source', async () => {
    const err = await compileCell('let ok = 1;\n\nconst broken: number = (1 + ;').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CellSyntaxError);
    expect(err).toMatchObject({ line: 3, column: 29 });
  });

  it('maps positions in the script back through the type annotations it removed', async () => {
    const cell = await compileCell('interface A { x: number }\nconst a: A = { x: 1 };\nconst long: Map<string, number> = new Map(); long.get("k")!.toFixed();');
    const lines = cell.script.split('\n');
    const line = lines.findIndex((l) => l.includes('long.get'));
    const column = lines[line].indexOf('.toFixed') + 2;
    expect(cell.toSource(line + 1, column)).toEqual({ line: 3, column: 'const long: Map<string, number> = new Map(); long.get("k")!.toFixed'.indexOf('.toFixed') + 2 });
  });
});
