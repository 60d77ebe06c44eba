import type Database from 'better-sqlite3';
import type { LabelRecord, LabelSource, NewLabel } from '../api/datasets';
import { StoreError } from './store-errors';

interface LabelRow {
  id: number;
  dataset_id: number;
  sample_id: number;
  value: string;
  source: LabelSource;
  annotator: string | null;
  queue_id: number | null;
  model_version: string | null;
  duration_ms: number | null;
  created_at: number;
}

const SELECT = `
  SELECT l.id, l.dataset_id, l.sample_id, l.value, l.source, a.name AS annotator, l.queue_id, l.model_version, l.duration_ms, l.created_at
  FROM labels l LEFT JOIN annotators a ON a.id = l.annotator_id`;

export const MAX_LABEL_LENGTH = 1000;

/**
 * The append-only label log. Every label is its own row with its provenance; a correction is a
 * new row and the latest row is a sample's label. Triggers in the schema refuse UPDATE and DELETE.
 */
export class LabelLog {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      annotator: db.prepare(`SELECT id FROM annotators WHERE name = ?`),
      addAnnotator: db.prepare(`INSERT INTO annotators (name, created_at) VALUES (?, ?)`),
      sampleDataset: db.prepare(`SELECT dataset_id FROM samples WHERE id = ?`),
      insert: db.prepare(
        `INSERT INTO labels (dataset_id, sample_id, value, source, annotator_id, queue_id, model_version, duration_ms, created_at)
         VALUES (@datasetId, @sampleId, @value, @source, @annotatorId, @queueId, @modelVersion, @durationMs, @createdAt)`,
      ),
      byId: db.prepare(`${SELECT} WHERE l.id = ?`),
      history: db.prepare(`${SELECT} WHERE l.sample_id = ? ORDER BY l.id`),
      latest: db.prepare(`SELECT value, count(*) OVER () AS n FROM labels WHERE sample_id = ? ORDER BY id DESC LIMIT 1`),
      // the latest label of every sample of a dataset: the max id per sample wins
      latestOfDataset: db.prepare(`SELECT sample_id, value FROM labels WHERE id IN (SELECT max(id) FROM labels WHERE dataset_id = ? GROUP BY sample_id)`),
      latestWithProvenance: db.prepare(`${SELECT} WHERE l.id IN (SELECT max(id) FROM labels WHERE dataset_id = ? GROUP BY sample_id)`),
      countsOfDataset: db.prepare(`SELECT sample_id, count(*) AS n FROM labels WHERE dataset_id = ? GROUP BY sample_id`),
      countsPerSample: db.prepare(`SELECT sample_id, count(*) AS n FROM labels WHERE sample_id BETWEEN ? AND ? GROUP BY sample_id`),
      distribution: db.prepare(
        `SELECT value, count(*) AS count FROM labels WHERE id IN (SELECT max(id) FROM labels WHERE dataset_id = ? GROUP BY sample_id) GROUP BY value ORDER BY count DESC, value`,
      ),
    };
  }

  /** The annotator's id, registering the name on first use. */
  annotatorId(name: string): number {
    const row = this.s.annotator.get(name) as { id: number } | undefined;
    return row ? row.id : Number(this.s.addAnnotator.run(name, Date.now()).lastInsertRowid);
  }

  /**
   * Appends one label in its own transaction. When this returns, the label is on disk
   * (synchronous=FULL): acknowledged labels survive a crash of the process or the machine.
   */
  append(label: NewLabel): LabelRecord {
    return this.db.transaction(() => this.appendInTransaction(label)).immediate();
  }

  /** For callers that already hold a transaction (a queue marking its item done). */
  appendInTransaction(label: NewLabel): LabelRecord {
    checkLabel(label);
    const dataset = this.s.sampleDataset.get(label.sampleId) as { dataset_id: number } | undefined;
    if (!dataset) throw new StoreError('E_NOT_FOUND', `Cannot label sample ${label.sampleId}: there is no such sample.`);
    const id = this.s.insert.run({
      datasetId: dataset.dataset_id,
      sampleId: label.sampleId,
      value: label.value,
      source: label.source ?? (label.annotator ? 'annotator' : 'cell'),
      annotatorId: label.annotator ? this.annotatorId(label.annotator) : null,
      queueId: label.queueId ?? null,
      modelVersion: label.modelVersion ?? null,
      durationMs: label.durationMs === undefined ? null : Math.round(label.durationMs),
      createdAt: Date.now(),
    }).lastInsertRowid;
    return toRecord(this.s.byId.get(id) as LabelRow);
  }

  /** Every label a sample ever had, oldest first. */
  history(sampleId: number): LabelRecord[] {
    return (this.s.history.all(sampleId) as LabelRow[]).map(toRecord);
  }

  latest(sampleId: number): { value: string; count: number } | null {
    const row = this.s.latest.get(sampleId) as { value: string; n: number } | undefined;
    return row ? { value: row.value, count: row.n } : null;
  }

  /** sample id -> latest label value, for a whole dataset. */
  latestOfDataset(datasetId: number): Map<number, string> {
    const out = new Map<number, string>();
    for (const r of this.s.latestOfDataset.iterate(datasetId) as IterableIterator<{ sample_id: number; value: string }>) out.set(r.sample_id, r.value);
    return out;
  }

  /** sample id -> the latest label with its provenance (for exports). */
  latestRecordsOfDataset(datasetId: number): Map<number, LabelRecord> {
    const out = new Map<number, LabelRecord>();
    for (const r of this.s.latestWithProvenance.iterate(datasetId) as IterableIterator<LabelRow>) out.set(r.sample_id, toRecord(r));
    return out;
  }

  /** How many labels each sample of a dataset has. */
  countsOfDataset(datasetId: number): Map<number, number> {
    const out = new Map<number, number>();
    for (const r of this.s.countsOfDataset.iterate(datasetId) as IterableIterator<{ sample_id: number; n: number }>) out.set(r.sample_id, r.n);
    return out;
  }

  /** How many labels each sample in the id range has (for a page of samples). */
  countsBetween(firstId: number, lastId: number): Map<number, number> {
    return new Map((this.s.countsPerSample.all(firstId, lastId) as { sample_id: number; n: number }[]).map((r) => [r.sample_id, r.n]));
  }

  distribution(datasetId: number): { value: string; count: number }[] {
    return this.s.distribution.all(datasetId) as { value: string; count: number }[];
  }
}

function checkLabel(label: NewLabel): void {
  if (typeof label.value !== 'string' || label.value.length === 0 || label.value.length > MAX_LABEL_LENGTH) {
    throw new StoreError('E_BAD_LABEL', `A label must be a string of 1 to ${MAX_LABEL_LENGTH} characters, got ${JSON.stringify(label.value)?.slice(0, 60)}.`);
  }
  if (label.durationMs !== undefined && !(Number.isFinite(label.durationMs) && label.durationMs >= 0)) {
    throw new StoreError('E_BAD_LABEL', `durationMs must be a number of milliseconds >= 0, got ${label.durationMs}.`);
  }
}

function toRecord(r: LabelRow): LabelRecord {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    sampleId: r.sample_id,
    value: r.value,
    source: r.source,
    annotator: r.annotator,
    queueId: r.queue_id,
    modelVersion: r.model_version,
    durationMs: r.duration_ms,
    createdAt: r.created_at,
  };
}
