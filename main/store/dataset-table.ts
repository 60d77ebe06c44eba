import type Database from 'better-sqlite3';
import type { ColumnInfo, DatasetKind, DatasetSummary, ImportFormat } from '../api/datasets';
import { StoreError } from './store-errors';
import { withoutFsync } from './connection';

interface DatasetRow {
  id: number;
  name: string;
  kind: DatasetKind;
  format: Exclude<ImportFormat, 'auto'>;
  source: string;
  columns: string;
  feature_names: string;
  shape: string | null;
  classes: string | null;
  sample_count: number;
  created_at: number;
  labeled: number;
}

export interface NewDataset {
  name: string;
  kind: DatasetKind;
  format: Exclude<ImportFormat, 'auto'>;
  source: string;
}

export interface DatasetMeta {
  columns: ColumnInfo[];
  featureNames: string[];
  shape: number[] | null;
  classes: Record<string, string> | null;
}

/** One sample as an import hands it to the store. */
export interface NewSample {
  features: Float32Array | null;
  rawType: string | null;
  raw: Buffer | string | null;
  originSplit?: string | null;
  /** A label that came with the source; stored as a label with source 'import'. */
  label?: string | null;
}

export interface StoredSample {
  id: number;
  position: number;
  features: Buffer | null;
  raw_type: string | null;
  raw: Buffer | string | null;
}

/** Rows per INSERT statement during imports. */
const ROWS_PER_INSERT = 64;

function sampleValues(out: unknown[], at: number, id: number, datasetId: number, position: number, s: NewSample): void {
  const f = s.features;
  out[at] = id;
  out[at + 1] = datasetId;
  out[at + 2] = position;
  out[at + 3] = f ? Buffer.from(f.buffer, f.byteOffset, f.byteLength) : null;
  out[at + 4] = s.rawType;
  out[at + 5] = s.raw;
  out[at + 6] = s.originSplit ?? null;
}

const SUMMARY = `
  SELECT d.*, (SELECT count(DISTINCT sample_id) FROM labels l WHERE l.dataset_id = d.id) AS labeled
  FROM datasets d`;

