import type { DatasetSummary, ImportProgress, LabApi, SamplePage, SampleView } from '../../../main/api';
import { h } from '../shell/dom';
import type { View } from '../shell/view';
import { LabelChart } from './label-chart';

const PAGE = 24;

/**
 * The dataset browser: every dataset in the workspace with its rows, columns and missing values;
 * a paged view of the samples (images as images); the label distribution as a chart; and an
 * import form that shows progress, can cancel, and lists rejected rows with their reasons.
 */
export class DatasetsView implements View {
  readonly title = 'Datasets';
  private disposables: { dispose(): void }[] = [];
  private chart: LabelChart | undefined;
  private selected: number | undefined;
  private offset = 0;
  private datasets: DatasetSummary[] = [];
  private list!: HTMLElement;
  private detail!: HTMLElement;
  private importStatus!: HTMLElement;

  constructor(
    private readonly api: LabApi,
    params: URLSearchParams,
  ) {
    const id = Number(params.get('id'));
    if (Number.isInteger(id) && id > 0) this.selected = id;
  }

  async mount(host: HTMLElement): Promise<void> {
    this.list = h('div', { class: 'dataset-list', role: 'listbox', 'aria-label': 'Datasets' });
    this.detail = h('section', { class: 'dataset-detail', 'aria-live': 'polite' });
    this.importStatus = h('div', { class: 'ds-import-status' });
    host.append(
      h('header', { class: 'view-header' }, h('h1', {}, 'Datasets'), h('p', { class: 'muted' }, 'The data in this workspace: samples, their labels and where each label came from.')),
      this.importForm(),
      this.importStatus,
      h('div', { class: 'datasets-layout' }, this.list, this.detail),
    );
    this.disposables.push(
      this.api.datasets.onDidChange((list) => void this.showList(list)),
      this.api.datasets.onDidImportProgress((p) => this.showProgress(p)),
    );
    await this.showList(await this.api.datasets.list());
  }

  private importForm(): HTMLElement {
    const path = h('input', { type: 'text', name: 'path', placeholder: '/path/to/data.csv, .json, .jsonl, IDX .gz, or a folder of class folders', 'aria-label': 'File or folder to import', spellcheck: 'false' });
    const label = h('input', { type: 'text', name: 'labelColumn', placeholder: 'label column (optional)', 'aria-label': 'Label column', class: 'narrow' });
    const form = h('form', { class: 'import-form' }, path, label, h('button', { type: 'submit', class: 'primary' }, 'Import'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const p = path.value.trim();
      if (!p) return path.focus();
      const lc = label.value.trim();
      void this.runImport(p, lc === '' ? undefined : /^-?\d+$/.test(lc) ? Number(lc) : lc);
    });
    return form;
  }

  private async runImport(path: string, labelColumn: string | number | undefined): Promise<void> {
    const importId = `ui-${Date.now()}`;
    const cancel = h('button', { type: 'button', onclick: () => void this.api.datasets.cancelImport(importId) }, 'Cancel');
    this.importStatus.replaceChildren(h('div', { class: 'import-progress', 'data-import-id': importId }, h('progress', { max: '1' }), h('span', { class: 'import-count' }, `Importing ${path}…`), cancel));
    try {
      const report = await this.api.datasets.import({ path, importId, ...(labelColumn === undefined ? {} : { labelColumn }) });
      const rejected = report.rejectedCount
        ? h(
            'details',
            { class: 'rejected' },
            h('summary', {}, `${report.rejectedCount} row(s) rejected`),
            h('ul', {}, ...report.rejected.map((r) => h('li', {}, r.reason))),
            report.rejectedCount > report.rejected.length ? h('p', { class: 'muted' }, `… and ${report.rejectedCount - report.rejected.length} more.`) : null,
          )
        : null;
      this.importStatus.replaceChildren(h('div', { class: 'import-done', role: 'status' }, `Imported ${report.imported.toLocaleString()} samples into "${report.dataset.name}" in ${(report.durationMs / 1000).toFixed(1)} s.`), rejected ?? '');
      this.select(report.dataset.id);
    } catch (err) {
      this.importStatus.replaceChildren(h('div', { class: 'problem', role: 'alert' }, (err as Error).message));
    }
  }

