import type Database from 'better-sqlite3';
import { StoreError } from './store-errors';

/** Marks a database file as an mlsys-lab store ("MLSL"), so a foreign SQLite file is refused. */
export const APPLICATION_ID = 0x4d4c534c;

/**
 * Schema versions, oldest first. Migration i takes a database from user_version i to i + 1 and
 * runs in one transaction together with the version bump, so a crash mid-migration leaves the
 * previous version intact. Never edit a released migration: append a new one.
 */
const MIGRATIONS: readonly string[] = [
  /* 0 -> 1: the first schema */ `
  CREATE TABLE datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('table', 'image', 'text')),
    format TEXT NOT NULL,
    source TEXT NOT NULL,
    columns TEXT NOT NULL DEFAULT '[]',      -- JSON: ColumnInfo[] (name, type, role, missing)
    feature_names TEXT NOT NULL DEFAULT '[]', -- JSON: the names of the float32 features, in order
    shape TEXT,                               -- JSON: [height, width, channels] for images
    classes TEXT,                             -- JSON: label value -> display name
    sample_count INTEGER NOT NULL DEFAULT 0,
    -- 'importing' datasets are invisible and deleted on open: an import that did not finish
    status TEXT NOT NULL DEFAULT 'importing' CHECK (status IN ('importing', 'ready', 'deleting')),
    created_at INTEGER NOT NULL
  );

  CREATE TABLE samples (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,     -- order in the source file, from 0
    features BLOB,                 -- little-endian float32; NaN where the source had a missing value
    raw_type TEXT,                 -- MIME type of raw: image/png, image/jpeg, text/plain, application/json
    raw BLOB,                      -- the item as people see it (image bytes, text, JSON of non-feature cells)
    origin_split TEXT,             -- 'train' or 'test' when the source came split
    UNIQUE (dataset_id, position)
  );

  CREATE TABLE annotators (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE queues (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    strategy TEXT NOT NULL,
    model_version TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (dataset_id, name)
  );

  CREATE TABLE queue_items (
    queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'leased', 'done', 'skipped')),
    annotator_id INTEGER REFERENCES annotators(id),
    lease_expires_at INTEGER,
    PRIMARY KEY (queue_id, sample_id)
  ) WITHOUT ROWID;
  -- next batch: the highest-scoring pending items of a queue, straight off this index
  CREATE INDEX queue_items_next ON queue_items (queue_id, status, score DESC);
  -- expired leases, found without scanning the queue
  CREATE INDEX queue_items_leases ON queue_items (queue_id, lease_expires_at) WHERE status = 'leased';

  -- append-only: a correction is a new row, and the latest row for a sample is its label
  CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    sample_id INTEGER NOT NULL REFERENCES samples(id),
    value TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('import', 'annotator', 'cell', 'model')),
    annotator_id INTEGER REFERENCES annotators(id),
    queue_id INTEGER REFERENCES queues(id),
    model_version TEXT,
    duration_ms INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX labels_by_sample ON labels (sample_id, id);
  CREATE INDEX labels_by_dataset ON labels (dataset_id, id);
  CREATE TRIGGER labels_no_update BEFORE UPDATE ON labels BEGIN
    SELECT RAISE(ABORT, 'labels are append-only: record a correction as a new label');
  END;
  -- only deleting a whole dataset (marked 'deleting' first) may remove its labels
  CREATE TRIGGER labels_no_delete BEFORE DELETE ON labels
  WHEN (SELECT status FROM datasets WHERE id = OLD.dataset_id) IS NOT 'deleting' BEGIN
    SELECT RAISE(ABORT, 'labels are append-only: record a correction as a new label');
  END;

  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('training', 'cell')),
    name TEXT,
    lab_id TEXT,
    notebook TEXT,
    cell_id TEXT,
    dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
    model_version TEXT,
    backend TEXT,
    device TEXT,
    config TEXT,                  -- JSON
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'error', 'interrupted')),
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    wall_ms REAL,
    cpu_ms REAL,
    energy_j REAL,
    co2e_g REAL
  );
  CREATE INDEX runs_by_lab ON runs (lab_id, started_at);

  CREATE TABLE metrics (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    step INTEGER NOT NULL,
    value REAL NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (run_id, name, step)
  ) WITHOUT ROWID;

  CREATE TABLE lab_progress (
    lab_id TEXT NOT NULL,
    check_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('passed', 'failed')),
    message TEXT,
    at INTEGER NOT NULL,
    PRIMARY KEY (lab_id, check_id)
  ) WITHOUT ROWID;
  `,
  /* 1 -> 2: active-learning queues (main/queues) */ `
  -- a queue's settings (target, overlap, refreshEvery, leaseSeconds) and its label values, as JSON
  ALTER TABLE queues ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE queues ADD COLUMN classes TEXT NOT NULL DEFAULT '[]';
  -- the model's most likely label for the item and its probability (Enter accepts it)
  ALTER TABLE queue_items ADD COLUMN suggestion TEXT;
  ALTER TABLE queue_items ADD COLUMN suggestion_p REAL;
  -- a label's id across machines: importing an annotator's label file twice adds nothing
  ALTER TABLE labels ADD COLUMN uid TEXT;
  CREATE UNIQUE INDEX labels_uid ON labels (uid) WHERE uid IS NOT NULL;
  -- an annotator's labels in a queue (progress, undo, overlap) without scanning the whole log
  CREATE INDEX labels_by_queue ON labels (queue_id, annotator_id, sample_id) WHERE queue_id IS NOT NULL;
  `,
  /* 2 -> 3: a run's energy says whether it was measured or estimated (an estimate must never read
     as a measurement), and keeps the per-component figures (CPU, GPU, each with its source) as JSON. */ `
  ALTER TABLE runs ADD COLUMN energy_source TEXT CHECK (energy_source IN ('measured', 'estimated'));
  ALTER TABLE runs ADD COLUMN energy_detail TEXT;
  `,
  /* 3 -> 4: when each lab was opened and how long the attendee has worked in it (main/store/lab-activity.ts),
     and where its cells last ran, for a hand-in's reproducibility record. Keyed by pack id, like
     lab_progress, so that reinstalling or upgrading a pack keeps it. */ `
  CREATE TABLE lab_activity (
    lab_id TEXT PRIMARY KEY,
    first_opened_at INTEGER,
    last_opened_at INTEGER,
    last_active_at INTEGER,          -- the latest action (open, edit, run, close) in the lab's notebooks
    active_ms REAL NOT NULL DEFAULT 0,
    environment TEXT                 -- JSON: backend, device, package versions, seeds, energy method
  ) WITHOUT ROWID;
  `,
  /* 4 -> 5: a queue can be archived (main/queues): it keeps its items and labels but leaves the
     annotators' list and hands out nothing until restored. A lab's simulated queues go there. */ `
  ALTER TABLE queues ADD COLUMN archived_at INTEGER;
  `,
];

export const LATEST_VERSION = MIGRATIONS.length;

/** Brings `db` to LATEST_VERSION, one transaction per step. Refuses a newer database untouched. */
export function migrate(db: Database.Database, file: string, migrations: readonly string[] = MIGRATIONS): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new StoreError('E_DB_NEWER', `${file} was made by a newer mlsys-lab (schema version ${current}; this version knows up to ${migrations.length}). It was not modified. Update mlsys-lab to open it.`);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      if (v === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
