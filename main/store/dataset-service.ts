import { randomUUID } from 'node:crypto';
import type { LoadedDatasetArrays } from '../../kernels/protocol';
import type {
  DatasetSummary,
  DatasetsApi,
  ExportOptions,
  ImportOptions,
  ImportProgress,
  ImportReport,
  LabelDistribution,
  LabelRecord,
  NewLabel,
  SamplePage,
  SampleView,
} from '../api/datasets';
import { exportDataset } from './export';
import { decodeFeatures, float32ToNumber } from './features';
import { importDataset } from './import/importer';
import { featuresToPngDataUrl } from './sample-image';
import { DEFAULT_SPLIT_SEED, seededSplit } from './split';
import { Store } from './store';
import { StoreError } from './store-errors';

export interface DatasetServiceOptions {
  /** The workspace database file; opened on first use. */
  file: string;
  onDidChange?: (datasets: DatasetSummary[]) => void;
  onDidImportProgress?: (p: ImportProgress) => void;
}

export interface LoadOptions {
  /** Share of labeled samples held out for testing, 0..1 (default 0.2). */
  testFraction?: number;
  /** The shuffle's seed: the same seed gives the same split (default 42). */
  seed?: number;
  /** Divide features by this (255 for pixels); default 1. */
  scale?: number;
}

/**
 * A dataset as tensors-to-be for a cell: features row-major (x) and class indices (y), split
 * with a seed. Typed arrays cross the kernel boundary by structured clone without copying into
 * JSON. Only samples with a label are included; `classes[y[i]]` is the label value.
 */
/** A dataset split for training, as it crosses to the kernel (kernels/protocol.ts). */
export type LoadedDataset = LoadedDatasetArrays;

type ServiceApi = Omit<DatasetsApi, 'onDidChange' | 'onDidImportProgress'>;

/**
 * The datasets service: the store as the UI and the kernel see it. Opens the database on first
 * use, so a broken database file does not stop the app: every call reports the same clear error.
 */
export class DatasetService implements ServiceApi {
  private opened: Store | undefined;
  private openError: unknown;
  private readonly imports = new Map<string, AbortController>();

  constructor(private readonly options: DatasetServiceOptions) {}

  get store(): Store {
    if (this.opened) return this.opened;
    if (this.openError) throw this.openError;
    try {
      this.opened = Store.open(this.options.file);
      return this.opened;
    } catch (err) {
      this.openError = err;
      throw err;
    }
  }

  async list(): Promise<DatasetSummary[]> {
    return this.store.datasets.list();
  }

  async get(datasetId: number): Promise<DatasetSummary> {
    return this.store.datasets.get(datasetId);
  }

  async import(options: ImportOptions): Promise<ImportReport> {
    const importId = options.importId ?? randomUUID();
    if (this.imports.has(importId)) throw new StoreError('E_IMPORT', `An import with id ${JSON.stringify(importId)} is already running.`);
    const ac = new AbortController();
    this.imports.set(importId, ac);
    try {
      const report = await importDataset(this.store, options, { signal: ac.signal, onProgress: (p) => this.options.onDidImportProgress?.({ ...p, importId }) });
      this.changed();
      return report;
    } finally {
      this.imports.delete(importId);
    }
  }

  async cancelImport(importId: string): Promise<boolean> {
    const ac = this.imports.get(importId);
    if (!ac) return false;
    ac.abort();
    return true;
  }

  async samples(datasetId: number, page: { offset: number; limit: number }): Promise<SamplePage> {
    const d = this.store.datasets.get(datasetId);
    const rows = this.store.datasets.page(datasetId, page.offset, Math.min(page.limit, 200));
    const counts = rows.length ? this.store.labels.countsBetween(rows[0].id, rows[rows.length - 1].id) : new Map<number, number>();
    const featureNames = d.shape ? [] : this.store.datasets.featureNames(datasetId);
    const samples = rows.map((r): SampleView => {
      const latest = counts.has(r.id) ? this.store.labels.latest(r.id) : null;
      const view: SampleView = { id: r.id, position: r.position, label: latest?.value ?? null, labelCount: counts.get(r.id) ?? 0 };
      const f = decodeFeatures(r.features);
      if (d.kind === 'image') {
        if (r.raw && r.raw_type?.startsWith('image/')) view.image = `data:${r.raw_type};base64,${Buffer.from(r.raw as Buffer).toString('base64')}`;
        else if (f && d.shape) view.image = featuresToPngDataUrl(f, d.shape);
        return view;
      }
      const cells: Record<string, string | number | null> = {};
      featureNames.forEach((n, i) => (cells[n] = f && !Number.isNaN(f[i]) ? float32ToNumber(f[i]) : null));
      if (r.raw_type === 'application/json' && typeof r.raw === 'string') Object.assign(cells, JSON.parse(r.raw));
      view.cells = cells;
      const text = d.kind === 'text' ? Object.entries(cells).find(([k, v]) => typeof v === 'string' && ['text', 'sentence', 'review', 'content', 'body'].includes(k.toLowerCase())) : undefined;
      if (text) view.text = text[1] as string;
      return view;
    });
    return { datasetId, offset: page.offset, total: d.sampleCount, samples };
  }

