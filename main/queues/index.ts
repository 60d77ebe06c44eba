export { QueueService, DEFAULT_SETTINGS, CELL_ANNOTATOR, inOverlap, type LabelsArrived, type ModelOutput, type QueueLabels, type QueueServiceOptions, type RefreshWanted } from './queue-service';
export { registerQueues } from './register-queues';
export type { QueueStore } from './queue-store';
export { createLabQueueHandlers, isLabQueueMethod, registerLabQueues, cellAnnotator, MAX_WAIT_MS, type LabOpenQueue, type LabQueueApi, type LabQueueHandlers, type LabQueueMethod, type LabScores } from './lab-queue-handlers';
