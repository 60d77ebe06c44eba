/**
 * The main side of the `lab` data calls that notebook cells make (`lab.datasets.list()`,
 * `lab.datasets.load(...)`, `lab.labels.append(...)`, `lab.labels.history(...)`).
 *
 * The kernel runs in its own process and asks main for data; main stays the only writer. Each
 * handler takes the request's JSON-like arguments, checks them (a cell is untrusted input) and
 * returns plain data. Features and labels come back as typed arrays (Float32Array, Int32Array),
 * which child_process IPC with `serialization: 'advanced'` carries by structured clone, without a
 * round trip through JSON numbers or base64.
 *
 * The kernel host wires these in with one line: for a request `{ method, args }` from the kernel,
 * `await handlers[method](...args)`; an unknown method or bad arguments throw a clear error that
 * travels back to the cell.
 */
import { isAbsolute } from 'node:path';
import type { DatasetSummary, ImportFormat, LabelRecord } from '../api/datasets';
import { checkArgs, t, type Check } from '../rpc/schema';
import { ApiError } from '../rpc/errors';
import type { DatasetService, LoadedDataset } from './dataset-service';
import { nameOrIndex } from './checks';

export interface LabDataApi {
  'datasets.list'(): Promise<DatasetSummary[]>;
  'datasets.load'(dataset: number | string, options?: { testFraction?: number; seed?: number; scale?: number }): Promise<LoadedDataset>;
  'labels.append'(label: { sampleId: number; value: string; modelVersion?: string; durationMs?: number }): Promise<LabelRecord>;
  'labels.history'(sampleId: number): Promise<LabelRecord[]>;
  'datasets.import'(path: string, options?: LabImportOptions): Promise<DatasetSummary>;
}

/** What a cell may say about an import (`lab.datasets.import(path, options)`). */
export interface LabImportOptions {
  name?: string;
  format?: ImportFormat;
  labelColumn?: string | number;
  /** Return the ready dataset of that name when there is one, instead of importing again (default true). */
  reuse?: boolean;
}

export type LabDataMethod = keyof LabDataApi;
export type LabDataHandlers = { [M in LabDataMethod]: (...args: unknown[]) => ReturnType<LabDataApi[M]> };

const datasetRef = nameOrIndex({ min: 1 });

const CHECKS: Record<LabDataMethod, readonly Check<unknown>[]> = {
  'datasets.list': [],
  'datasets.load': [
    datasetRef,
    t.optional(t.object({ testFraction: t.optional(t.number({ min: 0, max: 0.99 })), seed: t.optional(t.number({ integer: true })), scale: t.optional(t.number({ min: 1e-9 })) })),
  ],
  'labels.append': [
    t.object({
      sampleId: t.number({ integer: true, min: 1 }),
      value: t.string({ minLength: 1, maxLength: 1000 }),
      modelVersion: t.optional(t.string({ maxLength: 200 })),
      durationMs: t.optional(t.number({ min: 0 })),
    }),
  ],
  'labels.history': [t.number({ integer: true, min: 1 })],
  'datasets.import': [
    t.string({ minLength: 1, maxLength: 4096 }),
    t.optional(
      t.object({
        name: t.optional(t.string({ minLength: 1, maxLength: 200 })),
        format: t.optional(t.literal('auto', 'csv', 'tsv', 'json', 'jsonl', 'idx', 'images')),
        labelColumn: t.optional(nameOrIndex()),
        reuse: t.optional(t.boolean()),
      }),
    ),
  ],
};

/** Handlers for the kernel's data requests, each checking its arguments before it runs. */
export function createLabDataHandlers(service: DatasetService): LabDataHandlers {
  const impl: { [M in LabDataMethod]: (...args: never[]) => ReturnType<LabDataApi[M]> } = {
    'datasets.list': () => service.list(),
    'datasets.load': async (dataset: number | string, options?: { testFraction?: number; seed?: number; scale?: number }) => service.load(dataset, options),
    // a cell's label is provenance 'cell'; it cannot claim to be an annotator or an import
    'labels.append': (label: { sampleId: number; value: string; modelVersion?: string; durationMs?: number }) => service.appendLabel({ ...label, source: 'cell' }),
    'labels.history': (sampleId: number) => service.labelHistory(sampleId),
    // a lab puts its data in the store once; running the cell again finds it there
    'datasets.import': async (path: string, o: LabImportOptions = {}) => {
      if (!isAbsolute(path)) throw new ApiError('E_BAD_ARGUMENTS', `lab datasets.import needs an absolute path, got ${JSON.stringify(path)}`);
      if (o.name && o.reuse !== false) {
        const existing = (await service.list()).find((d) => d.name === o.name);
        if (existing) return existing;
      }
      const report = await service.import({ path, name: o.name, format: o.format, labelColumn: o.labelColumn });
      return report.dataset;
    },
  };
  const out = {} as Record<string, (...args: unknown[]) => unknown>;
  for (const method of Object.keys(CHECKS) as LabDataMethod[]) {
    out[method] = (...args: unknown[]) => {
      const problem = checkArgs(CHECKS[method], args);
      if (problem) return Promise.reject(new ApiError('E_BAD_ARGUMENTS', `lab ${method}: ${problem}`));
      return (impl[method] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return out as LabDataHandlers;
}

/** Whether a kernel request names one of these methods (the kernel host routes the rest elsewhere). */
export function isLabDataMethod(method: string): method is LabDataMethod {
  return Object.hasOwn(CHECKS, method);
}

/** Anything that routes kernel requests by method name (the kernel branch's LabRequestRouter). */
export interface LabRequestRegistry {
  register(method: string, handler: (args: unknown[]) => unknown): { dispose(): void };
}

/** Registers every lab data method on the kernel's request router; dispose() removes them. */
export function registerLabData(router: LabRequestRegistry, service: DatasetService): { dispose(): void } {
  const handlers = createLabDataHandlers(service);
  const registered = (Object.keys(handlers) as LabDataMethod[]).map((method) => router.register(method, (args) => handlers[method](...args)));
  return { dispose: () => registered.forEach((r) => r.dispose()) };
}
