/**
 * The kernels group of the API: one tensor kernel per open notebook. Running code returns a
 * handle at once; outputs arrive as `onDidOutput` events tagged with the request's `msgId`, and
 * the end of the run as `onDidReply`.
 */
import type { Subscribe } from './common';
import type {
  BackendReport,
  CompleteReplyContent,
  DisplayDataOutput,
  ErrorOutput,
  ExecuteReplyContent,
  ExecuteResultOutput,
  StreamOutput,
  VariableInfo,
} from '../../kernels/protocol';

// nbformat outputs and the kernel's figures, for the renderer (types only). The notebooks group
// declares its own StreamOutput, MimeBundle, ... names, so these travel under the protocol's names.
export type { NbOutput, ExecuteReplyContent, ExecutionMetrics, TensorMemory, BackendReport, CheckResult } from '../../kernels/protocol';
export type { VariableInfo } from '../../kernels/protocol';

/**
 * What a kernel is doing. `starting`: its process is starting; `idle`/`busy`: as in Jupyter;
 * `restarting`; `dead`: it exited on its own (see `reason`), restart gives a fresh one;
 * `shutdown`: closed on purpose.
 */
export type KernelState = 'starting' | 'idle' | 'busy' | 'restarting' | 'dead' | 'shutdown';

export interface KernelStatus {
  kernelId: string;
  /** The notebook (path or key) this kernel belongs to. */
  notebook: string;
  state: KernelState;
  pid: number | null;
  /** The TensorFlow.js backend, once it has loaded. */
  backend: BackendReport | null;
  /** Why the backend could not load, when it could not. */
  backendError?: string;
  /** Why the kernel died, when state is 'dead' (out of memory, a native crash, process.exit(n)...). */
  reason?: string;
  /**
   * The running cell ignored an interrupt (stuck in native code): the UI should offer a restart.
   * Cleared when the kernel becomes idle or restarts.
   */
  unresponsive?: boolean;
}

/** An output as the UI gets it: an nbformat output, or an update to an earlier one. */
export type KernelOutput =
  | StreamOutput
  | (DisplayDataOutput & { transient?: { display_id?: string } })
  | ExecuteResultOutput
  | ErrorOutput
  | { output_type: 'update_display_data'; data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id: string } }
  | { output_type: 'clear_output'; wait: boolean };

export interface KernelOutputEvent {
  kernelId: string;
  /** The execute request that produced the output (null for output no request claims). */
  msgId: string | null;
  output: KernelOutput;
}

export interface KernelReplyEvent {
  kernelId: string;
  msgId: string;
  reply: ExecuteReplyContent;
}

export interface ExecuteOptions {
  /** Jupyter's stop_on_error: when this cell fails, cells queued after it are aborted. Default true. */
  stopOnError?: boolean;
  /** Run without outputs or a new execution count. */
  silent?: boolean;
}

export interface StartKernelOptions {
  /** The notebook's path (or another stable key). Starting twice for one notebook returns the same kernel. */
  notebook: string;
  /** Working directory of the kernel (relative imports resolve from it); default the notebook's folder. */
  cwd?: string;
}

export type CompletionResult = CompleteReplyContent;

export interface KernelsApi {
  start(options: StartKernelOptions): Promise<KernelStatus>;
  list(): Promise<KernelStatus[]>;
  status(kernelId: string): Promise<KernelStatus>;
  /** Queues code to run; returns its request id at once. */
  execute(kernelId: string, code: string, options?: ExecuteOptions): Promise<{ msgId: string }>;
  interrupt(kernelId: string): Promise<void>;
  /** Kills the kernel process and starts a fresh one with the same id. */
  restart(kernelId: string): Promise<KernelStatus>;
  shutdown(kernelId: string): Promise<void>;
  complete(kernelId: string, code: string, cursorPos: number): Promise<CompletionResult>;
  inspectVariables(kernelId: string): Promise<VariableInfo[]>;
  onDidChangeStatus: Subscribe<KernelStatus>;
  onDidOutput: Subscribe<KernelOutputEvent>;
  onDidReply: Subscribe<KernelReplyEvent>;
}
