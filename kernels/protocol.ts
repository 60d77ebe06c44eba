/**
 * The kernel protocol: the messages main and a kernel process exchange, modelled on Jupyter's
 * messaging protocol (https://jupyter-client.readthedocs.io/en/latest/messaging.html).
 *
 * Every message has a header (`msg_id`, `msg_type`), the id of the request it answers
 * (`parent_id`, null for unsolicited messages), a `content` and optional `metadata`. Outputs use
 * nbformat's output types as they are, so a kernel's outputs can be written into an .ipynb file
 * unchanged and a saved notebook opens in JupyterLab.
 *
 * Differences from Jupyter, and why:
 * - one channel (the process's IPC) instead of shell/iopub/control sockets: there is one client,
 *   main, which fans outputs out to the UI; `interrupt_request` travels on a separate control
 *   connection to a watchdog thread of the kernel, because the kernel's main thread may be stuck
 *   in a loop and cannot read its IPC channel then;
 * - `inspect_variables_request` lists top-level names with types (and shape, dtype and bytes for
 *   tensors), the variable inspector that Jupyter leaves to extensions;
 * - `lab_request`/`lab_reply` go the other way (kernel asks, main answers): the `lab` API in cells
 *   reads datasets and queues that main owns.
 *
 * This file is imported by main (which validates every message as it arrives), by the kernel, and
 * (types only) by the renderer, so it has no runtime dependencies.
 */

// ---------------------------------------------------------------------------------------------
// nbformat outputs (nbformat 4.5 schema, "output" definitions)

/** MIME type -> data. Text types may be a string or (as in saved files) an array of lines. */
import type { EnergyReport } from './energy/types';

export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}

export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}

/** One output of a code cell as nbformat stores it. */
export type NbOutput = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

// ---------------------------------------------------------------------------------------------
// Envelope

export interface Header<T extends string = MsgType> {
  msg_id: string;
  msg_type: T;
}

export interface Message<T extends MsgType = MsgType> {
  header: Header<T>;
  /** msg_id of the request this message answers or was produced by; null when unsolicited. */
  parent_id: string | null;
  content: ContentOf<T>;
  metadata?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Contents, main -> kernel

export interface ExecuteRequest {
  code: string;
  /** Jupyter's `silent`: run without outputs or a new execution count (used by tools). */
  silent?: boolean;
}

export interface CompleteRequest {
  code: string;
  /** Offset in `code`, in UTF-16 code units (JavaScript string indices). */
  cursor_pos: number;
}

export type InspectVariablesRequest = Record<string, never>;
export type KernelInfoRequest = Record<string, never>;
export type InterruptRequest = Record<string, never>;

export interface ShutdownRequest {
  restart: boolean;
}

export type LabReply = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string } };

// ---------------------------------------------------------------------------------------------
// Contents, kernel -> main

export type ExecutionState = 'starting' | 'busy' | 'idle';

export interface StatusContent {
  execution_state: ExecutionState;
}

export interface StreamContent {
  name: 'stdout' | 'stderr';
  text: string;
}

export interface DisplayDataContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  /** Not saved in the notebook: `display_id` lets a later update_display_data replace this output. */
  transient?: { display_id?: string };
}

export interface UpdateDisplayDataContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id: string };
}

