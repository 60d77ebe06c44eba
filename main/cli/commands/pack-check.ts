import type { PackSubcommand } from './pack';
import { parsePackArgs } from './pack-args';

/**
 * Runs every notebook of a pack headless and reports its checks. The headless runner belongs to
 * the kernel (branch kernel, `mlsys-lab run`); until it lands this says so and fails, so an
 * instructor's CI never mistakes "not run" for "passed".
 */
export const packCheck: PackSubcommand = {
  name: 'check',
  usage: 'check PACK',
  summary: "Run every notebook headless with the kernel runner and report its 'check' cells; non-zero on a failure",
  async run(argv) {
    parsePackArgs(argv, this.usage, {}, { min: 1, max: 1 });
    console.error('pack check needs the headless kernel runner, which this build does not have yet.');
    return 1;
  },
};
