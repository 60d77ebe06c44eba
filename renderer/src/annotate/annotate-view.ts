import type { AnnotatorItem, AnnotatorProgress, AnnotatorState, LabApi, QueueSummary } from '../../../main/api';
import { h } from '../shell/dom';
import type { View } from '../shell/view';
import { classKeys } from './key-map';
import { labelFileControls } from './label-file-controls';
import { renderSample } from './sample-display';

const HIDE_KEY = 'mlsys-lab.annotate.hideSuggestion';
const NAME_KEY = 'mlsys-lab.annotate.annotator';

/**
 * The annotator's screen: one item at a time, labeled from the keyboard. Every key press is saved
 * before the next item shows (the server answers a label with the next item, one round trip), so
 * closing the window loses nothing, and a reload resumes with the item the annotator holds.
 */
export class AnnotateView implements View {
  readonly title = 'Annotate';
  private disposables: { dispose(): void }[] = [];
  private queue: QueueSummary | undefined;
  private item: AnnotatorItem | null = null;
  /** The item after this one, already leased: shown the moment a key is pressed. */
  private next: AnnotatorItem | null = null;
  private shownAt = 0;
  /** When the last key went down, for the next-item timing (performance entries "annotate.next-item"). */
  private keyAt = 0;
  private keys: string[] = [];
  /** Key presses run one after another, so fast typing never labels the wrong item. */
  private chain: Promise<void> = Promise.resolve();
  private hideSuggestion = localStorage.getItem(HIDE_KEY) === '1';
  private readonly el = {
    root: h('section', { class: 'annotate', 'aria-label': 'Annotate' }),
    sample: h('div', { class: 'annotate-sample', 'aria-live': 'polite' }),
    suggestion: h('div', { class: 'annotate-suggestion' }),
    buttons: h('div', { class: 'annotate-classes', role: 'group', 'aria-label': 'Classes' }),
    bar: h('div', { class: 'progress-fill' }),
    counts: h('span', { class: 'annotate-counts' }),
    rate: h('span', { class: 'annotate-rate muted' }),
    status: h('div', { class: 'annotate-status', role: 'status' }),
  };

  constructor(
    private readonly api: LabApi,
    private readonly params: URLSearchParams,
  ) {}

  async mount(host: HTMLElement): Promise<void> {
    host.append(this.el.root);
    const queueId = Number(this.params.get('queue'));
    const annotator = this.params.get('annotator') ?? '';
    if (!queueId || !annotator) return this.renderPicker(queueId, annotator);
    localStorage.setItem(NAME_KEY, annotator);
    this.queue = await this.api.queues.get(queueId);
    this.keys = classKeys(this.queue.classes.map((c) => c.value));
    this.renderSession(annotator);
    const onKey = (e: KeyboardEvent) => this.onKey(e, annotator);
    document.addEventListener('keydown', onKey);
    this.disposables.push({ dispose: () => document.removeEventListener('keydown', onKey) });
    this.show(await this.api.queues.resume(queueId, annotator));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
  }

  private async renderPicker(queueId: number, annotator: string): Promise<void> {
    // archived queues (a lab's simulations, finished work) are not offered; Review lists them
    const queues = (await this.api.queues.list()).filter((q) => q.archivedAt === null);
    const name = h('input', { id: 'annotator-name', required: true, maxlength: 100, value: annotator || localStorage.getItem(NAME_KEY) || '', autocomplete: 'name' });
    const select = h('select', { id: 'queue-select' }, ...queues.map((q) => h('option', { value: String(q.id), selected: q.id === queueId }, `${q.name} · ${q.datasetName} (${q.counts.done} of ${q.settings.target})`)));
    const form = h(
      'form',
      { class: 'annotate-picker' },
      h('label', { for: 'annotator-name' }, 'Your name'),
      name,
      h('label', { for: 'queue-select' }, 'Queue'),
      select,
      h('button', { class: 'primary', type: 'submit', disabled: queues.length === 0 }, 'Start labeling'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      location.hash = `#/annotate?queue=${select.value}&annotator=${encodeURIComponent(name.value.trim())}`;
    });
    this.el.root.append(
      h('header', { class: 'view-header' }, h('h1', {}, 'Annotate'), h('p', { class: 'muted' }, 'Label the samples the model is least sure about, one at a time, from the keyboard.')),
      queues.length ? form : h('p', { class: 'muted' }, 'No queues to label. Create one here, or a notebook cell or a lab creates one over a dataset (lab.queues.open). Archived queues are on the Review screen.'),
      h('p', {}, h('a', { href: '#/new-queue', class: 'new-queue-link' }, 'New queue…')),
    );
  }

