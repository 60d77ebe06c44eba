/**
 * Plays the Electron app for the kernel lifetime test: starts a kernel as a utility process (the
 * stand-in), runs an endless cell, and prints the kernel's pid. The test then SIGKILLs this process.
 */
import { KernelManager } from '../../../../main/kernels';
import { adaptUtilityProcess, utilityForkOptions } from '../../../../main/kernels/utility-process';
import { forkUtilityStandIn } from '../../../helpers/utility-process-stand-in';

const manager = new KernelManager({
  entry: process.argv[2],
  log: () => {},
  launcher: { launch: (o) => adaptUtilityProcess(forkUtilityStandIn(o.entry, utilityForkOptions(o))) },
});
const info = await manager.start({ notebook: 'lifetime' });
void manager.session(info.kernelId).execute('while (true) {}').done;
process.stdout.write(`kernel ${info.pid}\n`);
