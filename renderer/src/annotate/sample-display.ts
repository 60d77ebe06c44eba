import type { SampleDisplay } from '../../../main/api';
import { h } from '../shell/dom';

/** Shows a sample in the form of its data: an image, a text, or a table row. */
export function renderSample(display: SampleDisplay, options: { large?: boolean } = {}): HTMLElement {
  switch (display.kind) {
    case 'image':
      return h('img', { class: `sample-image${options.large ? ' large' : ''}`, src: display.src, alt: 'The sample to label' });
    case 'text':
      return h('blockquote', { class: 'sample-text' }, display.text);
    case 'table':
      return h(
        'table',
        { class: 'sample-table' },
        h('tbody', {}, ...Object.entries(display.cells).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v === null ? '—' : String(v))))),
      );
  }
}