  private renderSession(annotator: string): void {
    const q = this.queue!;
    const hide = h('input', { type: 'checkbox', id: 'hide-suggestion', checked: this.hideSuggestion });
    hide.addEventListener('change', () => {
      this.hideSuggestion = hide.checked;
      localStorage.setItem(HIDE_KEY, hide.checked ? '1' : '0');
      this.renderSuggestion();
    });
    this.el.buttons.replaceChildren(
      ...q.classes.map((c, i) =>
        h('button', { class: 'class-button', type: 'button', 'data-value': c.value, onclick: () => this.enqueue(() => this.label(annotator, c.value)) }, h('kbd', {}, this.keys[i] || ' '), h('span', {}, c.name)),
      ),
    );
    this.el.root.append(
      h(
        'header',
        { class: 'annotate-header' },
        h('div', {}, h('h1', {}, q.name), h('span', { class: 'muted' }, `${q.datasetName} · ${q.strategy} · labeling as `, h('strong', { class: 'annotator-name' }, annotator))),
        h('div', { class: 'annotate-progress' }, h('div', { class: 'progress', role: 'progressbar', 'aria-label': 'Labeled of target' }, this.el.bar), h('div', {}, this.el.counts, ' ', this.el.rate)),
      ),
      h('div', { class: 'annotate-stage' }, this.el.sample, this.el.suggestion),
      this.el.buttons,
      h(
        'footer',
        { class: 'annotate-footer' },
        h('button', { type: 'button', class: 'skip', onclick: () => this.enqueue(() => this.skip(annotator)) }, h('kbd', {}, 'S'), ' Skip'),
        h('button', { type: 'button', class: 'undo', onclick: () => this.enqueue(() => this.undo(annotator)) }, h('kbd', {}, 'Ctrl+Z'), ' Undo'),
        h('label', { class: 'muted' }, hide, ' Hide the model’s suggestion'),
        h('a', { href: `#/review?queue=${q.id}` }, 'Agreement and disagreements'),
        labelFileControls(this.api, q, annotator, this.el.status),
        this.el.status,
      ),
    );
  }

