/**
 * The main side of the `lab.queues` calls that notebook cells make: a model trained in a cell
 * publishes its class probabilities (and embeddings) for a queue's samples under a model version,
 * and the annotators' queue re-ranks. Same shape as the store's lab data handlers: the kernel host
 * routes `{ method, args }` here, arguments are checked (a cell is untrusted input), and typed
 * arrays arrive by structured clone and are used as they are, with no JSON detour.
 */
import type { AgreementView, CreateQueueOptions, QueueSummary } from '../api/queues';
import { ApiError } from '../rpc/errors';
import { checkArgs, t, type Check } from '../rpc/schema';
import type { QueueService } from './queue-service';
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

export interface LabQueueApi {
  'queues.list'(datasetId?: number): Promise<QueueSummary[]>;
  'queues.create'(options: CreateQueueOptions): Promise<QueueSummary>;
  'queues.publishScores'(scores: LabScores): Promise<QueueSummary>;
  'queues.agreement'(queueId: number): Promise<AgreementView>;
}

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

const CHECKS: Record<LabQueueMethod, readonly Check<unknown>[]> = {
  'queues.list': [t.optional(id)],
  'queues.create': [createQueueCheck],
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
    'queues.create': (options: CreateQueueOptions) => service.create(options),
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

/** Whether a kernel request names one of these methods. */
export function isLabQueueMethod(method: string): method is LabQueueMethod {
  return Object.hasOwn(CHECKS, method);
}
