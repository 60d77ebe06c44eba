/** The kernel's variables (inspect_variables): names, types, tensor shapes and bytes. */
import type { NotebookVariable } from '../../../main/api';
import { h } from '../shell/dom';

function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

export function renderVariables(host: HTMLElement, vars: NotebookVariable[] | string): void {
  if (typeof vars === 'string') {
    host.replaceChildren(h('p', { class: 'muted' }, vars));
    return;
  }
  if (vars.length === 0) {
    host.replaceChildren(h('p', { class: 'muted' }, 'No variables yet. Run a cell that declares one.'));
    return;
  }
  // four columns fit the panel: a tensor's dtype and shape go with its type ("Tensor float32 [898, 64]")
  host.replaceChildren(
    h(
      'table',
      { class: 'data-table variables' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Size'), h('th', {}, 'Value'))),
      h(
        'tbody',
        {},
        ...vars.map((v) =>
          h(
            'tr',
            { 'data-name': v.name },
            h('td', { class: 'name' }, v.name),
            h('td', { class: 'type' }, [v.type, v.dtype, v.shape ? `[${v.shape.join(', ')}]` : undefined].filter(Boolean).join(' ')),
            h('td', { class: 'num' }, bytes(v.bytes)),
            // one line each: a long value would make every row as tall as its preview
            h('td', { class: 'preview', title: v.preview ?? '' }, v.preview ?? ''),
          ),
        ),
      ),
    ),
  );
}
