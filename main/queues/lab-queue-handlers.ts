/**
 * The main side of the `lab.queues` calls that notebook cells make: a model trained in a cell
 * publishes its class probabilities (and embeddings) for a queue's samples under a model version,
 * and the annotators' queue re-ranks. Same shape as the store's lab data handlers: the kernel host
 * routes `{ method, args }` here, arguments are checked (a cell is untrusted input), and typed
 * arrays arrive by structured clone and are used as they are, with no JSON detour.
 */
import type { AgreementView, AnnotatorItem, CreateQueueOptions, QueueSummary } from '../api/queues';
import { ApiError } from '../rpc/errors';
import { checkArgs, t, type Check } from '../rpc/schema';
import { nameOrIndex } from '../store/checks';
import type { LabRequestRegistry } from '../store/lab-data-handlers';
import { CELL_ANNOTATOR, type LabelsArrived, type QueueLabels, type QueueService, type RefreshWanted } from './queue-service';
import { createQueueCheck, id, labelValue } from './queue-checks';

export interface LabScores {
  queueId: number;
  modelVersion: string;
  sampleIds: Int32Array | number[];
  classes: string[];
  probabilities: Float32Array | number[];
  embeddings?: Float32Array | number[];
  dim?: number;
}

/** `queues.open`: a dataset by name or id, and the queue's settings (used when it is created). */
export type LabOpenQueue = Omit<CreateQueueOptions, 'datasetId'> & { dataset: number | string };

export interface LabQueueApi {
  'queues.list'(datasetId?: number): Promise<QueueSummary[]>;
  'queues.get'(queueId: number): Promise<QueueSummary>;
  'queues.create'(options: CreateQueueOptions): Promise<QueueSummary>;
  'queues.open'(options: LabOpenQueue): Promise<QueueSummary>;
  'queues.archive'(queueId: number): Promise<QueueSummary>;
  'queues.publishScores'(scores: LabScores): Promise<QueueSummary>;
  /** Leases the best `count` items to the cell's annotator (named `cell:NAME` in the label log). */
  'queues.take'(queueId: number, annotator: string, count: number): Promise<AnnotatorItem[]>;
  'queues.label'(queueId: number, annotator: string, labels: { sampleId: number; value: string }[]): Promise<QueueSummary>;
  'queues.labels'(queueId: number): Promise<QueueLabels>;
  'queues.sampleIds'(queueId: number): Promise<Int32Array>;
  'queues.waitForRefresh'(queueId: number, afterGeneration: number | undefined, timeoutMs: number): Promise<RefreshWanted>;
  'queues.waitForLabels'(queueId: number, options: { count: number; since?: number; timeoutMs: number }): Promise<LabelsArrived>;
  'queues.agreement'(queueId: number): Promise<AgreementView>;
}

/** The longest a cell's long poll is held before main answers "not yet" (the cell asks again). */
export const MAX_WAIT_MS = 10 * 60_000;

/** A cell's annotator name is always marked as a cell's, so it never passes for a person. */
export const cellAnnotator = (name: string): string => (name.startsWith(CELL_ANNOTATOR) ? name : `${CELL_ANNOTATOR}${name}`);

export type LabQueueMethod = keyof LabQueueApi;
export type LabQueueHandlers = { [M in LabQueueMethod]: (...args: unknown[]) => ReturnType<LabQueueApi[M]> };

/** A Float32Array, an Int32Array or an array of finite numbers (how a cell hands over model output). */
function numbers(kind: 'float' | 'int'): Check<Float32Array | Int32Array | number[]> {
  return Object.assign((v: unknown, p: string) => {
    const ok = kind === 'float' ? v instanceof Float32Array || v instanceof Float64Array : v instanceof Int32Array;
    if (ok) {
      const arr = v as Float32Array;
      for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) return `${p}[${i}] must be a finite number, got ${arr[i]}`;
      return undefined;
    }
    if (!Array.isArray(v)) return `${p} must be ${kind === 'float' ? 'a Float32Array' : 'an Int32Array'} or an array of numbers`;
    for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) return `${p}[${i}] must be a finite number, got ${JSON.stringify(v[i])}`;
    return undefined;
  }, {}) as Check<Float32Array | Int32Array | number[]>;
}

const value = labelValue;