export interface ExecuteResultContent {
  execution_count: number;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface ClearOutputContent {
  /** Clear when the next output arrives rather than now (avoids flicker). */
  wait: boolean;
}

/** `tf.memory()` after a cell: the figures that make leaks visible. */
export interface TensorMemory {
  numTensors: number;
  numBytes: number;
  numDataBuffers: number;
}

/** The tensors one cell created, and those of them it left alive (nothing disposed them). */
export interface TensorReport {
  created: number;
  /** Alive and held by a top-level variable of the notebook (`const w = tf.ones(...)`, a model's weights). */
  kept: number;
  /** Alive and held by nothing the notebook can reach: they can never be disposed. */
  leaked: number;
  /** Bytes of the leaked tensors' data, each data buffer counted once. */
  leakedBytes: number;
}

/** Measurements of one execution, in execute_reply's metadata. */
export interface ExecutionMetrics {
  /** Wall time of the cell, ms (from the start of the cell's code to its end). */
  wall_ms: number;
  /** CPU time of the kernel process during the cell (user + system, all threads), ms. */
  cpu_ms: number;
  /** tf.memory() after the cell; null while TensorFlow.js has not loaded. */
  memory: TensorMemory | null;
  /** Tensors created and leaked by the cell; absent while TensorFlow.js has not loaded. */
  tensors?: TensorReport;
  /**
   * What the cell cost (kernels/energy): energy by component, each measured or estimated, carbon,
   * and the texts a footer shows; absent when no energy meter is registered.
   */
  energy?: EnergyReport;
}

export interface ExecuteReplyContent {
  /** 'aborted': not run because an earlier cell in the queue failed or the kernel restarted. */
  status: 'ok' | 'error' | 'aborted';
  execution_count: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  metrics?: ExecutionMetrics;
}

export interface CompleteReplyContent {
  status: 'ok';
  matches: string[];
  cursor_start: number;
  cursor_end: number;
}

/** One top-level name of the kernel session, for the variable inspector. */
export interface VariableInfo {
  name: string;
  /** 'Tensor', 'number', 'Array', 'Function', a class name, ... */
  type: string;
  /** Short human-readable value, at most ~120 characters. */
  summary: string;
  /** Tensors (and tf.Variable): shape, dtype and bytes of data. */
  shape?: number[];
  dtype?: string;
  bytes?: number;
  /** Arrays, typed arrays, strings, maps, sets. */
  length?: number;
}

export interface InspectVariablesReplyContent {
  variables: VariableInfo[];
}

export interface BackendReport {
  /** Our name: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'. */
  name: string;
  /** tf.getBackend(). */
  tfBackend: string;
  device: string;
  versions: Record<string, string>;
  skipped: { name: string; reason: string }[];
  /** Threads the backend computes with (wasm: XNNPACK's pool), and why fewer than asked run. */
  threads?: number;
  threadsNote?: string;
}

export interface KernelInfoReplyContent {
  protocol_version: string;
  implementation: 'mlsys-lab';
  implementation_version: string;
  language_info: { name: 'typescript'; version: string; mimetype: string; file_extension: string };
  /** Null until the backend has loaded (it loads in the background so the first reply is fast). */
  backend: BackendReport | null;
  /** Why the backend failed to load, when it did. */
  backend_error?: string;
  /** Where the kernel's watchdog listens for interrupt_request (a Unix socket or Windows pipe). */
  control_address: string;
  pid: number;
}

export interface ShutdownReplyContent {
  restart: boolean;
}

export interface LabRequestContent {
  /** e.g. 'datasets.read'; main looks it up in the handlers it was given. */
  method: string;
  /** JSON-compatible arguments (typed arrays may cross too: the IPC uses structured clone). */
  args: unknown[];
}

// ---------------------------------------------------------------------------------------------
// Message types

export interface ContentMap {
  execute_request: ExecuteRequest;
  complete_request: CompleteRequest;
  inspect_variables_request: InspectVariablesRequest;
  kernel_info_request: KernelInfoRequest;
  shutdown_request: ShutdownRequest;
  interrupt_request: InterruptRequest;
  lab_reply: LabReply;

  status: StatusContent;
  stream: StreamContent;
  display_data: DisplayDataContent;
  update_display_data: UpdateDisplayDataContent;
  execute_result: ExecuteResultContent;
  error: ErrorContent;
  clear_output: ClearOutputContent;
  execute_reply: ExecuteReplyContent;
  complete_reply: CompleteReplyContent;
  inspect_variables_reply: InspectVariablesReplyContent;
  kernel_info_reply: KernelInfoReplyContent;
  shutdown_reply: ShutdownReplyContent;
  interrupt_reply: Record<string, never>;
  lab_request: LabRequestContent;
}

export type MsgType = keyof ContentMap;
export type ContentOf<T extends MsgType> = ContentMap[T];

export type MainToKernelType = 'execute_request' | 'complete_request' | 'inspect_variables_request' | 'kernel_info_request' | 'shutdown_request' | 'interrupt_request' | 'lab_reply';
export type KernelToMainType = Exclude<MsgType, MainToKernelType>;

/** A message main sends to a kernel. */
export type KernelRequestMessage = { [T in MainToKernelType]: Message<T> }[MainToKernelType];
/** A message a kernel sends to main. */
export type KernelMessage = { [T in KernelToMainType]: Message<T> }[KernelToMainType];

export const PROTOCOL_VERSION = '5.3-mlsys-lab.1';

let counter = 0;
const prefix = Math.random().toString(36).slice(2, 10);

/** A unique message id (unique within the process that made it, and very likely beyond). */
export function newMsgId(): string {
  return `${prefix}-${(++counter).toString(36)}`;
}

export function makeMessage<T extends MsgType>(msgType: T, content: ContentOf<T>, parentId: string | null = null, metadata?: Record<string, unknown>): Message<T> {
  const msg: Message<T> = { header: { msg_id: newMsgId(), msg_type: msgType }, parent_id: parentId, content };
  if (metadata) msg.metadata = metadata;
  return msg;
}

// ---------------------------------------------------------------------------------------------
// Validation. A guard per type checks the envelope and the content's required fields, so main
// can trust a message's shape after one call and a kernel that sends garbage is noticed where it
// arrives, with a message saying what was wrong.

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);

