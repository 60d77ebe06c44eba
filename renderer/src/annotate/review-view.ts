import type { LabApi, QueueSummary } from '../../../main/api';
import { h } from '../shell/dom';
import type { View } from '../shell/view';
import { renderSample } from './sample-display';

const fmt = (x: number | null, digits = 3): string => (x === null ? 'n/a' : x.toFixed(digits));

/** Agreement between annotators on a queue's overlap items, and the items they disagree on. */
export class ReviewView implements View {
  readonly title = 'Review';
  private disposables: { dispose(): void }[] = [];

  constructor(
    private readonly api: LabApi,
    private readonly params: URLSearchParams,
  ) {}

  async mount(host: HTMLElement): Promise<void> {
    const queueId = Number(this.params.get('queue'));
    if (!queueId) return this.renderList(host);
    const body = h('div', { class: 'review' });
    host.append(body);
    const render = async () => {
      const [q, a] = await Promise.all([this.api.queues.get(queueId), this.api.queues.agreement(queueId)]);
      body.replaceChildren(
        h(
          'header',
          { class: 'view-header' },
          h('h1', {}, `Review · ${q.name}`, q.archivedAt === null ? '' : h('span', { class: 'badge archived-badge' }, 'archived')),
          h('p', { class: 'muted' }, `${a.overlapItems} items labeled by two or more annotators (overlap ${Math.round(q.settings.overlap * 100)}%).`),
          this.archiveButton(q),
        ),
        h('p', { class: 'review-alpha' }, 'Krippendorff’s alpha (all annotators): ', h('strong', { 'data-alpha': String(a.alpha) }, fmt(a.alpha))),
        h(
          'table',
          { class: 'review-pairs' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Annotators'), h('th', {}, 'Shared items'), h('th', {}, 'Agreement'), h('th', {}, 'Cohen’s kappa'))),
          h('tbody', {}, ...a.pairs.map((p) => h('tr', {}, h('td', {}, `${p.a} · ${p.b}`), h('td', {}, String(p.items)), h('td', {}, p.observed === null ? 'n/a' : `${Math.round(p.observed * 100)}%`), h('td', {}, fmt(p.kappa))))),
        ),
        h('h2', {}, `Disagreements (${a.disagreements.length})`),
        a.disagreements.length === 0
          ? h('p', { class: 'muted' }, 'No disagreements yet.')
          : h(
              'div',
              { class: 'review-disagreements' },
              ...a.disagreements.map((d) =>
                h('article', { class: 'disagreement', 'data-sample-id': String(d.sampleId) }, renderSample(d.display), h('ul', {}, ...d.labels.map((l) => h('li', {}, h('strong', {}, l.label), ` · ${l.annotator}`))), h('span', { class: 'muted' }, `sample ${d.position}`)),
              ),
            ),
      );
    };
    this.disposables.push(this.api.queues.onDidChange((e) => e.queueId === queueId && void render()));
    await render();
  }

  /** Queues annotators work in, then the archived ones (a lab's simulations, finished work), each restorable. */
  private async renderList(host: HTMLElement): Promise<void> {
    const queues = await this.api.queues.list();
    const active = queues.filter((q) => q.archivedAt === null);
    const archived = queues.filter((q) => q.archivedAt !== null);
    const redraw = () => {
      host.replaceChildren();
      void this.renderList(host);
    };
    const link = (q: QueueSummary) => h('a', { href: `#/review?queue=${q.id}` }, `${q.name} · ${q.datasetName}`);
    host.append(
      h('header', { class: 'view-header' }, h('h1', {}, 'Review'), h('p', { class: 'muted' }, 'Choose a queue to see how far its annotators agree.')),
      active.length ? h('ul', { class: 'review-queues' }, ...active.map((q) => h('li', {}, link(q)))) : h('p', { class: 'muted' }, 'No queues in use.'),
    );
    if (archived.length === 0) return;
    host.append(
      h('h2', {}, `Archived (${archived.length})`),
      h('p', { class: 'muted' }, 'Not offered to annotators; their items and labels are kept.'),
      h('ul', { class: 'review-archived' }, ...archived.map((q) => h('li', { 'data-queue-id': String(q.id) }, link(q), ' ', this.archiveButton(q, redraw)))),
    );
  }

  /** Archive or Restore; a queue's page redraws from the service's change event, the list through `after`. */
  private archiveButton(q: QueueSummary, after?: () => void): HTMLElement {
    const archived = q.archivedAt !== null;
    const button = h('button', { type: 'button', class: archived ? 'restore-queue' : 'archive-queue' }, archived ? 'Restore' : 'Archive');
    button.addEventListener('click', async () => {
      button.setAttribute('disabled', '');
      try {
        await (archived ? this.api.queues.restore(q.id) : this.api.queues.archive(q.id));
        after?.();
      } catch (err) {
        button.removeAttribute('disabled');
        button.title = (err as Error).message;
      }
    });
    return button;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
  }
}
