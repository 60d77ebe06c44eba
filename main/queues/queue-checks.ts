import { t } from '../rpc/schema';
import { STRATEGIES } from './strategies';

/** The argument checks that the UI's API and the cells' `lab` API share. */
export const id = t.number({ integer: true, min: 1 });
export const labelValue = t.string({ minLength: 1, maxLength: 1000 });

export const createQueueCheck = t.object({
  datasetId: id,
  name: t.string({ minLength: 1, maxLength: 200 }),
  strategy: t.literal(...STRATEGIES),
  target: t.optional(t.number({ integer: true, min: 1 })),
  overlap: t.optional(t.number({ min: 0, max: 1 })),
  refreshEvery: t.optional(t.number({ integer: true, min: 0 })),
  leaseSeconds: t.optional(t.number({ min: 1, max: 7 * 24 * 3600 })),
  batchSize: t.optional(t.number({ integer: true, min: 1, max: 10_000 })),
  classes: t.optional(t.array(labelValue, { maxLength: 1000 })),
});
