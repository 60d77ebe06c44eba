/**
 * The kernel: answers main's requests over its channel, runs cells one at a time with Jupyter's
 * semantics (see compile-cell.ts), publishes outputs tagged with the request that produced them,
 * and reports wall time, CPU time and tf.memory() after every cell.
 *
 * Interrupts arrive from the watchdog thread (watchdog.ts), which can reach us even while a cell
 * blocks this thread: when we are free it just tells us (and we cancel the cell's async work);
 * when we are not, it terminates the running JavaScript first, and we finish the cell here.
 */
import { runInThisContext } from 'node:vm';
import { createLabApi, isDisplayHandle, type LabApi } from '../lab/lab-api';
import {
  PROTOCOL_VERSION,
  isKernelRequest,
  makeMessage,
  newMsgId,
  type BackendReport,
  type ContentOf,
  type ExecuteReplyContent,
  type KernelInfoReplyContent,
  type KernelRequestMessage,
  type KernelToMainType,
  type LabReply,
  type Message,
  type TensorMemory,
} from '../protocol';
import type { KernelEnergy } from '../energy/kernel-energy';
import type { EnergyReport } from '../energy/types';
import type { Channel } from './channel';
import { createCellImporter, defaultOf, namedExport } from './cell-imports';
import { compileCell, RUNTIME } from './compile-cell';
import { runCellMeters } from './cell-meters';
import { currentExecution, interruptEpoch, KernelInterrupt, nextInterruptEpoch, outputOwner, setCurrentExecution, type ExecutionContext } from './execution-context';
import { toMimeBundle } from './rich-display';
import { StreamCapture } from './stream-capture';
import { CellRegistry, errorContent } from './traceback';
import { TensorTracker } from './tensor-tracker';
import { stopAllTraining, trackTraining } from './training';
import { complete, inspectVariables } from './variables';

type Tf = typeof import('@tensorflow/tfjs');

/** How long the kernel waits idle before loading TensorFlow.js on its own. */
const BACKEND_IDLE_MS = 50;

export interface KernelOptions {
  channel: Channel;
  /** Address of the watchdog's control socket, reported in kernel_info_reply. */
  controlAddress: string;
  version: string;
  /** Loads TensorFlow.js and the backend; runs in the background from the start. */
  loadBackend: () => Promise<{ tf: Tf; report: BackendReport }>;
  /** Energy accounting: measures every cell (execute_reply metrics.energy) and backs lab.energy. */
  energy?: KernelEnergy;
}

interface Execution {
  msg: Message<'execute_request'>;
  count: number;
  ctx: ExecutionContext;
  cancel: (err: Error) => void;
  cancelled: Promise<never>;
  finished: boolean;
  /** The reply (set by finish); whether its sending is scheduled, has begun, and is done. */
  reply?: ExecuteReplyContent;
  replyScheduled?: boolean;
  completing?: boolean;
  replied?: boolean;
  t0: number;
  cpu0: NodeJS.CpuUsage;
  stopMeters?: () => Promise<EnergyReport | undefined>;
}

export class Kernel {
  private executionCount = 0;
  private readonly declared = new Set<string>();
  private readonly cells = new CellRegistry();
  private readonly queue: Message<'execute_request'>[] = [];
  private current: Execution | undefined;
  private tf: Tf | undefined;
  private backend: BackendReport | null = null;
  private backendError: string | undefined;
  private backendLoad: Promise<void> | undefined;
  private backendTimer: NodeJS.Timeout | undefined;
  /**
   * Cells interrupted before they reached this process: main sent the execute_request, the user
   * interrupted, and the interrupt (which travels by the watchdog, not this channel) came first.
   */
  private readonly interruptedBeforeStart = new Set<string>();
  private readonly pendingLab = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly streams: StreamCapture;
  private displayCounter = 0;
  private readonly tensors = new TensorTracker();
  readonly lab: LabApi;

