import { createHash } from 'node:crypto';
import type { QueueCounts, QueueSettings, QueueStrategy } from '../api/queues';
import type { ExchangedLabel } from '../queues/exchange';
import type { DatasetFacts, HeldItem, QueueLabel, QueueStore, ScoredItem, StoredQueue, StoredSample } from '../queues/queue-store';
import type { Store } from './store';
import { StoreError } from './store-errors';

interface QueueRow {
  id: number;
  datasetId: number;
  name: string;
  strategy: QueueStrategy;
  modelVersion: string | null;
  settings: string;
  classes: string;
  createdAt: number;
  archivedAt: number | null;
}

interface LabelRow {
  uid: string | null;
  sampleId: number;
  position: number;
  value: string;
  annotator: string;
  queueId: number | null;
  queueName: string | null;
  datasetName: string;
  modelVersion: string | null;
  durationMs: number | null;
  createdAt: number;
}

const LABEL_SELECT = `
  SELECT l.uid, l.sample_id AS sampleId, s.position, l.value, a.name AS annotator, l.queue_id AS queueId, q.name AS queueName,
         d.name AS datasetName, l.model_version AS modelVersion, l.duration_ms AS durationMs, l.created_at AS createdAt
  FROM labels l JOIN annotators a ON a.id = l.annotator_id JOIN samples s ON s.id = l.sample_id
  JOIN datasets d ON d.id = l.dataset_id LEFT JOIN queues q ON q.id = l.queue_id`;

/**
 * A label's uid: the one it was given, or (for labels written before uids, or by a cell) one derived
 * from what the label says, which is the same on every machine that holds it.
 */
function uidOf(r: LabelRow): string {
  if (r.uid) return r.uid;
  return 'd-' + createHash('sha256').update(JSON.stringify([r.datasetName, r.position, r.value, r.annotator, r.createdAt])).digest('hex').slice(0, 32);
}

