/** The notebook screen. Route: #/notebook?pack=ID&notebook=PATH or #/notebook?path=WORKSPACE_PATH */
import type { NotebookRef } from '../../../main/api';
export { NotebookView } from './notebook-view';

export function notebookRef(params: URLSearchParams): NotebookRef {
  const path = params.get('path');
  if (path) return { path };
  return { pack: params.get('pack') ?? '', notebook: params.get('notebook') ?? '' };
}

export function notebookHash(ref: NotebookRef): string {
  const q = 'path' in ref ? new URLSearchParams({ path: ref.path }) : new URLSearchParams({ pack: ref.pack, notebook: ref.notebook });
  return `#/notebook?${q}`;
}

/**
 * Starts loading the editor while the app is idle (on the library screen), as VS Code warms its
 * editor at startup: opening the first notebook then costs only drawing it.
 */
export function preloadNotebookEditor(): void {
  const go = () => void import('./monaco').then((m) => m.loadMonaco());
  if (typeof requestIdleCallback === 'function') requestIdleCallback(go, { timeout: 2000 });
  else setTimeout(go, 500);
}