  constructor(private readonly options: KernelOptions) {
    this.streams = new StreamCapture((name, text, parentId) => this.send('stream', { name, text }, parentId));
    this.lab = createLabApi({
      publish: (type, content) => this.publish(type, content),
      request: (method, args) => this.labRequest(method, args),
      newDisplayId: () => `${newMsgId()}-d${++this.displayCounter}`,
      loadTf: async () => {
        await this.ensureBackend();
        if (!this.tf) throw new Error(`TensorFlow.js did not load: ${this.backendError ?? 'unknown error'}`);
        return this.tf;
      },
      energy: options.energy?.labApi(),
    });
    const importForCell = createCellImporter({ 'mlsys-lab': { lab: this.lab, default: this.lab } }, (specifier) =>
      specifier.startsWith('@tensorflow/') ? this.ensureBackend() : undefined,
    );
    Object.defineProperty(globalThis, RUNTIME, {
      value: {
        import: importForCell,
        defaultOf,
        named: namedExport,
        get epoch() {
          return interruptEpoch();
        },
        checkpoint: <T>(epochBefore: number, value: T): T => {
          if (epochBefore !== interruptEpoch()) throw new KernelInterrupt();
          return value;
        },
      },
      enumerable: false,
    });
    Object.defineProperty(globalThis, 'lab', { value: this.lab, enumerable: false, writable: true, configurable: true });
  }

  /**
   * Loads TensorFlow.js and the backend once: when a cell first imports a @tensorflow package, or
   * when the kernel has been idle for a moment. Not at start: loading blocks this thread for a
   * while, and the first reply should not wait for it when the first cell does not need it.
   */
  private ensureBackend(): Promise<void> {
    clearTimeout(this.backendTimer);
    this.backendLoad ??= this.options.loadBackend().then(
      ({ tf, report }) => {
        this.tf = tf;
        this.backend = report;
        trackTraining(tf);
        this.tensors.install(tf);
        this.send('kernel_info_reply', this.info(), null);
      },
      (err: Error) => {
        this.backendError = err.message;
        this.log(`the TensorFlow.js backend failed to load: ${err.message}`);
        this.send('kernel_info_reply', this.info(), null);
      },
    );
    return this.backendLoad;
  }

  private loadBackendWhenIdle(): void {
    if (this.backendLoad) return;
    clearTimeout(this.backendTimer);
    this.backendTimer = setTimeout(() => void this.ensureBackend(), BACKEND_IDLE_MS);
  }

  start(): void {
    this.streams.install();
    process.on('uncaughtException', (err) => this.backgroundError(err));
    process.on('unhandledRejection', (reason) => this.backgroundError(reason));
    this.options.channel.onMessage((m) => this.handle(m));
    this.send('status', { execution_state: 'starting' }, null);
    this.send('kernel_info_reply', this.info(), null);
    this.send('status', { execution_state: 'idle' }, null);
    this.loadBackendWhenIdle();
  }

  /** Kernel's own diagnostics go to the real stderr (main keeps its tail for crash reports). */
  log(message: string): void {
    this.streams.rawStderr(`[kernel] ${message}\n`);
  }

  private info(): KernelInfoReplyContent {
    const info: KernelInfoReplyContent = {
      protocol_version: PROTOCOL_VERSION,
      implementation: 'mlsys-lab',
      implementation_version: this.options.version,
      language_info: { name: 'typescript', version: '5', mimetype: 'text/typescript', file_extension: '.ts' },
      backend: this.backend,
      control_address: this.options.controlAddress,
      pid: process.pid,
    };
    if (this.backendError) info.backend_error = this.backendError;
    return info;
  }

  private send<T extends KernelToMainType>(type: T, content: ContentOf<T>, parentId: string | null, metadata?: Record<string, unknown>): void {
    this.options.channel.send(makeMessage(type, content, parentId, metadata));
  }

  /** An output of the running cell (or of the cell whose async work produced it). */
  private publish<T extends 'display_data' | 'update_display_data' | 'clear_output' | 'execute_result'>(type: T, content: ContentOf<T>): void {
    this.streams.flush();
    this.send(type, content, outputOwner()?.msgId ?? null);
  }