/** For each type, why its content is malformed, or undefined when it is fine. */
const contentProblems: { [T in MsgType]: (c: Rec) => string | undefined } = {
  execute_request: (c) => (isStr(c.code) ? undefined : 'code must be a string'),
  complete_request: (c) => (isStr(c.code) && isNum(c.cursor_pos) ? undefined : 'needs code (string) and cursor_pos (number)'),
  inspect_variables_request: () => undefined,
  kernel_info_request: () => undefined,
  shutdown_request: (c) => (typeof c.restart === 'boolean' ? undefined : 'restart must be a boolean'),
  interrupt_request: () => undefined,
  lab_reply: (c) => (c.ok === true || (c.ok === false && isRec(c.error)) ? undefined : 'needs ok: true and value, or ok: false and error'),
  status: (c) => (c.execution_state === 'starting' || c.execution_state === 'busy' || c.execution_state === 'idle' ? undefined : 'execution_state must be starting, busy or idle'),
  stream: (c) => ((c.name === 'stdout' || c.name === 'stderr') && isStr(c.text) ? undefined : 'needs name stdout|stderr and text'),
  display_data: (c) => (isRec(c.data) && isRec(c.metadata) && optional(c.transient, isRec) ? undefined : 'needs data and metadata objects'),
  update_display_data: (c) =>
    isRec(c.data) && isRec(c.metadata) && isRec(c.transient) && isStr(c.transient.display_id) ? undefined : 'needs data, metadata and transient.display_id',
  execute_result: (c) => (isNum(c.execution_count) && isRec(c.data) && isRec(c.metadata) ? undefined : 'needs execution_count, data and metadata'),
  error: (c) => (isStr(c.ename) && isStr(c.evalue) && isStrArray(c.traceback) ? undefined : 'needs ename, evalue and traceback (string[])'),
  clear_output: (c) => (typeof c.wait === 'boolean' ? undefined : 'wait must be a boolean'),
  execute_reply: (c) =>
    (c.status === 'ok' || c.status === 'error' || c.status === 'aborted') && (c.execution_count === null || isNum(c.execution_count)) && optional(c.metrics, isRec)
      ? undefined
      : 'needs status ok|error|aborted and execution_count',
  complete_reply: (c) => (isStrArray(c.matches) && isNum(c.cursor_start) && isNum(c.cursor_end) ? undefined : 'needs matches, cursor_start and cursor_end'),
  inspect_variables_reply: (c) =>
    Array.isArray(c.variables) && c.variables.every((v) => isRec(v) && isStr(v.name) && isStr(v.type) && isStr(v.summary)) ? undefined : 'variables must be a list of {name, type, summary}',
  kernel_info_reply: (c) => (isStr(c.protocol_version) && isStr(c.control_address) && isNum(c.pid) && isRec(c.language_info) ? undefined : 'needs protocol_version, language_info, control_address and pid'),
  shutdown_reply: (c) => (typeof c.restart === 'boolean' ? undefined : 'restart must be a boolean'),
  interrupt_reply: () => undefined,
  lab_request: (c) => (isStr(c.method) && Array.isArray(c.args) ? undefined : 'needs method (string) and args (array)'),
};

