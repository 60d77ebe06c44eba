import { resolve } from 'node:path';
import { withHeadlessWorkspace } from '../headless-workspace';
import { checkPack, formatCheckReport } from '../../packs/check-pack';
import { runNotebook } from '../../kernels/notebook-runner';
import { UsageError } from '../command';
import type { PackSubcommand } from './pack';
import { parsePackArgs } from './pack-args';

/** Runs every notebook of a pack headless with the kernel's runner and reports its checks. */
export const packCheck: PackSubcommand = {
  name: 'check',
  usage: 'check PACK [--timeout SECONDS] [--backend NAME]',
  summary: "Run every notebook headless with the kernel runner and report its 'check' cells; non-zero on an error or a failed check",
  async run(argv) {
    const { values, positionals } = parsePackArgs(argv, this.usage, { timeout: { type: 'string' }, backend: { type: 'string' } }, { min: 1, max: 1 });
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout must be a number of seconds > 0, got ${JSON.stringify(values.timeout)}`);
    if (values.backend) process.env.MLSYS_LAB_BACKEND = values.backend;
    // cells get the app's lab services (lab.datasets, lab.queues) over a throwaway store
    const report = await withHeadlessWorkspace((kernels) =>
      checkPack(resolve(positionals[0]), (path, options) => runNotebook(path, { ...options, manager: kernels }), {
        cellTimeoutMs: timeout && timeout * 1000,
        onNotebook: (path) => console.error(`ran ${path}`),
      }),
    );
    for (const line of formatCheckReport(report)) console.log(line);
    return report.ok ? 0 : 1;
  },
};
