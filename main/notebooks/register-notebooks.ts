/** Registers the notebooks group on the dispatcher, with runtime checks typed against the contract. */
import type { MimeBundle, NotebookEdit, NotebookOutput, NotebookRef } from '../api/notebooks';
import type { Dispatcher } from '../rpc/dispatcher';
import { t, type Check } from '../rpc/schema';
import type { NotebookService } from './notebook-service';

const cellId = t.string({ minLength: 1, maxLength: 64 });
const cellType = t.literal('code', 'markdown', 'raw');
const source = t.string({ maxLength: 10_000_000 });
// outputs and metadata are validated field by field by the model (validateOutput), which names the bad field
const outputs = t.json() as Check<NotebookOutput[]>;
const metadata = t.json() as Check<MimeBundle>;

const editChecks: Record<NotebookEdit['kind'], Check<unknown>> = {
  insert: t.object({
    kind: t.literal('insert'),
    index: t.number({ integer: true, min: 0 }),
    cell: t.object({
      id: t.optional(cellId),
      type: cellType,
      source,
      metadata: t.optional(metadata),
      outputs: t.optional(outputs),
      executionCount: t.optional(t.nullable(t.number({ integer: true, min: 0 }))),
    }),
  }),
  delete: t.object({ kind: t.literal('delete'), cellId }),
  move: t.object({ kind: t.literal('move'), cellId, toIndex: t.number({ integer: true, min: 0 }) }),
  source: t.object({ kind: t.literal('source'), cellId, source }),
  type: t.object({ kind: t.literal('type'), cellId, type: cellType }),
  clearOutputs: t.object({ kind: t.literal('clearOutputs'), cellId }),
};

const edit: Check<NotebookEdit> = Object.assign((v: unknown, p: string) => {
  const kind = (v as { kind?: unknown } | null)?.kind;
  const c = typeof kind === 'string' ? editChecks[kind as NotebookEdit['kind']] : undefined;
  if (!c) return `${p}.kind must be one of ${Object.keys(editChecks).join(', ')}, got ${JSON.stringify(kind)}`;
  return c(v, p);
});

const ref: Check<NotebookRef> = Object.assign((v: unknown, p: string) => {
  if (typeof v === 'object' && v !== null && 'path' in v) return t.object({ path: t.string({ minLength: 1, maxLength: 4096 }) })(v, p);
  return t.object({ pack: t.string({ minLength: 1, maxLength: 64 }), notebook: t.string({ minLength: 1, maxLength: 4096 }) })(v, p);
});

const handle = t.string({ minLength: 1, maxLength: 4096 });

export function registerNotebooks(dispatcher: Dispatcher, notebooks: NotebookService): void {
  dispatcher.register(
    'notebooks',
    {
      open: { args: [ref], run: (r) => notebooks.open(r) },
      get: { args: [handle], run: (h) => notebooks.get(h) },
      edit: { args: [handle, t.array(edit, { maxLength: 10_000 }), t.string({ maxLength: 200 })], run: (h, e, o) => notebooks.edit(h, e, o) },
      save: { args: [handle, t.optional(t.object({ overwrite: t.optional(t.boolean()) }))], run: (h, o) => notebooks.save(h, o) },
      revert: { args: [handle], run: (h) => notebooks.revert(h) },
      run: { args: [handle, t.array(cellId, { maxLength: 100_000 })], run: (h, ids) => notebooks.run(h, ids) },
      interrupt: { args: [handle], run: (h) => notebooks.interrupt(h) },
      restart: { args: [handle, t.optional(t.object({ runAll: t.optional(t.boolean()) }))], run: (h, o) => notebooks.restart(h, o) },
      variables: { args: [handle], run: (h) => notebooks.variables(h) },
      close: { args: [handle, t.optional(t.object({ discard: t.optional(t.boolean()) }))], run: (h, o) => notebooks.close(h, o) },
    },
    ['onDidChange'],
  );
}
