/**
 * Restricted mode where it matters: the kernel. A notebook of a pack that is not trusted (the
 * attendee's copy under notebooks/<pack id>/) gets no kernel, so no cell of it runs; it can still
 * be read, edited and saved. Wrap the notebook service's kernel factory with this when kernels are
 * wired in main/workspace.ts. The check runs at every kernel start, so trusting a pack in the
 * library lets the next run start a kernel without reopening the notebook.
 */
import type { KernelFactory } from '../notebooks/kernel-port';
import { PackError } from './errors';

export interface TrustQuery {
  trustInfo(packId: string): Promise<{ trusted: boolean; title: string; reason: string }>;
  /** Puts the pack's data files beside the attendee's notebooks, before a kernel runs its cells. */
  prepareFiles?(packId: string): Promise<unknown>;
}

/** The pack a workspace notebook path belongs to: `notebooks/<id>/...` -> id; other notebooks belong to none. */
export function packOfNotebook(notebookPath: string): string | null {
  const parts = notebookPath.split('/');
  return parts[0] === 'notebooks' && parts.length > 2 ? parts[1] : null;
}

export function trustGatedKernels(factory: KernelFactory, packs: TrustQuery): KernelFactory {
  return async (notebookPath) => {
    const packId = packOfNotebook(notebookPath);
    if (packId) {
      const info = await packs.trustInfo(packId).catch(() => null);
      if (info && !info.trusted) {
        const why = info.reason === 'unknown-key' ? 'signed by a key you have not trusted' : 'unsigned';
        throw new PackError('E_PACK_RESTRICTED', `"${info.title}" is in restricted mode (${why}): you can read and edit its notebooks, but cells run only after you trust the pack in the library.`);
      }
      await packs.prepareFiles?.(packId);
    }
    return factory(notebookPath);
  };
}
