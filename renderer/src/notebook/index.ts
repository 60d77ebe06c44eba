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
