import type { Dispatcher } from '../rpc/dispatcher';
import { t } from '../rpc/schema';
import type { DatasetService } from './dataset-service';
import { nameOrIndex } from './checks';

/** Serves the datasets group of the API from the DatasetService. */
export function registerDatasets(dispatcher: Dispatcher, datasets: DatasetService): void {
  const id = t.number({ integer: true, min: 1 });
  dispatcher.register(
    'datasets',
    {
      list: { args: [], run: () => datasets.list() },
      get: { args: [id], run: (d) => datasets.get(d) },
      import: {
        args: [
          t.object({
            path: t.string({ minLength: 1, maxLength: 4096 }),
            format: t.optional(t.literal('auto', 'csv', 'tsv', 'json', 'jsonl', 'idx', 'images')),
            name: t.optional(t.string({ minLength: 1, maxLength: 200 })),
            labelColumn: t.optional(nameOrIndex()),
            header: t.optional(t.boolean()),
            labelsPath: t.optional(t.string({ minLength: 1, maxLength: 4096 })),
            classNames: t.optional(t.array(t.string({ maxLength: 200 }), { maxLength: 100_000 })),
            limit: t.optional(t.number({ integer: true, min: 1 })),
            importId: t.optional(t.string({ minLength: 1, maxLength: 100 })),
          }),
        ],
        run: (o) => datasets.import(o),
      },
      cancelImport: { args: [t.string({ minLength: 1, maxLength: 100 })], run: (i) => datasets.cancelImport(i) },
      samples: {
        args: [id, t.object({ offset: t.number({ integer: true, min: 0 }), limit: t.number({ integer: true, min: 1, max: 200 }) })],
        run: (d, page) => datasets.samples(d, page),
      },
      labelDistribution: { args: [id], run: (d) => datasets.labelDistribution(d) },
      appendLabel: {
        args: [
          t.object({
            sampleId: id,
            value: t.string({ minLength: 1, maxLength: 1000 }),
            source: t.optional(t.literal('annotator', 'cell', 'model')),
            annotator: t.optional(t.string({ minLength: 1, maxLength: 200 })),
            queueId: t.optional(id),
            modelVersion: t.optional(t.string({ maxLength: 200 })),
            durationMs: t.optional(t.number({ min: 0 })),
          }),
        ],
        run: (l) => datasets.appendLabel(l),
      },
      labelHistory: { args: [id], run: (s) => datasets.labelHistory(s) },
      export: { args: [id, t.object({ path: t.string({ minLength: 1, maxLength: 4096 }), format: t.literal('csv', 'jsonl') })], run: (d, o) => datasets.export(d, o) },
      delete: { args: [id], run: (d) => datasets.delete(d) },
    },
    ['onDidChange', 'onDidImportProgress'],
  );
}