const annotator = t.string({ minLength: 1, maxLength: 100 });
const waitMs = t.number({ min: 0, max: MAX_WAIT_MS });
const openCheck: Check<LabOpenQueue> = (v, p) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${p} must be an object, got ${v === null ? 'null' : typeof v}`;
  const { dataset, ...rest } = v as Record<string, unknown>;
  return nameOrIndex({ min: 1 })(dataset, `${p}.dataset`) ?? createQueueCheck({ ...rest, datasetId: 1 }, p);
};

const CHECKS: Record<LabQueueMethod, readonly Check<unknown>[]> = {
  'queues.list': [t.optional(id)],
  'queues.get': [id],
  'queues.create': [createQueueCheck],
  'queues.open': [openCheck],
  'queues.archive': [id],
  'queues.take': [id, annotator, t.number({ integer: true, min: 1, max: 100_000 })],
  'queues.label': [id, annotator, t.array(t.object({ sampleId: id, value: labelValue }), { maxLength: 100_000 })],
  'queues.labels': [id],
  'queues.sampleIds': [id],
  'queues.waitForRefresh': [id, t.optional(t.number({ integer: true, min: 0 })), waitMs],
  'queues.waitForLabels': [id, t.object({ count: t.number({ integer: true, min: 1 }), since: t.optional(t.number({ min: 0 })), timeoutMs: waitMs })],
  'queues.publishScores': [
    t.object({
      queueId: id,
      modelVersion: t.string({ minLength: 1, maxLength: 200 }),
      sampleIds: numbers('int'),
      classes: t.array(value, { maxLength: 1000 }),
      probabilities: numbers('float'),
      embeddings: t.optional(numbers('float')),
      dim: t.optional(t.number({ integer: true, min: 1 })),
    }),
  ],
  'queues.agreement': [id],
};

/** Handlers for the kernel's queue requests, each checking its arguments before it runs. */
export function createLabQueueHandlers(service: QueueService): LabQueueHandlers {
  const impl: { [M in LabQueueMethod]: (...args: never[]) => ReturnType<LabQueueApi[M]> } = {
    'queues.list': (datasetId?: number) => service.list(datasetId),
    'queues.get': (queueId: number) => service.get(queueId),
    'queues.create': (options: CreateQueueOptions) => service.create(options),
    'queues.open': ({ dataset, ...rest }: LabOpenQueue) => service.open({ ...rest, datasetId: service.datasetId(dataset) }),
    'queues.archive': (queueId: number) => service.archive(queueId),
    'queues.take': (queueId: number, name: string, count: number) => service.take(queueId, cellAnnotator(name), count),
    'queues.label': (queueId: number, name: string, labels: { sampleId: number; value: string }[]) => service.labelMany(queueId, cellAnnotator(name), labels),
    'queues.labels': (queueId: number) => service.labels(queueId),
    'queues.sampleIds': (queueId: number) => service.sampleIds(queueId),
    'queues.waitForRefresh': (queueId: number, after: number | undefined, timeoutMs: number) => service.waitForRefresh(queueId, after, timeoutMs),
    'queues.waitForLabels': (queueId: number, options: { count: number; since?: number; timeoutMs: number }) => service.waitForLabels(queueId, options),
    'queues.publishScores': (s: LabScores) =>
      service.publishModelOutput({
        queueId: s.queueId,
        modelVersion: s.modelVersion,
        sampleIds: s.sampleIds instanceof Int32Array ? s.sampleIds : Int32Array.from(s.sampleIds),
        classes: s.classes,
        probabilities: s.probabilities instanceof Float32Array ? s.probabilities : Float32Array.from(s.probabilities),
        embeddings: s.embeddings === undefined || s.embeddings instanceof Float32Array ? s.embeddings : Float32Array.from(s.embeddings),
        dim: s.dim,
      }),
    'queues.agreement': (queueId: number) => service.agreement(queueId),
  };
  const out = {} as Record<string, (...args: unknown[]) => unknown>;
  for (const method of Object.keys(CHECKS) as LabQueueMethod[]) {
    out[method] = (...args: unknown[]) => {
      const problem = checkArgs(CHECKS[method], args);
      if (problem) return Promise.reject(new ApiError('E_BAD_ARGUMENTS', `lab ${method}: ${problem}`));
      return (impl[method] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return out as LabQueueHandlers;
}

/** Registers every lab queue method on the kernel's request router; dispose() removes them. */
export function registerLabQueues(router: LabRequestRegistry, service: QueueService): { dispose(): void } {
  const handlers = createLabQueueHandlers(service);
  const registered = (Object.keys(handlers) as LabQueueMethod[]).map((method) => router.register(method, (args) => handlers[method](...args)));
  return { dispose: () => registered.forEach((r) => r.dispose()) };
}

/** Whether a kernel request names one of these methods. */
export function isLabQueueMethod(method: string): method is LabQueueMethod {
  return Object.hasOwn(CHECKS, method);
}
