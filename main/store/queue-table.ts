import type Database from 'better-sqlite3';
import type { LabelRecord } from '../api/datasets';
import type { LabelLog } from './label-log';
import { StoreError } from './store-errors';
import { withoutFsync } from './connection';

export interface QueueInfo {
  id: number;
  datasetId: number;
  name: string;
  strategy: string;
  modelVersion: string | null;
  createdAt: number;
}

export interface QueueItem {
  sampleId: number;
  score: number;
}

export interface LeasedItem extends QueueItem {
  leaseExpiresAt: number;
}

export interface QueueCounts {
  pending: number;
  leased: number;
  done: number;
  skipped: number;
}

/**
 * Active-learning queues: each item is a sample with a score (higher = ask sooner). An annotator
 * leases a batch for a while; a lease that expires goes back to the queue, so a closed laptop
 * never strands samples. Labeling an item appends to the label log and closes the item in one
 * transaction. Strategies (which score) and the annotator screen build on these operations.
 */
export class QueueTable {
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    private readonly labels: LabelLog,
    private readonly now: () => number = Date.now,
  ) {
    this.s = {
      create: db.prepare(`INSERT INTO queues (dataset_id, name, strategy, model_version, created_at) VALUES (?, ?, ?, ?, ?)`),
      get: db.prepare(`SELECT id, dataset_id AS datasetId, name, strategy, model_version AS modelVersion, created_at AS createdAt FROM queues WHERE id = ?`),
      list: db.prepare(`SELECT id, dataset_id AS datasetId, name, strategy, model_version AS modelVersion, created_at AS createdAt FROM queues WHERE dataset_id = ? ORDER BY id`),
      setModel: db.prepare(`UPDATE queues SET model_version = ? WHERE id = ?`),
      // a new score for an item keeps its status: re-scoring never re-opens a labeled item
      upsert: db.prepare(
        `INSERT INTO queue_items (queue_id, sample_id, score) VALUES (?, ?, ?) ON CONFLICT (queue_id, sample_id) DO UPDATE SET score = excluded.score`,
      ),
      next: db.prepare(`SELECT sample_id AS sampleId, score FROM queue_items WHERE queue_id = ? AND status = 'pending' ORDER BY score DESC LIMIT ?`),
      expire: db.prepare(
        `UPDATE queue_items SET status = 'pending', annotator_id = NULL, lease_expires_at = NULL WHERE queue_id = ? AND status = 'leased' AND lease_expires_at <= ?`,
      ),
      lease: db.prepare(
        `UPDATE queue_items SET status = 'leased', annotator_id = ?, lease_expires_at = ? WHERE queue_id = ? AND sample_id = ? AND status = 'pending'`,
      ),
      item: db.prepare(`SELECT status, annotator_id AS annotatorId, lease_expires_at AS leaseExpiresAt FROM queue_items WHERE queue_id = ? AND sample_id = ?`),
      close: db.prepare(`UPDATE queue_items SET status = ?, lease_expires_at = NULL WHERE queue_id = ? AND sample_id = ?`),
      release: db.prepare(`UPDATE queue_items SET status = 'pending', annotator_id = NULL, lease_expires_at = NULL WHERE queue_id = ? AND status = 'leased' AND annotator_id = ?`),
      counts: db.prepare(`SELECT status, count(*) AS n FROM queue_items WHERE queue_id = ? GROUP BY status`),
    };
  }

  create(datasetId: number, name: string, strategy: string, modelVersion: string | null = null): QueueInfo {
    try {
      const id = Number(this.s.create.run(datasetId, name, strategy, modelVersion, this.now()).lastInsertRowid);
      return this.get(id);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new StoreError('E_LEASE', `Dataset ${datasetId} already has a queue named ${JSON.stringify(name)}.`);
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new StoreError('E_NOT_FOUND', `Cannot create a queue for dataset ${datasetId}: there is no such dataset.`);
      throw err;
    }
  }

  get(queueId: number): QueueInfo {
    const q = this.s.get.get(queueId) as QueueInfo | undefined;
    if (!q) throw new StoreError('E_NOT_FOUND', `No queue with id ${queueId}.`);
    return q;
  }

  list(datasetId: number): QueueInfo[] {
    return this.s.list.all(datasetId) as QueueInfo[];
  }

  setModelVersion(queueId: number, modelVersion: string): void {
    this.s.setModel.run(modelVersion, queueId);
  }

  /** Adds items or updates their scores, in one transaction. */
  score(queueId: number, items: readonly QueueItem[]): void {
    // scores are recomputed by the strategy anyway: no fsync needed
    withoutFsync(this.db, () =>
      this.db.transaction(() => {
        for (const it of items) this.s.upsert.run(queueId, it.sampleId, it.score);
      })(),
    );
  }

  /** The `n` pending items with the highest scores, read straight off the queue_items_next index. */
  peek(queueId: number, n: number): QueueItem[] {
    return this.s.next.all(queueId, n) as QueueItem[];
  }

  /**
   * Leases the next `n` items to an annotator for `leaseMs`: expired leases return to the queue
   * first, then the highest-scoring pending items are taken, all in one write transaction so two
   * annotators never get the same item.
   */
  lease(queueId: number, annotator: string, n: number, leaseMs: number): LeasedItem[] {
    // a lease lost to a power cut only puts the items back in the queue: no fsync needed
    return withoutFsync(this.db, () => this.leaseTransaction(queueId, annotator, n, leaseMs));
  }

  private leaseTransaction(queueId: number, annotator: string, n: number, leaseMs: number): LeasedItem[] {
    return this.db.transaction(() => {
      const now = this.now();
      this.s.expire.run(queueId, now);
      const annotatorId = this.labels.annotatorId(annotator);
      const expires = now + leaseMs;
      const items = this.s.next.all(queueId, n) as QueueItem[];
      for (const it of items) this.s.lease.run(annotatorId, expires, queueId, it.sampleId);
      return items.map((it) => ({ ...it, leaseExpiresAt: expires }));
    }).immediate();
  }

  /**
   * Labels a leased item: appends the label (with the queue and its model version as provenance)
   * and closes the item, atomically. Refused when the item is leased to someone else; a label
   * on an expired lease is still kept (it is real work) as long as no one else took the item.
   */
  label(queueId: number, sampleId: number, annotator: string, value: string, durationMs?: number): LabelRecord {
    return this.db.transaction(() => {
      const q = this.get(queueId);
      const item = this.s.item.get(queueId, sampleId) as { status: string; annotatorId: number | null; leaseExpiresAt: number | null } | undefined;
      if (!item) throw new StoreError('E_NOT_FOUND', `Sample ${sampleId} is not in queue ${queueId}.`);
      const annotatorId = this.labels.annotatorId(annotator);
      if (item.status === 'leased' && item.annotatorId !== annotatorId && (item.leaseExpiresAt ?? 0) > this.now()) {
        throw new StoreError('E_LEASE', `Sample ${sampleId} of queue ${queueId} is leased to another annotator until ${new Date(item.leaseExpiresAt!).toISOString()}.`);
      }
      const record = this.labels.appendInTransaction({ sampleId, value, annotator, queueId, modelVersion: q.modelVersion ?? undefined, durationMs, source: 'annotator' });
      this.s.close.run('done', queueId, sampleId);
      return record;
    }).immediate();
  }

  skip(queueId: number, sampleId: number): void {
    this.s.close.run('skipped', queueId, sampleId);
  }

  /** Gives back everything an annotator holds (they closed the screen). */
  release(queueId: number, annotator: string): number {
    return this.s.release.run(queueId, this.labels.annotatorId(annotator)).changes;
  }

  counts(queueId: number): QueueCounts {
    const c: QueueCounts = { pending: 0, leased: 0, done: 0, skipped: 0 };
    for (const r of this.s.counts.all(queueId) as { status: keyof QueueCounts; n: number }[]) c[r.status] = r.n;
    return c;
  }
}
