import { openStoreDatabase, type Db, type OpenOptions } from './connection';
import { DatasetTable } from './dataset-table';
import { LabActivityTable } from './lab-activity';
import { LabelLog } from './label-log';
import { QueueTable } from './queue-table';
import { RunTable } from './run-table';

/**
 * The workspace database: one connection and the tables' prepared statements. Main is the only
 * writer; a kernel may open a second, read-only Store for bulk reads.
 */
export class Store {
  readonly datasets: DatasetTable;
  readonly labels: LabelLog;
  readonly queues: QueueTable;
  readonly runs: RunTable;
  /** When each lab was opened, time spent in it, and where its cells ran. */
  readonly activity: LabActivityTable;
  private closed = false;

  private constructor(
    readonly db: Db,
    readonly file: string,
  ) {
    this.datasets = new DatasetTable(db);
    this.labels = new LabelLog(db);
    this.queues = new QueueTable(db, this.labels);
    this.runs = new RunTable(db);
    this.activity = new LabActivityTable(db);
  }

  static open(file: string, options: OpenOptions = {}): Store {
    const store = new Store(openStoreDatabase(file, options), file);
    if (!options.readonly) store.datasets.dropUnfinished();
    return store;
  }

  /** Integrity as SQLite sees it: 'ok', or the problems it found. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('\n');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
