import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIME } from '../../../kernels/protocol';
import { KernelManager } from '../../../main/kernels';
import { runNotebook, type Notebook } from '../../../main/kernels/notebook-runner';
import { projectRoot } from '../../../main/paths';

const fixtures = join(projectRoot(), 'test', 'fixtures', 'notebooks');
const cli = join(projectRoot(), 'out', 'main', 'cli.js');

function runCli(args: string[]) {
  return spawnSync(process.execPath, [cli, 'run', ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('mlsys-lab run', () => {
  it('runs a notebook top to bottom, writes nbformat outputs and prints a one-line summary', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mlsys-run-')), 'executed.ipynb');
    const r = runCli([join(fixtures, 'small-lab.ipynb'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^small-lab\.ipynb: 4\/5 cells, 0 errors, checks 2\/2 passed, [\d.]+ s \(backend \S+\)$/m);
    const nb = JSON.parse(readFileSync(out, 'utf8')) as Notebook;
    const [, print, result, progress, checks, skipped] = nb.cells;
    expect(print.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: ['sum is 6\n'] }]);
    expect(print.execution_count).toBe(1);
    expect(result.outputs![0]).toMatchObject({ output_type: 'execute_result', execution_count: 2, data: { [MIME.tensor]: { shape: [3], values: [2, 4, 6] } } });
    // the progress bar was updated in place: one output, in its final state, without transient ids
    expect(progress.outputs).toHaveLength(1);
    expect(progress.outputs![0]).toMatchObject({ output_type: 'display_data', data: { [MIME.progress]: { done: 2, total: 2 } } });
    expect(progress.outputs![0]).not.toHaveProperty('transient');
    expect(checks.outputs).toHaveLength(2);
    expect(skipped.outputs).toEqual([]);
    expect(skipped.execution_count).toBeNull();
    expect((print.metadata['mlsys-lab'] as { metrics: { wall_ms: number } }).metrics.wall_ms).toBeGreaterThan(0);
  });

  it('exits non-zero when a cell fails, and runs no cell after it', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mlsys-run-')), 'executed.ipynb');
    const r = runCli([join(fixtures, 'error.ipynb'), '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('1 error');
    expect(r.stdout).toContain("first error in cell 2: TypeError: Cannot read properties of undefined (reading 'value')");
    const nb = JSON.parse(readFileSync(out, 'utf8')) as Notebook;
    const error = nb.cells[1].outputs![0] as { output_type: string; traceback: string[] };
    expect(error.output_type).toBe('error');
    expect(error.traceback.join('\n')).toContain('line 3, column 7');
    expect(nb.cells[2].outputs).toEqual([]);
  });

  it('refuses a notebook in another language with a clear message', () => {
    const r = runCli([join(fixtures, 'python.ipynb')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('python.ipynb is a python notebook (kernel "Python 3 (ipykernel)")');
    expect(r.stderr).toContain('TypeScript and JavaScript notebooks');
  });

  it('refuses a notebook the app would refuse, naming the field, before starting a kernel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlsys-run-bad-'));
    const file = join(dir, 'bad.ipynb');
    const cell = { cell_type: 'code', id: 'a', metadata: {}, source: '1', execution_count: null, outputs: [{ output_type: 'stream', name: 'stdin', text: '' }] };
    writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'mlsys-lab-typescript', language: 'typescript' } }, cells: [cell] }));
    const r = runCli([file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cells[0].outputs[0].name must be "stdout" or "stderr"');
  });

  it('accepts TypeScript notebooks written by tslab and by Deno\'s kernel', async () => {
    const manager = new KernelManager({ log: () => {} });
    try {
      const tslab = await runNotebook(join(fixtures, 'tslab.ipynb'), { manager });
      expect(tslab.errors).toBe(0);
      expect(tslab.notebook.cells[0].outputs![0]).toMatchObject({ data: { 'text/plain': ["'hello from tslab'"] } });
      const deno = await runNotebook(join(fixtures, 'deno.ipynb'), { manager });
      expect(deno.errors).toBe(0);
      expect(deno.notebook.cells[0].outputs![0]).toMatchObject({ data: { 'text/plain': ['42'] } });
      expect(manager.list()).toEqual([]);
    } finally {
      await manager.dispose();
    }
  });
});

/** Child processes of `pid`, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe.skipIf(process.platform !== 'linux')('kernel lifetime', () => {
  it('a kernel busy in an endless loop exits when the process that started it is killed', async () => {
    const runner = spawn(process.execPath, [cli, 'run', join(fixtures, 'endless.ipynb')], { stdio: 'ignore' });
    let kernel: number | undefined;
    for (let i = 0; i < 600 && kernel === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      kernel = childrenOf(runner.pid!).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('kernel.js'));
    }
    expect(kernel).toBeDefined();
    // let the cell start spinning, then kill the runner without giving it a chance to clean up
    await new Promise((r) => setTimeout(r, 1500));
    runner.kill('SIGKILL');
    let gone = false;
    for (let i = 0; i < 300 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      gone = !alive(kernel!);
    }
    expect(gone).toBe(true);
  }, 120_000);
});
