/** The keyboard shortcuts panel, generated from the keymap so it lists exactly what the keys do. */
import { h } from '../shell/dom';
import { BINDINGS, describeBinding } from './keymap';

export function helpPanel(close: () => void): HTMLElement {
  const section = (mode: 'command' | 'edit', title: string) => {
    const rows = BINDINGS.filter((b) => b.mode === mode || b.mode === 'both');
    const byLabel = new Map<string, string[]>();
    for (const b of rows) byLabel.set(b.label, [...(byLabel.get(b.label) ?? []), describeBinding(b)]);
    return h(
      'section',
      {},
      h('h3', {}, title),
      h('dl', {}, ...[...byLabel].flatMap(([label, keys]) => [h('dt', {}, ...keys.flatMap((k, i) => [i ? ' or ' : null, h('kbd', {}, k)])), h('dd', {}, label)])),
    );
  };
  const panel = h(
    'div',
    { class: 'help-panel', role: 'dialog', 'aria-label': 'Keyboard shortcuts', tabindex: '-1' },
    h('header', {}, h('h2', {}, 'Keyboard shortcuts'), h('button', { class: 'close', title: 'Close (Esc)', onclick: close }, '×')),
    h('p', { class: 'muted' }, 'Command mode (blue bar): keys act on cells. Edit mode (green bar): you type in the cell. Enter edits, Esc leaves the editor.'),
    h('div', { class: 'help-columns' }, section('command', 'Command mode'), section('edit', 'Edit mode')),
  );
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' || e.key === 'h') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  return panel;
}
