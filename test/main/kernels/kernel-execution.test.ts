import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIME } from '../../../kernels/protocol';
import { resultText, startTestKernel, type TestKernel } from '../../helpers/kernel';

let k: TestKernel;
beforeAll(async () => {
  k = await startTestKernel();
}, 60_000);
afterAll(() => k?.dispose());

describe('a kernel process runs TypeScript cells with Jupyter semantics', () => {
  it('keeps top-level declarations of every kind for later cells', async () => {
    const first = await k.run(
      [
        'const a: number = 2;',
        'let b = 3; var c = 4;',
        'const { d, e: [f] } = { d: 5, e: [6] };',
        'function twice(n: number): number { return n * 2 }',
        'class Box { constructor(public v: number) {} }',
        'enum Color { Red, Green }',
        'interface Point { x: number }',
        'type Pair = [number, number];',
      ].join('\n'),
    );
    expect(first.reply.status).toBe('ok');
    const second = await k.run('a + b + c + d + f + twice(1) + new Box(10).v + Color.Green');
    expect(resultText(second)).toBe(String(2 + 3 + 4 + 5 + 6 + 2 + 10 + 1));
  });

  it('lets a cell declaring const run again, and a later cell redeclare the name', async () => {
    expect((await k.run('const again = 1; again')).reply.status).toBe('ok');
    expect(resultText(await k.run('const again = 2; again'))).toBe('2');
    expect(resultText(await k.run('let again = "three"; again'))).toBe("'three'");
  });

  it('supports top-level await and keeps what was awaited', async () => {
    const run = await k.run('const waited = await new Promise<number>((r) => setTimeout(() => r(42), 20));\nwaited');
    expect(resultText(run)).toBe('42');
    expect(resultText(await k.run('waited + 1'))).toBe('43');
  });

  it('gives cells the kernel\'s own TensorFlow.js module and reports the backend', async () => {
    const run = await k.run("import * as tf from '@tensorflow/tfjs';\ntf.getBackend()");
    const backend = k.session.status().backend;
    expect(backend).not.toBeNull();
    expect(resultText(run)).toBe(`'${backend!.tfBackend}'`);
  });

  it('fails an import of a package that is not installed with an error that says so', async () => {
    const run = await k.run("import leftPad from 'left-pad-not-installed';");
    expect(run.reply.status).toBe('error');
    expect(run.reply.ename).toBe('ImportError');
    expect(run.reply.evalue).toContain('"left-pad-not-installed"');
    expect(run.reply.evalue).toContain('not installed');
  });

  it('gives a dynamic import() the same modules, and the same error for a missing package', async () => {
    const same = await k.run("const tfAgain = await import('@tensorflow/tfjs');\nconst { readFileSync } = await import('node:fs');\n[tfAgain.getBackend() === (await import('@tensorflow/tfjs')).getBackend(), typeof readFileSync]");
    expect(resultText(same)).toBe("[ true, 'function' ]");
    const missing = await k.run("await import('left-pad-not-installed')");
    expect(missing.reply.ename).toBe('ImportError');
    expect(missing.reply.evalue).toContain('"left-pad-not-installed"');
  });

  it('shows a tensor result with shape, dtype and values', async () => {
    const run = await k.run("import * as tf from '@tensorflow/tfjs';\nconst t = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);\nt");
    const result = run.outputs.find((o) => o.output_type === 'execute_result');
    expect(result?.output_type).toBe('execute_result');
    const data = (result as { data: Record<string, unknown> }).data;
    expect(data[MIME.tensor]).toMatchObject({ shape: [2, 3], dtype: 'float32', values: [1, 2, 3, 4, 5, 6], bytes: 24 });
    expect(String(data['text/plain'])).toContain('float32 [2, 3]');
  });

  it('shows an array of records as a table and a Plotly figure as a figure', async () => {
    const table = await k.run('[{ name: "a<b", n: 1 }, { name: "c", n: 2 }]');
    const tdata = (table.outputs.find((o) => o.output_type === 'execute_result') as { data: Record<string, unknown> }).data;
    expect(tdata['text/html']).toContain('<th>name</th>');
    expect(tdata['text/html']).toContain('a&lt;b');
    const fig = await k.run('({ data: [{ type: "scatter", x: [1, 2], y: new Float32Array([3, 4]) }], layout: { title: "t" } })');
    const fdata = (fig.outputs.find((o) => o.output_type === 'execute_result') as { data: Record<string, unknown> }).data;
    expect(fdata[MIME.plotly]).toEqual({ data: [{ type: 'scatter', x: [1, 2], y: [3, 4] }], layout: { title: 't' } });
  });

  it('names the line and column of an error in the cell\'s own TypeScript', async () => {
    const run = await k.run(['interface Thing { name: string }', 'const things: Thing[] = [];', '', 'const first = things[0]!;', 'const n: number = first.name.length;'].join('\n'));
    expect(run.reply.status).toBe('error');
    expect(run.reply.ename).toBe('TypeError');
    // `first.name` reads .name of undefined at line 5; V8 points at the property access
    expect(run.reply.traceback!.join('\n')).toMatch(/line 5, column 2\d/);
    expect(run.reply.traceback!.join('\n')).toContain('5 | const n: number = first.name.length;');
  });

  it('names the line and column of a syntax error', async () => {
    const run = await k.run('const ok = 1;\nconst broken = (1 + ;\n');
    expect(run.reply.ename).toBe('SyntaxError');
    expect(run.reply.traceback!.join('\n')).toContain('line 2, column 21');
  });

  it('maps errors thrown inside functions defined by earlier cells to those cells', async () => {
    await k.run('function explode(): never {\n  throw new RangeError("boom");\n}');
    const run = await k.run('explode()');
    expect(run.reply.ename).toBe('RangeError');
    expect(run.reply.traceback!.join('\n')).toMatch(/line 2, column 9/);
  });

  it('streams console output in the order it was written, stdout and stderr interleaved', async () => {
    const run = await k.run('console.log("one"); console.error("two"); process.stdout.write("three\\n"); console.warn("four"); console.info("five");');
    expect(run.streams).toEqual(['stdout:one\n', 'stderr:two\n', 'stdout:three\n', 'stderr:four\n', 'stdout:five\n']);
  });

  it('reports wall time, CPU time and tf.memory() after every cell', async () => {
    const run = await k.run('const kept = tf.zeros([10, 10]); let s = 0; for (let i = 0; i < 1e6; i++) s += i;');
    const m = run.reply.metrics!;
    expect(m.wall_ms).toBeGreaterThan(0);
    expect(m.cpu_ms).toBeGreaterThan(0);
    expect(m.memory!.numTensors).toBeGreaterThanOrEqual(1);
    const before = m.memory!.numBytes;
    const after = (await k.run('tf.dispose(kept)')).reply.metrics!.memory!;
    expect(after.numBytes).toBe(before - 400);
  });

  it('reports per cell the tensors it created, those a variable keeps and those it leaked, with their bytes', async () => {
    await k.run("import * as tf from '@tensorflow/tfjs';");
    const made = await k.run(
      [
        'const grid = tf.ones([10, 10]);',
        'const flat = grid.reshape([100]);',
        'tf.tidy(() => { tf.square(tf.ones([5])); });',
        'tf.dispose(tf.zeros([7]));',
        // nothing holds these two: the second shares the first one's 64-byte buffer
        'tf.ones([16]).reshape([4, 4]);',
      ].join('\n'),
    );
    const t = made.reply.metrics!.tensors!;
    // grid, flat, the two in tidy, the one disposed, the two lost ones
    expect(t).toEqual({ created: 7, kept: 2, leaked: 2, leakedBytes: 64 });
    // held deep in a variable (an object in an array in a Map) is kept; a tensor only a closure holds is out of reach
    const deep = await k.run("const registry = new Map([['a', [{ w: tf.zeros([3]) }]]]);\nconst hidden = (() => { const t = tf.zeros([2]); return () => t; })();");
    expect(deep.reply.metrics!.tensors).toEqual({ created: 2, kept: 1, leaked: 1, leakedBytes: 8 });
    // a model's weights and its optimizer's slots are the model's
    const model = await k.run(
      "const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });\nm.compile({ optimizer: 'adam', loss: 'meanSquaredError' });\nawait m.fit(tf.ones([4, 3]), tf.ones([4, 2]), { epochs: 1, verbose: 0 });",
    );
    const mt = model.reply.metrics!.tensors!;
    expect(mt.kept).toBeGreaterThanOrEqual(2);
    // what fit() leaves: the two training tensors passed in without a variable
    expect(mt.leaked).toBe(2);
    // disposing earlier tensors is not a leak of this cell; a cell without tensors creates none
    expect((await k.run('tf.dispose([grid, flat])')).reply.metrics!.tensors).toEqual({ created: 0, kept: 0, leaked: 0, leakedBytes: 0 });
  });

  it('updates a display in place (progress bar)', async () => {
    const run = await k.run('const bar = lab.progress(3, "work"); for (let i = 0; i < 3; i++) { await new Promise((r) => setTimeout(r, 110)); bar.increment(); }');
    const first = run.outputs.find((o) => o.output_type === 'display_data') as { transient?: { display_id?: string } };
    const id = first.transient!.display_id!;
    const updates = run.outputs.filter((o) => o.output_type === 'update_display_data');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.every((u) => u.output_type === 'update_display_data' && u.transient.display_id === id)).toBe(true);
    const last = updates[updates.length - 1] as { data: Record<string, unknown> };
    expect(last.data[MIME.progress]).toMatchObject({ done: 3, total: 3, label: 'work' });
  });

  it('draws live training curves for model.fit and updates them in place', async () => {
    const run = await k.run(
      [
        "import * as tf from '@tensorflow/tfjs';",
        'const net = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: "softmax" })] });',
        'net.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });',
        'const hx = tf.randomNormal([16, 3]); const hy = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "int32"), 2);',
        'await net.fit(hx, hy, { epochs: 3, callbacks: lab.fitCallback({ title: "toy" }) });',
      ].join('\n'),
    );
    expect(run.reply.status).toBe('ok');
    const shown = run.outputs.find((o) => o.output_type === 'display_data') as { data: Record<string, unknown>; transient: { display_id: string } };
    expect(shown.data[MIME.plotly]).toBeDefined();
    const updates = run.outputs.filter((o) => o.output_type === 'update_display_data');
    const final = (updates[updates.length - 1] as { data: Record<string, { data: { name: string; y: number[] }[] }> }).data[MIME.plotly];
    expect(final.data.map((t) => t.name).sort()).toEqual(['acc', 'loss']);
    expect(final.data.every((t) => t.y.length === 3)).toBe(true);
  });

  it('displays values and Plotly figures from anywhere in a cell', async () => {
    const run = await k.run('lab.display("first"); lab.plot([{ type: "bar", x: ["a"], y: [1] }], { title: "bars" }); lab.display({ "text/html": "<b>x</b>" }, { raw: true });');
    const shown = run.outputs.filter((o) => o.output_type === 'display_data').map((o) => (o as { data: Record<string, unknown> }).data);
    expect(shown[0]['text/plain']).toBe('first');
    expect(shown[1][MIME.plotly]).toEqual({ data: [{ type: 'bar', x: ['a'], y: [1] }], layout: { title: 'bars' } });
    expect(shown[2]).toEqual({ 'text/html': '<b>x</b>' });
  });

  it('shows no result for a cell that ends with lab.plot, as Jupyter shows none after display()', async () => {
    const run = await k.run('lab.plot([{ type: "scatter", y: [1, 2] }])');
    expect(run.outputs.map((o) => o.output_type)).toEqual(['display_data']);
    const value = await k.run('const h = lab.display("x"); h.id.length > 0');
    expect(value.outputs.map((o) => o.output_type)).toEqual(['display_data', 'execute_result']);
  });

  it('records checks as outputs the runner can count', async () => {
    const run = await k.run('lab.check("two is even", 2 % 2 === 0); lab.check("one is even", 1 % 2 === 0, "1 % 2 is 1")');
    const checks = run.outputs.filter((o) => o.output_type === 'display_data').map((o) => (o as { data: Record<string, unknown> }).data[MIME.check]);
    expect(checks).toEqual([
      { name: 'two is even', passed: true },
      { name: 'one is even', passed: false, detail: '1 % 2 is 1' },
    ]);
  });

  it('completes names in scope and members of objects', async () => {
    await k.run('const learningRate = 0.01; const config = { epochs: 3, batchSize: 32 };');
    const names = await k.session.complete('learn', 5);
    expect(names.matches).toContain('learningRate');
    expect(names.cursor_start).toBe(0);
    const members = await k.session.complete('config.ba', 9);
    expect(members.matches).toEqual(['batchSize']);
    expect(members.cursor_start).toBe(7);
  });

  it('lists variables with tensor shape, dtype and bytes', async () => {
    await k.run('const weights = tf.ones([4, 8], "int32"); const label = "cat";');
    const vars = await k.session.inspectVariables();
    expect(vars.find((v) => v.name === 'weights')).toMatchObject({ type: 'Tensor', shape: [4, 8], dtype: 'int32', bytes: 128 });
    expect(vars.find((v) => v.name === 'label')).toMatchObject({ type: 'string', summary: 'cat', length: 3 });
  });

  it('answers lab.request through the handlers main registered', async () => {
    const { LabRequestRouter } = await import('../../../main/kernels');
    const router = new LabRequestRouter();
    router.register('echo.twice', (args) => (args[0] as number) * 2);
    const k2 = await startTestKernel({ labRequests: router });
    try {
      expect(resultText(await k2.run('await lab.request("echo.twice", 21)'))).toBe('42');
      const missing = await k2.run('await lab.request("datasets.nope")');
      expect(missing.reply.evalue).toContain('datasets.nope');
    } finally {
      await k2.dispose();
    }
  });
});
