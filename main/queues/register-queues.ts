import type { Dispatcher } from '../rpc/dispatcher';
import { t } from '../rpc/schema';
import type { QueueService } from './queue-service';
import { createQueueCheck, id, labelValue } from './queue-checks';

/** Registers the queues group on the dispatcher, each method with its argument checks. */
export function registerQueues(dispatcher: Dispatcher, queues: QueueService): void {
  const name = t.string({ minLength: 1, maxLength: 100 });
  const value = labelValue;
  const path = t.string({ minLength: 1, maxLength: 4096 });
  const manyNumbers = t.array(t.number(), { maxLength: 200_000_000 });
  dispatcher.register(
    'queues',
    {
      list: { args: [t.optional(id)], run: (d) => queues.list(d) },
      get: { args: [id], run: (q) => queues.get(q) },
      create: {
        args: [createQueueCheck],
        run: (o) => queues.create(o),
      },
      archive: { args: [id], run: (q) => queues.archive(q) },
      restore: { args: [id], run: (q) => queues.restore(q) },
      publishScores: {
        args: [
          t.object({
            queueId: id,
            modelVersion: t.string({ minLength: 1, maxLength: 200 }),
            sampleIds: t.array(id, { maxLength: 20_000_000 }),
            classes: t.array(value, { maxLength: 1000 }),
            probabilities: manyNumbers,
            embeddings: t.optional(manyNumbers),
            dim: t.optional(t.number({ integer: true, min: 1 })),
          }),
        ],
        run: (o) => queues.publishScores(o),
      },
      annotators: { args: [], run: () => queues.annotators() },
      resume: { args: [id, name], run: (q, a) => queues.resume(q, a) },
      label: {
        args: [id, name, id, value, t.optional(t.object({ durationMs: t.optional(t.number({ min: 0 })) }))],
        run: (q, a, s, v, o) => queues.label(q, a, s, v, o),
      },
      skip: { args: [id, name, id], run: (q, a, s) => queues.skip(q, a, s) },
      undo: { args: [id, name], run: (q, a) => queues.undo(q, a) },
      agreement: { args: [id], run: (q) => queues.agreement(q) },
      exportLabels: { args: [id, t.nullable(name), path], run: (d, a, p) => queues.exportLabels(d, a, p) },
      importLabels: { args: [path], run: (p) => queues.importLabels(p) },
      labelFile: { args: [id, t.nullable(name)], run: (d, a) => queues.labelFile(d, a) },
      importLabelFile: { args: [t.string({ maxLength: 256 * 1024 * 1024 }), t.string({ minLength: 1, maxLength: 300 })], run: (text, file) => queues.importLabelFile(text, file) },
    },
    ['onDidChange'],
  );
}