  private showProgress(p: ImportProgress): void {
    const box = this.importStatus.querySelector(`[data-import-id="${CSS.escape(p.importId)}"]`);
    if (!box) return;
    const bar = box.querySelector('progress')!;
    if (p.fraction === null) bar.removeAttribute('value');
    else bar.value = p.fraction;
    box.querySelector('.import-count')!.textContent = `${p.imported.toLocaleString()} samples${p.rejectedCount ? `, ${p.rejectedCount} rejected` : ''}`;
  }

  private async showList(list: DatasetSummary[]): Promise<void> {
    this.datasets = list;
    this.list.replaceChildren(
      ...(list.length
        ? list.map((d) =>
            h(
              'button',
              { class: `dataset-item${d.id === this.selected ? ' selected' : ''}`, role: 'option', 'aria-selected': String(d.id === this.selected), 'data-dataset-id': String(d.id), onclick: () => this.select(d.id) },
              h('span', { class: 'name' }, d.name),
              h('span', { class: 'muted' }, `${d.kind} · ${d.sampleCount.toLocaleString()} samples · ${d.labeledCount.toLocaleString()} labeled`),
            ),
          )
        : [h('p', { class: 'muted' }, 'No datasets yet. Import a CSV, TSV, JSON or JSONL file, an IDX file (MNIST, Fashion-MNIST) or a folder of images above.')]),
    );
    if (this.selected === undefined && list.length) this.selected = list[0].id;
    if (this.selected !== undefined && list.some((d) => d.id === this.selected)) await this.showDetail();
    else this.detail.replaceChildren();
  }

  private select(id: number): void {
    this.selected = id;
    this.offset = 0;
    history.replaceState(null, '', `#/datasets?id=${id}`);
    for (const el of this.list.querySelectorAll<HTMLElement>('.dataset-item')) {
      const on = el.dataset.datasetId === String(id);
      el.classList.toggle('selected', on);
      el.setAttribute('aria-selected', String(on));
    }
    void this.showDetail();
  }

  private async showDetail(): Promise<void> {
    const d = this.datasets.find((x) => x.id === this.selected) ?? (await this.api.datasets.get(this.selected!));
    this.chart?.dispose();
    const chartHost = h('div', { class: 'label-chart', role: 'img', 'aria-label': `Label distribution of ${d.name}` });
    this.chart = new LabelChart(chartHost);
    const samples = h('div', { class: 'samples' });
    const missing = d.columns.reduce((a, c) => a + c.missing, 0);
    this.detail.replaceChildren(
      h('h2', {}, d.name),
      h(
        'dl',
        { class: 'dataset-facts' },
        fact('Samples', d.sampleCount.toLocaleString()),
        fact('Labeled', `${d.labeledCount.toLocaleString()} (${d.sampleCount ? Math.round((100 * d.labeledCount) / d.sampleCount) : 0}%)`),
        fact(d.shape ? 'Image size' : 'Columns', d.shape ? `${d.shape[1]}×${d.shape[0]}${d.shape[2] === 3 ? ' RGB' : ' grey'}` : String(d.columns.length)),
        fact('Features', d.featureCount.toLocaleString()),
        fact('Missing values', missing.toLocaleString()),
        fact('Source', d.source, 'source'),
      ),
      d.columns.length && !d.shape ? columnsTable(d) : '',
      h('h3', {}, 'Labels'),
      chartHost,
      h('h3', {}, 'Samples'),
      samples,
    );
    const [dist] = await Promise.all([this.api.datasets.labelDistribution(d.id), this.showSamples(d, samples)]);
    await this.chart.draw(dist);
  }

