import type { LabApi, PackSummary } from '../../../main/api';
import { h } from '../shell/dom';
import { notebookHash } from '../notebook';
import type { View } from '../shell/view';

/** The lab library: every pack the workspace knows, from its real manifest. */
export class LibraryView implements View {
  readonly title = 'Library';
  private disposables: { dispose(): void }[] = [];

  constructor(private readonly api: LabApi) {}

  async mount(host: HTMLElement): Promise<void> {
    const list = h('div', { class: 'pack-grid', role: 'list', 'aria-label': 'Lab packs' });
    const problems = h('div', { class: 'problems' });
    host.append(
      h('header', { class: 'view-header' }, h('h1', {}, 'Lab library'), h('p', { class: 'muted' }, 'Labs for the Machine Learning Systems curriculum. Everything runs on this machine, offline.')),
      problems,
      list,
    );
    const render = async () => {
      const { packs, problems: broken } = await this.api.library.list();
      list.replaceChildren(...(packs.length ? packs.map(card) : [h('p', { class: 'muted' }, 'No lab packs yet.')]));
      problems.replaceChildren(...broken.map((p) => h('div', { class: 'problem', role: 'alert' }, `Could not read ${p.path}: ${p.message}`)));
    };
    this.disposables.push(this.api.library.onDidChange(() => void render()));
    await render();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
  }
}

function card(pack: PackSummary): HTMLElement {
  return h(
    'article',
    { class: 'pack-card', role: 'listitem', 'data-pack-id': pack.id },
    h('h2', {}, pack.title),
    h('p', { class: 'summary' }, pack.summary),
    h('ul', { class: 'topics', 'aria-label': 'Topics' }, ...pack.topics.map((t) => h('li', { class: 'topic' }, t))),
    h('ul', { class: 'pack-notebooks', 'aria-label': 'Notebooks' }, ...pack.notebooks.map((nb) => h('li', {}, h('a', { href: notebookHash({ pack: pack.id, notebook: nb }), class: 'open-notebook' }, `Open ${nb}`)))),
    h(
      'footer',
      {},
      h('span', { class: 'minutes', title: 'Estimated time' }, `${pack.estimatedMinutes} min`),
      h('span', { class: 'muted' }, `v${pack.version} · ${pack.author}`),
      pack.trusted ? null : h('span', { class: 'badge restricted', title: 'Cells do not run until you trust this pack' }, 'restricted'),
    ),
  );
}
