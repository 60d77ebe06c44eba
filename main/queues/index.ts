export { QueueService, DEFAULT_SETTINGS, inOverlap, type ModelOutput, type QueueServiceOptions } from './queue-service';
export { registerQueues } from './register-queues';
export type { QueueStore } from './queue-store';
export { createLabQueueHandlers, isLabQueueMethod, type LabQueueApi, type LabQueueHandlers, type LabQueueMethod, type LabScores } from './lab-queue-handlers';
