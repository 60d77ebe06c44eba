import type { Dispatcher } from '../rpc/dispatcher';
import { t } from '../rpc/schema';
import type { KernelManager } from './kernel-manager';

/** Serves the kernels group of the API from the KernelManager, and forwards its events. */
export function registerKernels(dispatcher: Dispatcher, kernels: KernelManager): void {
  kernels.onStatus((info) => dispatcher.emit('kernels', 'onDidChangeStatus', info));
  kernels.onOutput((e) => dispatcher.emit('kernels', 'onDidOutput', e));
  kernels.onReply((e) => dispatcher.emit('kernels', 'onDidReply', e));
  const kernelId = t.string({ minLength: 1, maxLength: 100 });
  dispatcher.register(
    'kernels',
    {
      start: { args: [t.object({ notebook: t.string({ minLength: 1, maxLength: 4096 }), cwd: t.optional(t.string({ maxLength: 4096 })) })], run: (o) => kernels.start(o) },
      list: { args: [], run: async () => kernels.list() },
      status: { args: [kernelId], run: async (id) => kernels.session(id).status() },
      execute: {
        args: [kernelId, t.string({ maxLength: 1_000_000 }), t.optional(t.object({ stopOnError: t.optional(t.boolean()), silent: t.optional(t.boolean()) }))],
        run: async (id, code, o) => ({ msgId: kernels.session(id).execute(code, o).msgId }),
      },
      interrupt: { args: [kernelId], run: async (id) => void (await kernels.session(id).interrupt()) },
      restart: { args: [kernelId], run: (id) => kernels.session(id).restart() },
      shutdown: { args: [kernelId], run: (id) => kernels.shutdown(id) },
      complete: { args: [kernelId, t.string({ maxLength: 1_000_000 }), t.number({ min: 0, integer: true })], run: (id, code, pos) => kernels.session(id).complete(code, pos) },
      inspectVariables: { args: [kernelId], run: (id) => kernels.session(id).inspectVariables() },
    },
    ['onDidChangeStatus', 'onDidOutput', 'onDidReply'],
  );
}
