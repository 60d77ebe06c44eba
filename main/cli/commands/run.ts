import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatSummary, runNotebook } from '../../kernels/notebook-runner';
import { UsageError, type Command } from '../command';
import { withHeadlessWorkspace } from '../headless-workspace';

/**
 * `mlsys-lab run NOTEBOOK.ipynb [--out EXECUTED.ipynb]`: runs a notebook top to bottom in a real
 * kernel, like `jupyter nbconvert --execute`. Exit code 0 when every cell ran and every check
 * passed, 1 when a cell failed or a check failed, 2 for bad usage or a notebook it cannot run.
 */
export const runCommand: Command = {
  name: 'run',
  summary: 'Run a notebook top to bottom in a kernel and report errors and checks',
  usage: [
    'Usage: mlsys-lab run NOTEBOOK.ipynb [--out EXECUTED.ipynb] [--allow-errors] [--timeout SECONDS] [--backend NAME]',
    '',
    '  --out FILE        write the notebook with its outputs (default: outputs are not written)',
    '  --inplace         write the outputs back into NOTEBOOK.ipynb',
    '  --allow-errors    run the cells after a failing one too',
    '  --timeout S       interrupt a cell that runs longer than S seconds (counts as an error)',
    '  --backend NAME    force a TensorFlow.js backend: tensorflow-gpu, tensorflow, wasm or cpu',
  ].join('\n'),
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          out: { type: 'string' },
          inplace: { type: 'boolean' },
          'allow-errors': { type: 'boolean' },
          timeout: { type: 'string' },
          backend: { type: 'string' },
        },
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(`Expected one notebook, got ${positionals.length}`);
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout must be a number of seconds > 0, got ${JSON.stringify(values.timeout)}`);
    if (values.backend) process.env.MLSYS_LAB_BACKEND = values.backend;
    const file = positionals[0];
    let summary;
    try {
      // cells get the app's lab services (lab.datasets, lab.queues) over a throwaway store
      summary = await withHeadlessWorkspace((manager) => runNotebook(file, { manager, allowErrors: values['allow-errors'], cellTimeoutMs: timeout && timeout * 1000 }));
    } catch (err) {
      console.error(`mlsys-lab run: ${(err as Error).message}`);
      return 2;
    }
    const out = values.inplace ? file : values.out;
    if (out) await writeFile(out, JSON.stringify(summary.notebook, null, 1) + '\n');
    console.log(formatSummary(file, summary));
    return summary.errors > 0 || summary.checks.failed > 0 ? 1 : 0;
  },
};