  private async showSamples(d: DatasetSummary, host: HTMLElement): Promise<void> {
    const page: SamplePage = await this.api.datasets.samples(d.id, { offset: this.offset, limit: PAGE });
    const last = Math.min(page.total, page.offset + page.samples.length);
    const pager = h(
      'div',
      { class: 'pager' },
      h('button', { type: 'button', disabled: this.offset === 0, onclick: () => this.turn(d, host, -PAGE), 'aria-label': 'Previous page' }, '‹ Previous'),
      h('span', { class: 'muted page-range' }, `${page.total ? page.offset + 1 : 0}–${last} of ${page.total.toLocaleString()}`),
      h('button', { type: 'button', disabled: last >= page.total, onclick: () => this.turn(d, host, PAGE), 'aria-label': 'Next page' }, 'Next ›'),
    );
    const label = (s: SampleView) => (s.label === null ? 'unlabeled' : (d.classes?.[s.label] ?? s.label));
    const body =
      d.kind === 'image'
        ? h(
            'div',
            { class: 'sample-grid' },
            ...page.samples.map((s) =>
              h(
                'figure',
                { class: 'sample', 'data-sample-id': String(s.id) },
                h('img', { src: s.image ?? '', alt: `Sample ${s.position + 1}, ${label(s)}`, width: '84', height: '84' }),
                h('figcaption', { class: s.label === null ? 'muted' : '' }, label(s), s.labelCount > 1 ? h('span', { class: 'badge', title: `${s.labelCount} labels: corrected` }, `×${s.labelCount}`) : ''),
              ),
            ),
          )
        : rowsTable(d, page.samples, label);
    host.replaceChildren(pager, body);
  }

  private turn(d: DatasetSummary, host: HTMLElement, delta: number): void {
    this.offset = Math.max(0, this.offset + delta);
    void this.showSamples(d, host);
  }

  dispose(): void {
    for (const x of this.disposables) x.dispose();
    this.disposables = [];
    this.chart?.dispose();
  }
}

function fact(term: string, value: string, cls = ''): HTMLElement {
  return h('div', { class: cls }, h('dt', {}, term), h('dd', { title: value }, value));
}

function columnsTable(d: DatasetSummary): HTMLElement {
  return h(
    'table',
    { class: 'columns-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Column'), h('th', {}, 'Type'), h('th', {}, 'Role'), h('th', { class: 'num' }, 'Missing'))),
    h(
      'tbody',
      {},
      ...d.columns.map((c) =>
        h('tr', {}, h('td', {}, c.name), h('td', {}, c.type), h('td', {}, c.role), h('td', { class: `num${c.missing ? ' has-missing' : ''}` }, c.missing.toLocaleString())),
      ),
    ),
  );
}

function rowsTable(d: DatasetSummary, samples: SampleView[], label: (s: SampleView) => string): HTMLElement {
  const names = d.columns.filter((c) => c.role !== 'label').map((c) => c.name);
  return h(
    'div',
    { class: 'rows-scroll' },
    h(
      'table',
      { class: 'rows-table' },
      h('thead', {}, h('tr', {}, h('th', { class: 'num' }, '#'), ...names.map((n) => h('th', {}, n)), h('th', {}, 'label'))),
      h(
        'tbody',
        {},
        ...samples.map((s) =>
          h(
            'tr',
            { 'data-sample-id': String(s.id) },
            h('td', { class: 'num muted' }, String(s.position + 1)),
            ...names.map((n) => {
              const v = s.cells?.[n] ?? null;
              return h('td', { class: v === null ? 'missing' : typeof v === 'number' ? 'num' : '' }, v === null ? '—' : String(v));
            }),
            h('td', { class: s.label === null ? 'muted' : '' }, label(s)),
          ),
        ),
      ),
    ),
  );
}