/** Datasets and their samples: the rows an import writes and the browser and kernel read. */
export class DatasetTable {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      list: db.prepare(`${SUMMARY} WHERE d.status = 'ready' ORDER BY d.id`),
      get: db.prepare(`${SUMMARY} WHERE d.id = ? AND d.status = 'ready'`),
      nameTaken: db.prepare(`SELECT 1 FROM datasets WHERE name = ?`),
      create: db.prepare(`INSERT INTO datasets (name, kind, format, source, created_at) VALUES (@name, @kind, @format, @source, @now)`),
      finish: db.prepare(`UPDATE datasets SET status = 'ready', columns = @columns, feature_names = @featureNames, shape = @shape, classes = @classes, sample_count = (SELECT count(*) FROM samples WHERE dataset_id = @id) WHERE id = @id`),
      markDeleting: db.prepare(`UPDATE datasets SET status = 'deleting' WHERE id = ?`),
      deleteLabels: db.prepare(`DELETE FROM labels WHERE dataset_id = ?`),
      deleteQueueItems: db.prepare(`DELETE FROM queue_items WHERE queue_id IN (SELECT id FROM queues WHERE dataset_id = ?)`),
      deleteSamples: db.prepare(`DELETE FROM samples WHERE dataset_id = ?`),
      deleteDataset: db.prepare(`DELETE FROM datasets WHERE id = ?`),
      unfinished: db.prepare(`SELECT id FROM datasets WHERE status <> 'ready'`),
      insertSample: db.prepare(`INSERT INTO samples (id, dataset_id, position, features, raw_type, raw, origin_split) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      insertSamples: db.prepare(
        `INSERT INTO samples (id, dataset_id, position, features, raw_type, raw, origin_split) VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      ),
      maxSampleId: db.prepare(`SELECT max(id) AS id FROM samples`),
      insertImportLabel: db.prepare(`INSERT INTO labels (dataset_id, sample_id, value, source, created_at) VALUES (?, ?, ?, 'import', ?)`),
      page: db.prepare(`SELECT id, position, features, raw_type, raw FROM samples WHERE dataset_id = ? AND position >= ? ORDER BY position LIMIT ?`),
      sample: db.prepare(`SELECT id, dataset_id, position, features, raw_type, raw FROM samples WHERE id = ?`),
      allFeatures: db.prepare(`SELECT id, features FROM samples WHERE dataset_id = ? ORDER BY position`),
      allSamples: db.prepare(`SELECT id, position, features, raw_type, raw FROM samples WHERE dataset_id = ? ORDER BY position`),
    };
  }

  list(): DatasetSummary[] {
    return (this.s.list.all() as DatasetRow[]).map(toSummary);
  }

  get(id: number): DatasetSummary {
    const row = this.s.get.get(id) as DatasetRow | undefined;
    if (!row) throw new StoreError('E_NOT_FOUND', `No dataset with id ${id}. Call datasets.list() to see the datasets in this workspace.`);
    return toSummary(row);
  }

  /** `base`, or `base (2)`, `base (3)`, ... whichever is free. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 2; this.s.nameTaken.get(name); i++) name = `${base} (${i})`;
    return name;
  }

  /** Creates an invisible dataset that an import fills batch by batch, then finishes or drops. */
  begin(d: NewDataset): number {
    return Number(this.s.create.run({ ...d, now: Date.now() }).lastInsertRowid);
  }

  /**
   * Appends one batch in one transaction; positions continue from `firstPosition`. Batches commit
   * without an fsync (synchronous=NORMAL: safe against a process crash, not a power cut) because
   * the dataset stays invisible until `finish`, whose FULL commit syncs the whole WAL, batches
   * included; a power cut before that loses only an import nobody was told had finished.
   */
  appendBatch(datasetId: number, firstPosition: number, samples: readonly NewSample[]): void {
    withoutFsync(this.db, () => this.insertBatch(datasetId, firstPosition, samples, Date.now()));
  }

  private insertBatch(datasetId: number, firstPosition: number, samples: readonly NewSample[], now: number): void {
    this.db.transaction(() => {
      // ids are given explicitly so that many rows go in one statement (fewer round trips
      // through the binding) and import labels still know their sample's id
      let nextId = ((this.s.maxSampleId.get() as { id: number | null }).id ?? 0) + 1;
      const values: unknown[] = new Array(ROWS_PER_INSERT * 7);
      let i = 0;
      for (; i + ROWS_PER_INSERT <= samples.length; i += ROWS_PER_INSERT) {
        for (let k = 0; k < ROWS_PER_INSERT; k++) sampleValues(values, 7 * k, nextId + k, datasetId, firstPosition + i + k, samples[i + k]);
        this.s.insertSamples.run(values);
        nextId += ROWS_PER_INSERT;
      }
      const one: unknown[] = new Array(7);
      for (; i < samples.length; i++) {
        sampleValues(one, 0, nextId++, datasetId, firstPosition + i, samples[i]);
        this.s.insertSample.run(one);
      }
      const firstId = nextId - samples.length;
      for (let k = 0; k < samples.length; k++) {
        const label = samples[k].label;
        if (label !== undefined && label !== null) this.s.insertImportLabel.run(datasetId, firstId + k, label, now);
      }
    })();
  }

  finish(datasetId: number, meta: DatasetMeta): DatasetSummary {
    this.s.finish.run({
      id: datasetId,
      columns: JSON.stringify(meta.columns),
      featureNames: JSON.stringify(meta.featureNames),
      shape: meta.shape ? JSON.stringify(meta.shape) : null,
      classes: meta.classes ? JSON.stringify(meta.classes) : null,
    });
    return this.get(datasetId);
  }

  /** Removes a dataset with its samples, queues and labels: the one way labels are ever deleted. */
  delete(datasetId: number): void {
    this.db.transaction(() => {
      this.s.markDeleting.run(datasetId);
      this.s.deleteLabels.run(datasetId);
      this.s.deleteQueueItems.run(datasetId);
      this.s.deleteSamples.run(datasetId);
      this.s.deleteDataset.run(datasetId);
    })();
  }

  /** Drops what imports interrupted by a crash left behind. */
  dropUnfinished(): number {
    const ids = (this.s.unfinished.all() as { id: number }[]).map((r) => r.id);
    for (const id of ids) this.delete(id);
    return ids.length;
  }

  featureNames(datasetId: number): string[] {
    return JSON.parse((this.db.prepare(`SELECT feature_names FROM datasets WHERE id = ?`).get(datasetId) as { feature_names: string }).feature_names);
  }

  page(datasetId: number, offset: number, limit: number): StoredSample[] {
    return this.s.page.all(datasetId, offset, limit) as StoredSample[];
  }

  sample(sampleId: number): StoredSample & { dataset_id: number } {
    const row = this.s.sample.get(sampleId) as (StoredSample & { dataset_id: number }) | undefined;
    if (!row) throw new StoreError('E_NOT_FOUND', `No sample with id ${sampleId}.`);
    return row;
  }

  /** Every sample's id and features in dataset order, streamed (a dataset may not fit twice in memory). */
  iterateFeatures(datasetId: number): IterableIterator<{ id: number; features: Buffer | null }> {
    return this.s.allFeatures.iterate(datasetId) as IterableIterator<{ id: number; features: Buffer | null }>;
  }

  iterateSamples(datasetId: number): IterableIterator<StoredSample> {
    return this.s.allSamples.iterate(datasetId) as IterableIterator<StoredSample>;
  }
}

function toSummary(r: DatasetRow): DatasetSummary {
  const featureNames = JSON.parse(r.feature_names) as string[];
  const shape = r.shape ? (JSON.parse(r.shape) as number[]) : null;
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    format: r.format,
    source: r.source,
    sampleCount: r.sample_count,
    labeledCount: r.labeled,
    columns: JSON.parse(r.columns),
    featureCount: shape ? shape.reduce((a, b) => a * b, 1) : featureNames.length,
    shape,
    classes: r.classes ? JSON.parse(r.classes) : null,
    createdAt: r.created_at,
  };
}