  async labelDistribution(datasetId: number): Promise<LabelDistribution> {
    const d = this.store.datasets.get(datasetId);
    const counts = this.store.labels.distribution(datasetId).map((c) => ({ ...c, name: d.classes?.[c.value] ?? c.value }));
    return { datasetId, counts, unlabeled: d.sampleCount - d.labeledCount };
  }

  async appendLabel(label: NewLabel): Promise<LabelRecord> {
    return this.store.labels.append(label);
  }

  async labelHistory(sampleId: number): Promise<LabelRecord[]> {
    this.store.datasets.sample(sampleId); // a clear error for a sample that does not exist
    return this.store.labels.history(sampleId);
  }

  async export(datasetId: number, options: ExportOptions): Promise<{ path: string; rows: number }> {
    return exportDataset(this.store, datasetId, options);
  }

  async delete(datasetId: number): Promise<void> {
    this.store.datasets.get(datasetId);
    this.store.datasets.delete(datasetId);
    this.changed();
  }

  /** A dataset by id or by name, for cells that say `lab.datasets.load("iris")`. */
  resolve(idOrName: number | string): DatasetSummary {
    if (typeof idOrName === 'number') return this.store.datasets.get(idOrName);
    const all = this.store.datasets.list();
    const d = all.find((x) => x.name === idOrName);
    if (!d) throw new StoreError('E_NOT_FOUND', `No dataset named ${JSON.stringify(idOrName)}. The datasets here: ${all.map((x) => JSON.stringify(x.name)).join(', ') || 'none yet'}.`);
    return d;
  }

  /** Features and labels of the labeled samples, split train/test with a seed. */
  load(idOrName: number | string, options: LoadOptions = {}): LoadedDataset {
    const d = this.resolve(idOrName);
    const testFraction = options.testFraction ?? 0.2;
    if (!(testFraction >= 0 && testFraction < 1)) throw new RangeError(`testFraction must be at least 0 and below 1, got ${testFraction}`);
    const scale = options.scale ?? 1;
    const F = d.featureCount;
    if (F === 0) throw new StoreError('E_NOT_FOUND', `Dataset "${d.name}" has no numeric features to load.`);
    const labels = this.store.labels.latestOfDataset(d.id);
    const classes = [...new Set(labels.values())].sort((a, b) => {
      const na = Number(a);
      const nb = Number(b);
      return Number.isNaN(na) || Number.isNaN(nb) ? a.localeCompare(b) : na - nb;
    });
    const classIndex = new Map(classes.map((c, i) => [c, i]));
    // the split is known before reading (every labeled sample has features), so each row is
    // written once, straight to its place in train or test: no second copy of a large dataset
    const n = labels.size;
    const { train, test } = seededSplit(n, testFraction, options.seed ?? DEFAULT_SPLIT_SEED);
    const slot = new Int32Array(n); // labeled sample k -> its row: >= 0 in train, < 0 as ~row in test
    train.forEach((k, row) => (slot[k] = row));
    test.forEach((k, row) => (slot[k] = ~row));
    const xTrain = new Float32Array(train.length * F);
    const yTrain = new Int32Array(train.length);
    const idsTrain = new Float64Array(train.length);
    const xTest = new Float32Array(test.length * F);
    const yTest = new Int32Array(test.length);
    const idsTest = new Float64Array(test.length);
    let k = 0;
    for (const s of this.store.datasets.iterateFeatures(d.id)) {
      const label = labels.get(s.id);
      if (label === undefined) continue;
      if (!s.features || s.features.length !== F * 4) throw new StoreError('E_NOT_FOUND', `Sample ${s.id} of "${d.name}" has ${s.features ? s.features.length / 4 : 0} features, expected ${F}.`);
      const row = slot[k++];
      const [x, y, ids, r] = row >= 0 ? [xTrain, yTrain, idsTrain, row] : [xTest, yTest, idsTest, ~row];
      new Uint8Array(x.buffer, r * F * 4, F * 4).set(s.features);
      y[r] = classIndex.get(label)!;
      ids[r] = s.id;
    }
    if (scale !== 1) {
      for (let i = 0; i < xTrain.length; i++) xTrain[i] /= scale;
      for (let i = 0; i < xTest.length; i++) xTest[i] /= scale;
    }
    return {
      datasetId: d.id,
      name: d.name,
      sampleShape: d.shape ?? [F],
      featureNames: d.shape ? [] : this.store.datasets.featureNames(d.id),
      classes,
      classNames: classes.map((c) => d.classes?.[c] ?? c),
      xTrain,
      yTrain,
      idsTrain,
      xTest,
      yTest,
      idsTest,
      unlabeled: d.sampleCount - k,
    };
  }

  private changed(): void {
    if (this.options.onDidChange) this.options.onDidChange(this.store.datasets.list());
  }

  close(): void {
    for (const ac of this.imports.values()) ac.abort();
    this.opened?.close();
    this.opened = undefined;
  }
}
