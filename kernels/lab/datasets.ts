/**
 * `lab.datasets` and `lab.labels` for notebook cells: the kernel side of the store's data calls.
 *
 * The kernel never opens the database for writing: it asks main through `request(method, args)`
 * (the kernel's lab_request channel), and main answers with plain data in which features and
 * labels are typed arrays (carried by structured clone). Here they become tensors.
 *
 * Types are declared here rather than imported: kernels/ never imports main/.
 */
import { resolve as resolvePath } from 'node:path';
import type { LoadedDatasetArrays } from '../protocol';
import type * as tfNamespace from '@tensorflow/tfjs';

type Tf = typeof tfNamespace;

/** Sends one request to main and resolves with its answer (the kernel's lab_request channel). */
export type LabRequest = (method: string, args: unknown[]) => Promise<unknown>;

export interface DatasetInfo {
  id: number;
  name: string;
  kind: 'table' | 'image' | 'text';
  sampleCount: number;
  labeledCount: number;
  featureCount: number;
  shape: number[] | null;
  classes: Record<string, string> | null;
}

export interface LoadOptions {
  /** Share of labeled samples held out for testing (default 0.2). */
  testFraction?: number;
  /** Same seed, same split (default 42). */
  seed?: number;
  /** Divide features by this, e.g. 255 for pixels (default 1). */
  scale?: number;
}


/** A dataset as tensors: x is [n, ...sampleShape] float32, y is [n] int32 class indices. */
export interface LoadedTensors {
  name: string;
  sampleShape: number[];
  featureNames: string[];
  /** Label values in class-index order; `classNames` are their display names. */
  classes: string[];
  classNames: string[];
  xTrain: tfNamespace.Tensor;
  yTrain: tfNamespace.Tensor1D;
  xTest: tfNamespace.Tensor;
  yTest: tfNamespace.Tensor1D;
  /** The sample id of each row, to label or look up a sample the model is unsure about. */
  idsTrain: number[];
  idsTest: number[];
  unlabeled: number;
  /** Frees the four tensors. */
  dispose(): void;
}

export interface LabelRecord {
  id: number;
  sampleId: number;
  value: string;
  source: 'import' | 'annotator' | 'cell' | 'model';
  annotator: string | null;
  queueId: number | null;
  modelVersion: string | null;
  durationMs: number | null;
  createdAt: number;
}

export interface ImportDatasetOptions {
  /** The dataset's name in the store (default: the file name). */
  name?: string;
  /** Default: from the file name ('csv', 'tsv', 'json', 'jsonl', 'idx', 'images'). */
  format?: 'auto' | 'csv' | 'tsv' | 'json' | 'jsonl' | 'idx' | 'images';
  /** The label column, by name or index (negative counts from the end); default a column named label/class/target. */
  labelColumn?: string | number;
  /** With a name: return the dataset of that name when the store has it, instead of importing again (default true). */
  reuse?: boolean;
}

export interface DatasetsLabApi {
  list(): Promise<DatasetInfo[]>;
  /** Imports a file into the workspace's store (relative paths are from the notebook's folder). */
  import(path: string, options?: ImportDatasetOptions): Promise<DatasetInfo>;
  /** Features and labels of the labeled samples, split train/test with a seed. */
  load(dataset: string | number, options?: LoadOptions): Promise<LoadedTensors>;
}

export interface LabelsLabApi {
  /** Appends a label (a correction is a new label; the latest one counts). Recorded as coming from a cell. */
  append(sampleId: number, value: string, options?: { modelVersion?: string }): Promise<LabelRecord>;
  /** Every label the sample ever had, oldest first, with who, when and from where. */
  history(sampleId: number): Promise<LabelRecord[]>;
}

/**
 * `tf` resolves to TensorFlow.js with its backend ready: the kernel loads it lazily, so it is asked
 * for only when a dataset is loaded as tensors.
 */
export function createDatasetsLabApi(tf: () => Tf | Promise<Tf>, request: LabRequest): { datasets: DatasetsLabApi; labels: LabelsLabApi } {
  return {
    datasets: {
      list: () => request('datasets.list', []) as Promise<DatasetInfo[]>,
      // main reads the file: it gets an absolute path, resolved where the cell runs
      import: (path, options) => request('datasets.import', [resolvePath(process.cwd(), path), ...(options ? [options] : [])]) as Promise<DatasetInfo>,
      async load(dataset, options = {}) {
        const [d, t] = await Promise.all([request('datasets.load', [dataset, options]) as Promise<LoadedDatasetArrays>, tf()]);
        const nTrain = d.yTrain.length;
        const nTest = d.yTest.length;
        const xTrain = t.tensor(d.xTrain, [nTrain, ...d.sampleShape], 'float32');
        const yTrain = t.tensor1d(d.yTrain, 'int32');
        const xTest = t.tensor(d.xTest, [nTest, ...d.sampleShape], 'float32');
        const yTest = t.tensor1d(d.yTest, 'int32');
        return {
          name: d.name,
          sampleShape: d.sampleShape,
          featureNames: d.featureNames,
          classes: d.classes,
          classNames: d.classNames,
          xTrain,
          yTrain,
          xTest,
          yTest,
          idsTrain: Array.from(d.idsTrain),
          idsTest: Array.from(d.idsTest),
          unlabeled: d.unlabeled,
          dispose: () => t.dispose([xTrain, yTrain, xTest, yTest]),
        };
      },
    },
    labels: {
      append: (sampleId, value, options = {}) => request('labels.append', [{ sampleId, value, ...options }]) as Promise<LabelRecord>,
      history: (sampleId) => request('labels.history', [sampleId]) as Promise<LabelRecord[]>,
    },
  };
}
