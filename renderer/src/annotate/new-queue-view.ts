import type { DatasetSummary, LabApi, QueueStrategy } from '../../../main/api';
import { h } from '../shell/dom';
import type { View } from '../shell/view';

const STRATEGIES: { value: QueueStrategy; label: string; help: string }[] = [
  { value: 'margin', label: 'Margin', help: 'Smallest gap between the two likeliest classes first: near ties.' },
  { value: 'least-confidence', label: 'Least confidence', help: 'Lowest probability of the likeliest class first.' },
  { value: 'entropy', label: 'Entropy', help: 'Most spread-out class probabilities first.' },
  { value: 'k-center', label: 'Diverse batches (k-center)', help: 'Among the most uncertain, a batch spread over the embedding space, so a batch is not near-duplicates.' },
  { value: 'random', label: 'Random', help: 'A seeded random order: the baseline to beat.' },
];

/**
 * The screen that makes a queue: a dataset, how to rank it, how often the model that scores it
 * is asked to retrain, and how much of it two people label. A lab or a notebook cell can make
 * one too (`lab.queues.open`); this is for the team lead who never opens a notebook.
 */
export class NewQueueView implements View {
  readonly title = 'New queue';

  constructor(
    private readonly api: LabApi,
    private readonly params: URLSearchParams,
  ) {}

  async mount(host: HTMLElement): Promise<void> {
    const datasets = (await this.api.datasets.list()).filter((d) => d.sampleCount > 0);
    const root = h('section', { class: 'new-queue', 'aria-label': 'New queue' });
    host.append(root);
    root.append(h('header', { class: 'view-header' }, h('h1', {}, 'New queue'), h('p', { class: 'muted' }, 'A queue hands annotators the samples of a dataset in the order a strategy chooses.')));
    if (!datasets.length) {
      root.append(h('p', { class: 'muted' }, 'No datasets yet: ', h('a', { href: '#/datasets' }, 'import one'), ' first.'));
      return;
    }
    const wanted = Number(this.params.get('dataset'));
    const field = (id: string, label: string, input: HTMLElement, help?: string | HTMLElement) =>
      h('div', { class: 'field' }, h('label', { for: id }, label), input, typeof help === 'string' ? h('div', { class: 'field-help muted' }, help) : help);
    const dataset = h('select', { id: 'queue-dataset', name: 'dataset' }, ...datasets.map((d) => h('option', { value: String(d.id), selected: d.id === wanted }, `${d.name} (${d.sampleCount} samples)`)));
    const strategy = h('select', { id: 'queue-strategy', name: 'strategy' }, ...STRATEGIES.map((s) => h('option', { value: s.value }, s.label)));
    const strategyHelp = h('div', { class: 'field-help muted' });
    const name = h('input', { id: 'queue-name', name: 'name', required: true, maxlength: 200 });
    const number = (id: string, value: number, min: number, max: number, step = 1) => h('input', { id, name: id, type: 'number', value, min, max, step, required: true });
    const target = number('queue-target', 200, 1, 100_000_000);
    const batch = number('queue-batch', 32, 1, 10_000);
    const refresh = number('queue-refresh', 20, 0, 1_000_000);
    const overlap = number('queue-overlap', 10, 0, 100);
    const classes = h('input', { id: 'queue-classes', name: 'classes', placeholder: 'e.g. cat, dog, fox' });
    const classesRow = field('queue-classes', 'Classes', classes, 'This dataset lists no classes: the label values annotators choose from, comma-separated.');
    const batchRow = field('queue-batch', 'Batch size', batch, 'Items in one diverse batch at the head of the queue.');
    const problem = h('div', { class: 'problem', role: 'alert', hidden: true });
    const submit = h('button', { class: 'primary', type: 'submit' }, 'Create queue');

    const selected = (): DatasetSummary => datasets.find((d) => String(d.id) === dataset.value)!;
    let nameTouched = false;
    name.addEventListener('input', () => (nameTouched = true));
    const sync = () => {
      const d = selected();
      const s = STRATEGIES.find((x) => x.value === strategy.value)!;
      strategyHelp.textContent = s.help;
      batchRow.hidden = s.value !== 'k-center';
      classesRow.hidden = !!d.classes && Object.keys(d.classes).length >= 2;
      if (!nameTouched) name.value = `${d.name} · ${s.label.toLowerCase()}`;
      target.max = String(d.sampleCount);
      if (Number(target.value) > d.sampleCount) target.value = String(d.sampleCount);
    };
    dataset.addEventListener('change', sync);
    strategy.addEventListener('change', sync);

    const form = h(
      'form',
      { class: 'new-queue-form' },
      field('queue-dataset', 'Dataset', dataset),
      field('queue-strategy', 'Strategy', strategy, strategyHelp),
      batchRow,
      field('queue-name', 'Name', name),
      field('queue-target', 'Target (labeled items)', target, 'What the team aims for: the progress bar’s 100%.'),
      field('queue-refresh', 'Retrain every N labels', refresh, 'After this many new labels the model that scores the queue is asked to retrain and re-score it (0: never).'),
      field('queue-overlap', 'Overlap %', overlap, 'Share of items two annotators label, to measure their agreement.'),
      classesRow,
      h('div', { class: 'form-actions' }, submit),
      problem,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      problem.hidden = true;
      submit.disabled = true;
      const list = classes.value.split(',').map((c) => c.trim()).filter(Boolean);
      try {
        const q = await this.api.queues.create({
          datasetId: selected().id,
          name: name.value.trim(),
          strategy: strategy.value as QueueStrategy,
          target: Number(target.value),
          refreshEvery: Number(refresh.value),
          overlap: Number(overlap.value) / 100,
          ...(strategy.value === 'k-center' ? { batchSize: Number(batch.value) } : {}),
          ...(classesRow.hidden ? {} : { classes: list }),
        });
        location.hash = `#/annotate?queue=${q.id}`;
      } catch (err) {
        problem.textContent = `Could not create the queue: ${(err as Error).message}`;
        problem.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    root.append(form);
    sync();
    dataset.focus();
  }

  dispose(): void {}
}
