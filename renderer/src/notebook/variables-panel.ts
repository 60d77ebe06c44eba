/** The kernel's variables (inspect_variables): names, types, tensor shapes and bytes. */
import type { KernelVariable } from '../../../main/api';
import { h } from '../shell/dom';

function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

export function renderVariables(host: HTMLElement, vars: KernelVariable[] | string): void {
  if (typeof vars === 'string') {
    host.replaceChildren(h('p', { class: 'muted' }, vars));
    return;
  }
  if (vars.length === 0) {
    host.replaceChildren(h('p', { class: 'muted' }, 'No variables yet. Run a cell that declares one.'));
    return;
  }
  host.replaceChildren(
    h(
      'table',
      { class: 'data-table variables' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Shape'), h('th', {}, 'Size'), h('th', {}, 'Value'))),
      h(
        'tbody',
        {},
        ...vars.map((v) =>
          h(
            'tr',
            {},
            h('td', { class: 'name' }, v.name),
            h('td', {}, v.dtype ? `${v.type} ${v.dtype}` : v.type),
            h('td', {}, v.shape ? `[${v.shape.join(', ')}]` : ''),
            h('td', { class: 'num' }, bytes(v.bytes)),
            h('td', { class: 'preview' }, v.preview ?? ''),
          ),
        ),
      ),
    ),
  );
}