  private handle(raw: unknown): void {
    if (!isKernelRequest(raw)) {
      this.log(`ignored a malformed request: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const msg = raw as KernelRequestMessage;
    const id = msg.header.msg_id;
    switch (msg.header.msg_type) {
      case 'execute_request':
        this.queue.push(msg as Message<'execute_request'>);
        if (!this.current) this.next();
        return;
      case 'complete_request': {
        const c = (msg as Message<'complete_request'>).content;
        this.send('complete_reply', complete(c.code, c.cursor_pos, this.declared), id);
        return;
      }
      case 'inspect_variables_request':
        this.send('inspect_variables_reply', { variables: inspectVariables(this.declared) }, id);
        return;
      case 'kernel_info_request':
        this.send('kernel_info_reply', this.info(), id);
        return;
      case 'interrupt_request':
        this.interrupt(false);
        this.send('interrupt_reply', {}, id);
        return;
      case 'shutdown_request':
        this.streams.flush();
        this.send('shutdown_reply', { restart: (msg as Message<'shutdown_request'>).content.restart }, id);
        // let the reply leave before exiting
        setImmediate(() => process.exit(0));
        return;
      case 'lab_reply': {
        const pending = this.pendingLab.get(msg.parent_id ?? '');
        if (!pending) return;
        this.pendingLab.delete(msg.parent_id!);
        const reply = msg.content as LabReply;
        if (reply.ok) pending.resolve(reply.value);
        else pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
        return;
      }
    }
  }

  private labRequest(method: string, args: unknown[]): Promise<unknown> {
    const msg = makeMessage('lab_request', { method, args }, outputOwner()?.msgId ?? null);
    return new Promise((resolve, reject) => {
      this.pendingLab.set(msg.header.msg_id, { resolve, reject });
      this.options.channel.send(msg);
    });
  }

  private next(): void {
    const msg = this.queue.shift();
    if (msg) void this.execute(msg);
  }

  private async execute(msg: Message<'execute_request'>): Promise<void> {
    const id = msg.header.msg_id;
    const silent = msg.content.silent === true;
    const count = silent ? this.executionCount : ++this.executionCount;
    let cancel!: (err: Error) => void;
    const cancelled = new Promise<never>((_, reject) => (cancel = reject));
    cancelled.catch(() => {});
    const exec: Execution = {
      msg,
      count,
      ctx: { msgId: id },
      cancel,
      cancelled,
      finished: false,
      t0: performance.now(),
      cpu0: process.cpuUsage(),
    };
    this.current = exec;
    setCurrentExecution(exec.ctx);
    this.send('status', { execution_state: 'busy' }, id);
    const label = `cell [${count}]`;
    if (this.interruptedBeforeStart.delete(id)) {
      this.finish(exec, new KernelInterrupt(), label);
      return;
    }
    try {
      clearTimeout(this.backendTimer);
      exec.t0 = performance.now();
      exec.cpu0 = process.cpuUsage();
      exec.stopMeters = runCellMeters();
      this.tensors.start();
      const cell = await Promise.race([compileCell(msg.content.code), cancelled]);
      this.cells.add(cell, label);
      for (const name of cell.declared) this.declared.add(name);
      const run = runInThisContext(cell.script, { filename: cell.filename }) as Promise<{ value: unknown } | undefined>;
      const result = await Promise.race([run, cancelled]);
      if (exec.finished) return;
      if (result && result.value !== undefined && !silent && !isDisplayHandle(result.value)) {
        this.publish('execute_result', { execution_count: count, data: toMimeBundle(result.value), metadata: {} });
      }
      this.finish(exec, undefined);
    } catch (err) {
      this.finish(exec, err, label);
    }
  }

  private finish(exec: Execution, err: unknown, label = `cell [${exec.count}]`): void {
    if (exec.finished) return;
    exec.finished = true;
    this.streams.flush();
    const id = exec.msg.header.msg_id;
    const metrics = this.metrics(exec);
    const reply: ExecuteReplyContent = { status: 'ok', execution_count: exec.count, metrics };
    if (err !== undefined) {
      const content = errorContent(err, this.cells, label, exec.msg.content.code);
      this.send('error', content, id);
      Object.assign(reply, { status: 'error', ...content });
    }
    // The energy report may need one event-loop turn (GPU samples that queued while the cell
    // blocked this thread); the reply, and the next cell, wait for it.
    exec.reply = reply;
    const energy = exec.stopMeters?.() ?? Promise.resolve(undefined);
    void energy.then((report) => {
      if (report) metrics.energy = report;
      this.complete(exec);
    });
    exec.replyScheduled = true;
  }

  /** Sends the cell's reply (once) and moves on to the next cell. */
  private complete(exec: Execution): void {
    exec.completing = true;
    const id = exec.msg.header.msg_id;
    if (!exec.replied) {
      this.streams.flush();
      this.send('execute_reply', exec.reply ?? { status: 'error', execution_count: exec.count, ...errorContent(new KernelInterrupt(), this.cells, '', '') }, id);
      this.send('status', { execution_state: 'idle' }, id);
      exec.replied = true;
    }
    if (this.current === exec) {
      this.current = undefined;
      setCurrentExecution(undefined);
    }
    this.next();
  }

  private metrics(exec: Execution): NonNullable<ExecuteReplyContent['metrics']> {
    // the cell's own time, before the bookkeeping below
    const wallMs = performance.now() - exec.t0;
    const cpu = process.cpuUsage(exec.cpu0);
    let memory: TensorMemory | null = null;
    if (this.tf) {
      const m = this.tf.memory();
      memory = { numTensors: m.numTensors, numBytes: m.numBytes, numDataBuffers: m.numDataBuffers };
    }
    const g = globalThis as Record<string, unknown>;
    const tensors = this.tensors.stop([...this.declared].map((name) => g[name]));
    return { wall_ms: wallMs, cpu_ms: (cpu.user + cpu.system) / 1000, memory, ...(tensors ? { tensors } : {}) };
  }

  /**
   * Stops the running cell. `terminated`: the watchdog had to terminate JavaScript that blocked
   * this thread, so the cell's own code will never finish it; engine state it left half-done is
   * reset. `cell`: the msg_id of the cell main wants stopped; if it has not arrived yet, it is
   * stopped when it does.
   */
  interrupt(terminated: boolean, cell?: string): void {
    const exec = this.current;
    if (cell !== undefined && exec?.msg.header.msg_id !== cell && !this.queue.some((q) => q.header.msg_id === cell)) {
      // a few ids at most: each is either still on its way, or finished and never seen again
      if (this.interruptedBeforeStart.size > 64) this.interruptedBeforeStart.clear();
      this.interruptedBeforeStart.add(cell);
    }
    // queued cells are dropped with the interrupted one, as Jupyter aborts them after an error
    for (const queued of this.queue.splice(0)) {
      this.send('execute_reply', { status: 'aborted', execution_count: null }, queued.header.msg_id);
    }
    // awaits of cell code that are suspended now (this cell's, and background work of earlier ones) throw when they resume
    nextInterruptEpoch();
    // model.fit stops at the end of its batch, whichever cell started it (training.ts)
    stopAllTraining();
    // Termination unwound whatever JavaScript ran, tf.tidy included, without its finally blocks.
    // Even when the cell is already finished: the watchdog first asks without terminating, and the
    // cell ends on that request, which this thread handles only after the termination.
    if (terminated) this.resetEngine();
    if (!exec) return;
    if (!exec.finished) {
      exec.cancel(new KernelInterrupt());
      this.finish(exec, new KernelInterrupt());
    } else if (terminated && (!exec.replyScheduled || exec.completing)) {
      // On a starved machine the watchdog may terminate while this thread runs our own code
      // rather than the cell's, e.g. ending the cell on its first request: then the reply was
      // never scheduled, or its sending was cut short (a second reply is ignored by main).
      // Without this, the kernel would wait for that cell forever.
      this.complete(exec);
    }
  }

  /** After a terminated cell: close tf scopes and tapes it left open, or every later tensor would leak into them. */
  private resetEngine(): void {
    try {
      const engine = this.tf?.engine() as unknown as {
        endScope(): void;
        state: { scopeStack: unknown[]; gradientDepth: number; kernelDepth: number; activeTape: unknown };
      };
      if (!engine) return;
      while (engine.state.scopeStack.length > 0) engine.endScope();
      engine.state.gradientDepth = 0;
      engine.state.kernelDepth = 0;
      engine.state.activeTape = null;
    } catch (err) {
      this.log(`could not reset TensorFlow.js after an interrupt: ${(err as Error).message}`);
    }
  }

  /** An error thrown outside any cell's await chain (a timer, an unawaited promise): shown, never fatal. */
  private backgroundError(err: unknown): void {
    if (err instanceof KernelInterrupt) return;
    const text = err instanceof Error ? (err.stack ?? String(err)) : `Unhandled rejection: ${String(err)}`;
    const mapped = this.cells.mapStack(text).text;
    this.streams.write('stderr', `${mapped}\n`);
  }
}
