/** The store: the one place SQL lives. Other code imports from here. */
export { Store } from './store';
export { StoreError, type StoreErrorCode } from './store-errors';
export { DatasetService, type DatasetServiceOptions, type LoadOptions, type LoadedDataset } from './dataset-service';
export { createLabDataHandlers, isLabDataMethod, registerLabData, type LabDataApi, type LabDataHandlers, type LabDataMethod, type LabRequestRegistry } from './lab-data-handlers';
export { importDataset, detectFormat } from './import/importer';
export { exportDataset } from './export';
export { QueueTable, type QueueInfo, type QueueItem, type LeasedItem, type QueueCounts } from './queue-table';
export { RunTable, type NewRun, type RunEnd, type CheckResult } from './run-table';
export { LabActivityTable, IDLE_GAP_MS, type LabActivity, type LabEnvironment } from './lab-activity';
export { DEFAULT_SPLIT_SEED } from './split';
export { LATEST_VERSION } from './migrations';
export { lazySqliteQueueStore } from './sqlite-queue-store';
export { nameOrIndex } from './checks';
export { registerDatasets } from './register';