/** The queue service's view of the workspace database (see main/queues/queue-store.ts). */
export class SqliteQueueStore implements QueueStore {
  private readonly s;
  private readonly datasetCache = new Map<number, DatasetFacts>();
  private readonly totals = new Map<number, number>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {
    const db = store.db;
    this.s = {
      createQueue: db.prepare(`INSERT INTO queues (dataset_id, name, strategy, settings, classes, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
      queue: db.prepare(`SELECT id, dataset_id AS datasetId, name, strategy, model_version AS modelVersion, settings, classes, created_at AS createdAt, archived_at AS archivedAt FROM queues WHERE id = ?`),
      queues: db.prepare(`SELECT id, dataset_id AS datasetId, name, strategy, model_version AS modelVersion, settings, classes, created_at AS createdAt, archived_at AS archivedAt FROM queues ORDER BY id`),
      queuesOf: db.prepare(`SELECT id, dataset_id AS datasetId, name, strategy, model_version AS modelVersion, settings, classes, created_at AS createdAt, archived_at AS archivedAt FROM queues WHERE dataset_id = ? ORDER BY id`),
      // a multiplicative hash of the sample id, seeded by the queue: a repeatable shuffle in one statement
      fill: db.prepare(
        `INSERT OR IGNORE INTO queue_items (queue_id, sample_id, score)
         SELECT @queueId, id, ((id * 2654435761 + @queueId * 40503) % 4294967296) / 4294967296.0 FROM samples
         WHERE dataset_id = @datasetId AND id > @after AND id <= @last`,
      ),
      chunkEnd: db.prepare(`SELECT max(id) AS last FROM (SELECT id FROM samples WHERE dataset_id = ? AND id > ? ORDER BY id LIMIT ?)`),
      setModel: db.prepare(`UPDATE queues SET model_version = ? WHERE id = ?`),
      score: db.prepare(`UPDATE queue_items SET score = ?, suggestion = ?, suggestion_p = ? WHERE queue_id = ? AND sample_id = ?`),
      countStatus: db.prepare(`SELECT count(*) AS n FROM queue_items WHERE queue_id = ? AND status = ?`),
      total: db.prepare(`SELECT count(*) AS n FROM queue_items WHERE queue_id = ?`),
      annotatorId: db.prepare(`SELECT id FROM annotators WHERE name = ?`),
      held: db.prepare(
        `SELECT sample_id AS sampleId, score, suggestion, suggestion_p AS suggestionProbability, lease_expires_at AS leaseExpiresAt
         FROM queue_items WHERE queue_id = ? AND status = 'leased' AND annotator_id = ? AND lease_expires_at > ? ORDER BY lease_expires_at`,
      ),
      expire: db.prepare(`UPDATE queue_items SET status = 'pending', annotator_id = NULL, lease_expires_at = NULL WHERE queue_id = ? AND status = 'leased' AND lease_expires_at <= ?`),
      // the best pending item this annotator has not labeled yet (overlap items come back for a second person)
      next: db.prepare(
        `SELECT sample_id AS sampleId, score, suggestion, suggestion_p AS suggestionProbability FROM queue_items qi
         WHERE queue_id = ? AND status = 'pending'
           AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.queue_id = qi.queue_id AND l.annotator_id = ? AND l.sample_id = qi.sample_id)
         ORDER BY score DESC LIMIT 1`,
      ),
      lease: db.prepare(`UPDATE queue_items SET status = 'leased', annotator_id = ?, lease_expires_at = ? WHERE queue_id = ? AND sample_id = ?`),
      item: db.prepare(`SELECT status, annotator_id AS annotatorId, lease_expires_at AS leaseExpiresAt, score, suggestion, suggestion_p AS suggestionProbability FROM queue_items WHERE queue_id = ? AND sample_id = ?`),
      close: db.prepare(`UPDATE queue_items SET status = ?, annotator_id = ?, lease_expires_at = NULL WHERE queue_id = ? AND sample_id = ?`),
      insertLabel: db.prepare(
        `INSERT INTO labels (dataset_id, sample_id, value, source, annotator_id, queue_id, model_version, duration_ms, created_at, uid)
         VALUES (?, ?, ?, 'annotator', ?, ?, ?, ?, ?, ?)`,
      ),
      recent: db.prepare(`${LABEL_SELECT} WHERE l.queue_id = ? AND l.annotator_id = ? ORDER BY l.id DESC LIMIT ?`),
      itemAnnotators: db.prepare(`SELECT DISTINCT a.name FROM labels l JOIN annotators a ON a.id = l.annotator_id WHERE l.sample_id = ? AND l.queue_id = ?`),
      labeledBy: db.prepare(`SELECT count(DISTINCT sample_id) AS n FROM labels WHERE queue_id = ? AND annotator_id = ?`),
      finals: db.prepare(`${LABEL_SELECT} WHERE l.id IN (SELECT max(id) FROM labels WHERE queue_id = ? AND annotator_id IS NOT NULL GROUP BY sample_id, annotator_id)`),
      annotators: db.prepare(`SELECT name FROM annotators ORDER BY name`),
      exportAll: db.prepare(`${LABEL_SELECT} WHERE l.dataset_id = ? AND l.source = 'annotator' ORDER BY l.id`),
      exportOne: db.prepare(`${LABEL_SELECT} WHERE l.dataset_id = ? AND l.source = 'annotator' AND a.name = ? ORDER BY l.id`),
      byUid: db.prepare(`${LABEL_SELECT} WHERE l.uid = ?`),
      datasetByName: db.prepare(`SELECT id FROM datasets WHERE name = ? AND status = 'ready'`),
      ofSample: db.prepare(`${LABEL_SELECT} WHERE d.name = ? AND s.position = ? AND l.annotator_id IS NOT NULL ORDER BY l.id`),
      sampleAt: db.prepare(`SELECT s.id, s.dataset_id AS datasetId FROM samples s JOIN datasets d ON d.id = s.dataset_id WHERE d.name = ? AND s.position = ?`),
      queueByName: db.prepare(`SELECT id FROM queues WHERE dataset_id = ? AND name = ?`),
      archive: db.prepare(`UPDATE queues SET archived_at = ? WHERE id = ?`),
      releaseAll: db.prepare(`UPDATE queue_items SET status = 'pending', annotator_id = NULL, lease_expires_at = NULL WHERE queue_id = ? AND status = 'leased'`),
      sampleIds: db.prepare(`SELECT id FROM samples WHERE dataset_id = ? ORDER BY position`).pluck(),
    };
  }

  dataset(datasetId: number): DatasetFacts {
    let d = this.datasetCache.get(datasetId);
    if (!d) {
      const summary = this.store.datasets.get(datasetId);
      d = { id: summary.id, name: summary.name, sampleCount: summary.sampleCount, classes: summary.classes, shape: summary.shape, kind: summary.kind };
      this.datasetCache.set(datasetId, d);
    }
    return d;
  }

  sample(sampleId: number): StoredSample {
    const r = this.store.datasets.sample(sampleId);
    return {
      id: r.id,
      position: r.position,
      rawType: r.raw_type,
      raw: r.raw === null ? null : typeof r.raw === 'string' ? Buffer.from(r.raw, 'utf8') : r.raw,
      features: r.features ? new Float32Array(r.features.buffer.slice(r.features.byteOffset, r.features.byteOffset + r.features.byteLength)) : null,
    };
  }

  features(datasetId: number): { sampleIds: Int32Array; features: Float32Array; dim: number } {
    const ids: number[] = [];
    const chunks: Buffer[] = [];
    let dim = 0;
    for (const r of this.store.datasets.iterateFeatures(datasetId)) {
      ids.push(r.id);
      const f = r.features ?? Buffer.alloc(dim * 4);
      if (!dim) dim = f.byteLength / 4;
      chunks.push(f);
    }
    const all = Buffer.concat(chunks);
    return { sampleIds: Int32Array.from(ids), features: new Float32Array(all.buffer, all.byteOffset, all.byteLength / 4), dim };
  }

  sampleIds(datasetId: number): Int32Array {
    this.dataset(datasetId);
    return Int32Array.from(this.s.sampleIds.all(datasetId) as number[]);
  }

  setArchived(queueId: number, at: number | null): void {
    this.store.db
      .transaction(() => {
        this.queue(queueId);
        this.s.archive.run(at, queueId);
        if (at !== null) this.s.releaseAll.run(queueId);
      })
      .immediate();
  }

  createQueue(q: Omit<StoredQueue, 'id' | 'createdAt' | 'modelVersion' | 'archivedAt'>): StoredQueue {
    this.dataset(q.datasetId);
    try {
      const id = Number(this.s.createQueue.run(q.datasetId, q.name, q.strategy, JSON.stringify(q.settings), JSON.stringify(q.classes), this.now()).lastInsertRowid);
      return this.queue(id);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new StoreError('E_QUEUE_EXISTS', `Dataset ${q.datasetId} already has a queue named ${JSON.stringify(q.name)}: choose another name.`);
      }
      throw err;
    }
  }

  queue(queueId: number): StoredQueue {
    const r = this.s.queue.get(queueId) as QueueRow | undefined;
    if (!r) throw new StoreError('E_NOT_FOUND', `No queue with id ${queueId}. queues.list() shows the queues of this workspace.`);
    return toQueue(r);
  }

  queues(datasetId?: number): StoredQueue[] {
    return ((datasetId === undefined ? this.s.queues.all() : this.s.queuesOf.all(datasetId)) as QueueRow[]).map(toQueue);
  }

  fillQueue(queueId: number, afterSampleId: number, limit: number): number | null {
    const q = this.queue(queueId);
    this.totals.delete(queueId);
    const { last } = this.s.chunkEnd.get(q.datasetId, afterSampleId, limit) as { last: number | null };
    if (last === null) return null;
    this.s.fill.run({ queueId, datasetId: q.datasetId, after: afterSampleId, last });
    return last;
  }

  scoreItems(queueId: number, modelVersion: string | null, items: readonly ScoredItem[]): void {
    this.store.db.transaction(() => {
      if (modelVersion !== null) this.s.setModel.run(modelVersion, queueId);
      for (const it of items) this.s.score.run(it.score, it.suggestion, it.suggestionProbability, queueId, it.sampleId);
    })();
  }

  counts(queueId: number): QueueCounts {
    // counted per status off the (queue_id, status, score) index: done/leased/skipped are few, and
    // pending is the total minus those, so a million pending items cost nothing per key press
    let total = this.totals.get(queueId);
    if (total === undefined) this.totals.set(queueId, (total = (this.s.total.get(queueId) as { n: number }).n));
    const n = (status: string) => (this.s.countStatus.get(queueId, status) as { n: number }).n;
    const leased = n('leased');
    const done = n('done');
    const skipped = n('skipped');
    return { pending: total - leased - done - skipped, leased, done, skipped };
  }

  private annotatorId(name: string): number {
    return this.store.labels.annotatorId(name);
  }

  held(queueId: number, annotator: string): HeldItem[] {
    return this.s.held.all(queueId, this.annotatorId(annotator), this.now()) as HeldItem[];
  }

  leaseNext(queueId: number, annotator: string, leaseMs: number): HeldItem | null {
    return this.store.db
      .transaction(() => {
        const now = this.now();
        this.s.expire.run(queueId, now);
        const who = this.annotatorId(annotator);
        const next = this.s.next.get(queueId, who) as ScoredItem | undefined;
        if (!next) return null;
        // held() lists by expiry: a new lease must sort after what the annotator already holds
        const held = this.s.held.all(queueId, who, now) as HeldItem[];
        const expires = Math.max(now + leaseMs, (held.at(-1)?.leaseExpiresAt ?? 0) + 1);
        this.s.lease.run(who, expires, queueId, next.sampleId);
        return { ...next, leaseExpiresAt: expires };
      })
      .immediate();
  }

  label(queueId: number, sampleId: number, label: { annotator: string; value: string; durationMs: number | null; uid: string }, options: { reopenForOverlap: boolean }): QueueLabel {
    return this.store.db
      .transaction(() => {
        const q = this.queue(queueId);
        const item = this.s.item.get(queueId, sampleId) as { status: string; annotatorId: number | null; leaseExpiresAt: number | null } | undefined;
        if (!item) throw new StoreError('E_NOT_FOUND', `Sample ${sampleId} is not in queue ${queueId}.`);
        const who = this.annotatorId(label.annotator);
        const now = this.now();
        if (item.status === 'leased' && item.annotatorId !== who && (item.leaseExpiresAt ?? 0) > now) {
          throw new StoreError('E_LEASE', `Sample ${sampleId} of queue ${queueId} is with another annotator until ${new Date(item.leaseExpiresAt!).toISOString()}; it was not labeled.`);
        }
        const sample = this.store.datasets.sample(sampleId);
        const duration = label.durationMs === null ? null : Math.max(0, Math.round(label.durationMs));
        this.s.insertLabel.run(q.datasetId, sampleId, label.value, who, queueId, q.modelVersion, duration, now, label.uid);
        this.s.close.run(options.reopenForOverlap ? 'pending' : 'done', null, queueId, sampleId);
        return { uid: label.uid, sampleId, position: sample.position, value: label.value, annotator: label.annotator, queueId, modelVersion: q.modelVersion, durationMs: duration, createdAt: now };
      })
      .immediate();
  }

  skip(queueId: number, sampleId: number, annotator: string): void {
    const item = this.s.item.get(queueId, sampleId) as { annotatorId: number | null } | undefined;
    if (!item) throw new StoreError('E_NOT_FOUND', `Sample ${sampleId} is not in queue ${queueId}.`);
    this.s.close.run('skipped', this.annotatorId(annotator), queueId, sampleId);
  }

  reopen(queueId: number, sampleId: number, annotator: string, leaseMs: number): HeldItem {
    // held() lists by expiry and the first is shown, so a reopened item must expire strictly
    // before everything else the annotator holds (it comes back before the item it interrupted)
    const who = this.annotatorId(annotator);
    const now = this.now();
    const item = this.s.item.get(queueId, sampleId) as { status: string; annotatorId: number | null; leaseExpiresAt: number | null } | undefined;
    if (!item) throw new StoreError('E_NOT_FOUND', `Sample ${sampleId} is not in queue ${queueId}.`);
    if (item.status === 'leased' && item.annotatorId !== who && (item.leaseExpiresAt ?? 0) > now) {
      throw new StoreError('E_LEASE', `Cannot reopen sample ${sampleId}: another annotator has it until ${new Date(item.leaseExpiresAt!).toISOString()}.`);
    }
    const earliest = this.held(queueId, annotator)[0]?.leaseExpiresAt ?? Infinity;
    const expires = Math.min(now + leaseMs, earliest - 1);
    this.s.lease.run(who, expires, queueId, sampleId);
    const r = this.s.item.get(queueId, sampleId) as ScoredItem;
    return { sampleId, score: r.score, suggestion: r.suggestion, suggestionProbability: r.suggestionProbability, leaseExpiresAt: expires };
  }

  recentLabels(queueId: number, annotator: string, limit: number): QueueLabel[] {
    return (this.s.recent.all(queueId, this.annotatorId(annotator), limit) as LabelRow[]).map(toQueueLabel);
  }

  itemAnnotators(queueId: number, sampleId: number): string[] {
    return (this.s.itemAnnotators.all(sampleId, queueId) as { name: string }[]).map((r) => r.name);
  }

  labeledByAnnotator(queueId: number, annotator: string): number {
    return (this.s.labeledBy.get(queueId, this.annotatorId(annotator)) as { n: number }).n;
  }

  finalLabels(queueId: number): QueueLabel[] {
    return (this.s.finals.all(queueId) as LabelRow[]).map(toQueueLabel);
  }

  annotators(): string[] {
    return (this.s.annotators.all() as { name: string }[]).map((r) => r.name);
  }

  exportLabels(datasetId: number, annotator: string | null): ExchangedLabel[] {
    const rows = (annotator === null ? this.s.exportAll.all(datasetId) : this.s.exportOne.all(datasetId, annotator)) as LabelRow[];
    return rows.map(toExchanged);
  }

  findLabel(uid: string): ExchangedLabel | undefined {
    const r = this.s.byUid.get(uid) as LabelRow | undefined;
    if (r) return toExchanged(r);
    // a derived uid is not stored: find it among the labels of its sample is not possible from the uid
    // alone, so derived uids are matched in labelsOfSample by the merge's content comparison
    return undefined;
  }

  datasetByName(name: string): DatasetFacts | undefined {
    const r = this.s.datasetByName.get(name) as { id: number } | undefined;
    return r ? this.dataset(r.id) : undefined;
  }

  labelsOfSample(datasetName: string, position: number): ExchangedLabel[] {
    return (this.s.ofSample.all(datasetName, position) as LabelRow[]).map(toExchanged);
  }

  importLabel(l: ExchangedLabel): void {
    const s = this.s.sampleAt.get(l.dataset, l.position) as { id: number; datasetId: number } | undefined;
    if (!s) throw new StoreError('E_NOT_FOUND', `No sample ${l.position} in dataset ${JSON.stringify(l.dataset)}.`);
    const queue = l.queue === null ? undefined : (this.s.queueByName.get(s.datasetId, l.queue) as { id: number } | undefined);
    this.s.insertLabel.run(s.datasetId, s.id, l.value, this.annotatorId(l.annotator), queue?.id ?? null, l.modelVersion, l.durationMs, l.createdAt, l.uid);
  }

  transaction<T>(fn: () => T): T {
    return this.store.db.transaction(fn).immediate();
  }
}

function toQueue(r: QueueRow): StoredQueue {
  return { ...r, settings: JSON.parse(r.settings) as QueueSettings, classes: JSON.parse(r.classes) as string[] };
}

function toQueueLabel(r: LabelRow): QueueLabel {
  return { uid: uidOf(r), sampleId: r.sampleId, position: r.position, value: r.value, annotator: r.annotator, queueId: r.queueId, modelVersion: r.modelVersion, durationMs: r.durationMs, createdAt: r.createdAt };
}

function toExchanged(r: LabelRow): ExchangedLabel {
  return { uid: uidOf(r), dataset: r.datasetName, position: r.position, value: r.value, annotator: r.annotator, queue: r.queueName, modelVersion: r.modelVersion, durationMs: r.durationMs, createdAt: r.createdAt };
}

/**
 * A queue store that opens the database on first use, so a workspace whose lab.db is corrupt
 * still starts (the library and notebooks work) and every queue call reports the store's error.
 */
export function lazySqliteQueueStore(open: () => Store): QueueStore {
  let real: SqliteQueueStore | undefined;
  return new Proxy({} as QueueStore, {
    get(_target, prop) {
      real ??= new SqliteQueueStore(open());
      const value = (real as unknown as Record<string | symbol, unknown>)[prop];
      return typeof value === 'function' ? value.bind(real) : value;
    },
  });
}