  private onKey(e: KeyboardEvent, annotator: string): void {
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable) && (target as HTMLInputElement).type !== 'checkbox') return;
    if (e.altKey || e.metaKey) return;
    let action: (() => Promise<void>) | undefined;
    if ((e.ctrlKey && e.key.toLowerCase() === 'z') || (!e.ctrlKey && e.key === 'Backspace')) action = () => this.undo(annotator);
    else if (e.ctrlKey) return;
    else if (e.key === 'Enter') action = () => this.acceptSuggestion(annotator);
    else if (e.key === 's' || e.key === 'S' || e.key === 'ArrowRight') action = () => this.skip(annotator);
    else {
      const i = this.keys.indexOf(e.key);
      if (i >= 0) {
        const value = this.queue!.classes[i].value;
        action = () => this.label(annotator, value);
      }
    }
    if (!action) return;
    e.preventDefault();
    const keyAt = performance.now();
    this.enqueue(() => {
      this.keyAt = keyAt;
      return action();
    });
  }

  private enqueue(action: () => Promise<void>): void {
    this.chain = this.chain.then(action).catch((err: Error) => {
      this.el.status.textContent = `Not saved: ${err.message}`;
      this.el.status.classList.add('error');
    });
  }

  /**
   * Sends the label and, without waiting for the disk, shows the item the server leased ahead; the
   * reply confirms it (and carries the one after). Should the server answer with another item (a
   * lease ran out meanwhile), the server's answer wins.
   */
  private async label(annotator: string, value: string): Promise<void> {
    const current = this.item;
    if (!current) return;
    const durationMs = Math.round(performance.now() - this.shownAt);
    const keyAt = this.keyAt;
    this.advance();
    const state = await this.api.queues.label(this.queue!.id, annotator, current.sampleId, value, { durationMs });
    if (keyAt) measure('annotate.label-saved', keyAt);
    this.reconcile(state);
  }

  private advance(): void {
    if (!this.next) return;
    this.showItem(this.next);
    this.next = null;
  }

  private reconcile(state: AnnotatorState): void {
    if (state.item?.sampleId !== this.item?.sampleId || this.item === null) return this.show(state);
    this.setNext(state.next);
    this.renderProgress(state.progress);
  }

  private async acceptSuggestion(annotator: string): Promise<void> {
    if (!this.item?.suggestion) return;
    if (this.hideSuggestion) {
      this.el.status.textContent = 'The suggestion is hidden: choose a class with its key.';
      return;
    }
    await this.label(annotator, this.item.suggestion.value);
  }

  private async skip(annotator: string): Promise<void> {
    const current = this.item;
    if (!current) return;
    this.advance();
    this.reconcile(await this.api.queues.skip(this.queue!.id, annotator, current.sampleId));
  }

  private async undo(annotator: string): Promise<void> {
    this.show(await this.api.queues.undo(this.queue!.id, annotator));
  }

  private show(state: AnnotatorState): void {
    this.showItem(state.item, state.progress.archived);
    this.setNext(state.next);
    this.renderProgress(state.progress);
  }

  private setNext(next: AnnotatorItem | null): void {
    this.next = next;
    // decode the next image now, so that showing it costs nothing
    if (next?.display.kind === 'image') void Object.assign(new Image(), { src: next.display.src }).decode().catch(() => {});
  }

  /** Shows the item, or when there is none, why: the queue is done, or it was archived. */
  private showItem(item: AnnotatorItem | null, archived = false): void {
    this.item = item;
    this.shownAt = performance.now();
    this.el.status.classList.remove('error');
    this.el.status.textContent = item?.previousLabel ? `Correcting: you labeled this ${item.previousLabel}. Your next key writes a correction.` : '';
    for (const b of this.el.buttons.querySelectorAll<HTMLElement>('.class-button')) b.classList.toggle('previous', b.dataset.value === item?.previousLabel);
    if (item) {
      this.el.sample.replaceChildren(renderSample(item.display, { large: true }));
      this.el.sample.dataset.sampleId = String(item.sampleId);
    } else {
      this.el.sample.replaceChildren(
        h('p', { class: 'annotate-done' }, archived ? 'This queue was archived: it hands out nothing more. Restore it on the Review screen to go on.' : 'Nothing left to label in this queue. Thank you!'),
      );
      delete this.el.sample.dataset.sampleId;
    }
    this.renderSuggestion();
    const keyAt = this.keyAt;
    if (keyAt) {
      this.keyAt = 0;
      // painted on the next frame: that is when the annotator sees it
      requestAnimationFrame(() => measure('annotate.next-item', keyAt));
    }
  }

  private renderSuggestion(): void {
    const s = this.item?.suggestion;
    if (!s) return void this.el.suggestion.replaceChildren();
    if (this.hideSuggestion) return void this.el.suggestion.replaceChildren(h('span', { class: 'muted' }, 'Model suggestion hidden'));
    const name = this.queue!.classes.find((c) => c.value === s.value)?.name ?? s.value;
    this.el.suggestion.replaceChildren(h('span', {}, 'Model suggests '), h('strong', { class: 'suggested' }, name), h('span', { class: 'muted' }, ` (${Math.round(s.probability * 100)}%) · `), h('kbd', {}, 'Enter'), ' accepts');
  }

  private renderProgress(p: AnnotatorProgress): void {
    const share = p.target > 0 ? Math.min(1, p.labeled / p.target) : 0;
    this.el.bar.style.width = `${(share * 100).toFixed(1)}%`;
    this.el.bar.parentElement?.setAttribute('aria-valuenow', String(Math.round(share * 100)));
    this.el.counts.textContent = `${p.labeled} of ${p.target} labeled · ${(p.poolShare * 100).toFixed(1)}% of the pool · you: ${p.labeledByMe}`;
    this.el.counts.dataset.labeled = String(p.labeled);
    this.el.counts.dataset.mine = String(p.labeledByMe);
    this.el.rate.textContent =
      p.itemsPerMinute === null ? '' : `· ${p.itemsPerMinute.toFixed(1)} items/min · ${seconds(p.medianSecondsPerItem)} per item`;
  }
}

function seconds(s: number | null): string {
  if (s === null) return '–';
  return s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`;
}

/** A performance entry from `start` to now (the bench reads them); old entries are dropped. */
function measure(name: string, start: number): void {
  if (performance.getEntriesByName(name).length > 5000) performance.clearMeasures(name);
  performance.measure(name, { start, end: performance.now() });
}