const MSG_TYPES = new Set(Object.keys(contentProblems));
const KERNEL_TO_MAIN = new Set<string>([
  'status',
  'stream',
  'display_data',
  'update_display_data',
  'execute_result',
  'error',
  'clear_output',
  'execute_reply',
  'complete_reply',
  'inspect_variables_reply',
  'kernel_info_reply',
  'shutdown_reply',
  'interrupt_reply',
  'lab_request',
] satisfies KernelToMainType[]);

/** Why `raw` is not a valid protocol message, or undefined when it is. */
export function messageProblem(raw: unknown): string | undefined {
  if (!isRec(raw)) return 'a message must be an object';
  const h = raw.header;
  if (!isRec(h) || !isStr(h.msg_id) || !isStr(h.msg_type)) return 'header must have string msg_id and msg_type';
  if (!MSG_TYPES.has(h.msg_type)) return `unknown msg_type ${JSON.stringify(h.msg_type)}`;
  if (raw.parent_id !== null && !isStr(raw.parent_id)) return `${h.msg_type}: parent_id must be a string or null`;
  if (!isRec(raw.content)) return `${h.msg_type}: content must be an object`;
  if (raw.metadata !== undefined && !isRec(raw.metadata)) return `${h.msg_type}: metadata must be an object`;
  const p = contentProblems[h.msg_type as MsgType](raw.content);
  return p ? `${h.msg_type}: ${p}` : undefined;
}

/** A message a kernel may send to main, checked field by field. */
export function isKernelMessage(raw: unknown): raw is KernelMessage {
  return messageProblem(raw) === undefined && KERNEL_TO_MAIN.has((raw as Message).header.msg_type);
}

/** A message main may send to a kernel. */
export function isKernelRequest(raw: unknown): raw is KernelRequestMessage {
  return messageProblem(raw) === undefined && !KERNEL_TO_MAIN.has((raw as Message).header.msg_type);
}

function guard<T extends MsgType>(type: T): (m: unknown) => m is Message<T> {
  return (m: unknown): m is Message<T> => isRec(m) && isRec(m.header) && m.header.msg_type === type && messageProblem(m) === undefined;
}

export const isExecuteRequest = guard('execute_request');
export const isCompleteRequest = guard('complete_request');
export const isInspectVariablesRequest = guard('inspect_variables_request');
export const isKernelInfoRequest = guard('kernel_info_request');
export const isShutdownRequest = guard('shutdown_request');
export const isInterruptRequest = guard('interrupt_request');
export const isLabReply = guard('lab_reply');
export const isStatus = guard('status');
export const isStream = guard('stream');
export const isDisplayData = guard('display_data');
export const isUpdateDisplayData = guard('update_display_data');
export const isExecuteResult = guard('execute_result');
export const isError = guard('error');
export const isClearOutput = guard('clear_output');
export const isExecuteReply = guard('execute_reply');
export const isCompleteReply = guard('complete_reply');
export const isInspectVariablesReply = guard('inspect_variables_reply');
export const isKernelInfoReply = guard('kernel_info_reply');
export const isShutdownReply = guard('shutdown_reply');
export const isInterruptReply = guard('interrupt_reply');
export const isLabRequest = guard('lab_request');

/** MIME types of our own, for the renderer's registry. */
export const MIME = {
  plotly: 'application/vnd.plotly.v1+json',
  tensor: 'application/vnd.mlsys-lab.tensor+json',
  check: 'application/vnd.mlsys-lab.check+json',
  progress: 'application/vnd.mlsys-lab.progress+json',
} as const;

/** A check's result, as `lab.check` puts it in display_data (data[MIME.check] and metadata['mlsys-lab'].check). */
export interface CheckResult {
  name: string;
  passed: boolean;
  detail?: string;
}

/** What main answers to a cell's `datasets.load` request: a seeded train/test split as typed arrays. */
export interface LoadedDatasetArrays {
  datasetId: number;
  name: string;
  /** The shape of one sample's features: [featureCount] or [height, width, channels]. */
  sampleShape: number[];
  featureNames: string[];
  classes: string[];
  /** Display names of classes where the source has them, in class order. */
  classNames: string[];
  xTrain: Float32Array;
  yTrain: Int32Array;
  idsTrain: Float64Array;
  xTest: Float32Array;
  yTest: Int32Array;
  idsTest: Float64Array;
  /** Samples left out because they have no label yet. */
  unlabeled: number;
}
