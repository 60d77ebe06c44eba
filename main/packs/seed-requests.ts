/**
 * The main side of `lab.seed(name, value)` in cells: the kernel tells main each seed a cell names
 * (the `seeds.record` lab request), and it is recorded for the lab of the notebook that ran it,
 * where a hand-in's reproducibility record reads it.
 */
import type { Disposable } from '../api/common';
import type { LabRequestRouter } from '../kernels/lab-requests';
import { seedError } from '../../kernels/lab/seeds';
import type { ProgressRecorder } from './progress-recorder';

export const SEED_REQUEST = 'seeds.record';

export function registerLabSeeds(router: Pick<LabRequestRouter, 'register'>, recorder: Pick<ProgressRecorder, 'seedUsed'>): Disposable {
  return router.register(SEED_REQUEST, ([name, value], context) => {
    // the kernel checked them already; a request is still a message from a process running user code
    const error = seedError(name, value);
    if (error) throw error;
    recorder.seedUsed(context.notebook, name as string, value as number);
    return null;
  });
}
