/**
 * One notebook's kernel, as main sees it: starts the kernel process, validates every message it
 * sends (kernels/protocol.ts), runs execute requests one at a time in order, routes outputs to
 * the request that produced them, and keeps its id across restarts. Interrupts go over the
 * control socket to the kernel's watchdog (see kernels/watchdog.ts); a kernel that dies is
 * reported with the reason, and restart() gives a fresh process.
 */
import { randomBytes } from 'node:crypto';
import {
  makeMessage,
  messageProblem,
  type ContentOf,
  type ExecuteReplyContent,
  type KernelMessage,
  type MainToKernelType,
  type Message,
  type VariableInfo,
} from '../../kernels/protocol';
import type { CompletionResult, ExecuteOptions, KernelStatus, KernelOutput, KernelOutputEvent, KernelReplyEvent } from '../api/kernels';
import { ApiError } from '../rpc/errors';
import { ControlConnection, newControlAddress, type InterruptOutcome } from './control-connection';
import type { KernelExit, KernelLauncher, KernelProcess } from './kernel-launcher';
import type { LabRequestRouter } from './lab-requests';

export interface KernelSessionOptions {
  kernelId: string;
  notebook: string;
  cwd: string;
  entry: string;
  launcher: KernelLauncher;
  /** Environment for each (re)start; read again on restart so a changed backend setting applies. */
  env: () => Record<string, string | undefined>;
  labRequests?: LabRequestRouter;
  log: (message: string) => void;
  onStatus: (info: KernelStatus) => void;
  onOutput: (event: KernelOutputEvent) => void;
  onReply: (event: KernelReplyEvent) => void;
}

/** What execute() returns at once; `done` settles with the reply when the cell has finished. */
export interface ExecuteHandle {
  msgId: string;
  done: Promise<ExecuteReplyContent>;
}

interface PendingExecute {
  msg: Message<'execute_request'>;
  stopOnError: boolean;
  resolve: (reply: ExecuteReplyContent) => void;
}

const STARTUP_TIMEOUT_MS = 60_000;
const STDERR_TAIL = 4000;

/** Why a kernel process ended, in words a user can act on. */
export function describeExit(exit: KernelExit, stderr: string): string {
  const lastLines = stderr.trim().split('\n').slice(-3).join(' | ');
  const tail = lastLines ? ` Last output: ${lastLines.slice(-400)}` : '';
  if (/heap out of memory|Reached heap limit|Allocation failed|out of memory/i.test(stderr)) {
    return `The kernel ran out of memory (the JavaScript heap is full). Free large tensors or arrays (tf.dispose), or work on smaller batches, then restart.${tail}`;
  }
  if (exit.signal === 'SIGKILL') return `The kernel was killed (SIGKILL), most often by the system running out of memory.${tail}`;
  if (exit.signal) return `The kernel crashed in native code (${exit.signal}).${tail}`;
  return `The kernel exited with code ${exit.code} (process.exit(${exit.code}) in a cell, or a fatal error).${tail}`;
}

export class KernelSession {
  private info: KernelStatus;
  private proc: KernelProcess | undefined;
  private control: ControlConnection | undefined;
  private cleanupControl: (() => void) | undefined;
  private readonly queue: PendingExecute[] = [];
  private running: PendingExecute | undefined;
  private readonly requests = new Map<string, { resolve: (m: KernelMessage) => void; reject: (e: Error) => void }>();
  private stderrTail = '';
  private generation = 0;
  private hello: Promise<void> | undefined;
  /** The current process has said hello and can take requests. */
  private ready = false;

  constructor(private readonly options: KernelSessionOptions) {
    this.info = { kernelId: options.kernelId, notebook: options.notebook, state: 'starting', pid: null, backend: null };
  }

  get id(): string {
    return this.options.kernelId;
  }

  status(): KernelStatus {
    return { ...this.info };
  }

  /** Starts the process; resolves once the kernel has said hello (kernel_info_reply). */
  start(): Promise<KernelStatus> {
    if (this.proc) return this.hello!.then(() => this.status());
    const generation = ++this.generation;
    const control = newControlAddress();
    const token = randomBytes(32).toString('hex');
    this.cleanupControl = control.cleanup;
    this.stderrTail = '';
    this.setState({ state: 'starting', pid: null, reason: undefined, unresponsive: undefined });
    const proc = this.options.launcher.launch({
      entry: this.options.entry,
      cwd: this.options.cwd,
      env: { ...this.options.env(), MLSYS_LAB_KERNEL_CONTROL: control.address, MLSYS_LAB_KERNEL_TOKEN: token },
    });
    this.proc = proc;
    this.control = new ControlConnection(control.address, token);
    let helloResolve!: () => void;
    let helloReject!: (e: Error) => void;
    this.hello = new Promise<void>((resolve, reject) => {
      helloResolve = resolve;
      helloReject = reject;
    });
    this.hello.catch(() => {});
    const timer = setTimeout(() => helloReject(new ApiError('E_KERNEL_START', `The kernel did not start within ${STARTUP_TIMEOUT_MS / 1000} s.`)), STARTUP_TIMEOUT_MS);
    let greeted = false;
    proc.onStderr((text) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
    });
    proc.onMessage((raw) => {
      if (generation !== this.generation) return;
      const problem = messageProblem(raw);
      if (problem) {
        this.options.log(`kernel ${this.id} sent a malformed message (${problem}); ignored`);
        return;
      }
      const msg = raw as KernelMessage;
      if (!greeted && msg.header.msg_type === 'kernel_info_reply') {
        greeted = true;
        this.ready = true;
        clearTimeout(timer);
        this.info.pid = (msg as Message<'kernel_info_reply'>).content.pid;
        helloResolve();
        this.control!.connect().catch((err: Error) => this.options.log(`kernel ${this.id}: ${err.message}; interrupts will not work`));
      }
      this.receive(msg);
    });
    proc.onExit((exit) => {
      clearTimeout(timer);
      if (generation !== this.generation) return;
      const reason = describeExit(exit, this.stderrTail);
      helloReject(new ApiError('E_KERNEL_DIED', reason));
      this.processGone();
      this.failAll('KernelDied', reason);
      this.setState({ state: 'dead', reason, pid: null, unresponsive: undefined });
    });
    return this.hello.then(() => {
      this.pump();
      return this.status();
    });
  }

  /** Queues `code`; outputs arrive through onOutput tagged with the returned msgId. */
  execute(code: string, options: ExecuteOptions = {}): ExecuteHandle {
    const msg = makeMessage('execute_request', { code, silent: options.silent === true });
    let resolve!: (r: ExecuteReplyContent) => void;
    const done = new Promise<ExecuteReplyContent>((r) => (resolve = r));
    if (this.info.state === 'dead' || this.info.state === 'shutdown') {
      const reply: ExecuteReplyContent = { status: 'aborted', execution_count: null };
      resolve(reply);
      queueMicrotask(() => this.options.onReply({ kernelId: this.id, msgId: msg.header.msg_id, reply }));
    } else {
      this.queue.push({ msg, stopOnError: options.stopOnError !== false, resolve });
      this.pump();
    }
    return { msgId: msg.header.msg_id, done };
  }

  /**
   * Interrupts the running cell. Resolves with how: 'interrupted' (it was awaiting), 'terminated'
   * (it blocked the kernel and was stopped), 'unresponsive' (it ignored the interrupt: offer a
   * restart), or 'idle' (nothing was running).
   */
  async interrupt(): Promise<InterruptOutcome | 'idle'> {
    // cells not yet sent are dropped, as Jupyter aborts the queue after an interrupted cell
    this.abortQueue();
    if (!this.running || !this.control) return 'idle';
    const outcome = await this.control.interrupt(this.running.msg.header.msg_id);
    if (outcome === 'unresponsive' && this.running) {
      this.setState({ unresponsive: true });
    }
    return outcome;
  }

  /** Kills the process (whatever it is doing) and starts a fresh kernel with the same id. */
  async restart(): Promise<KernelStatus> {
    this.setState({ state: 'restarting' });
    await this.stop();
    this.failAll('KernelRestarted', 'The kernel was restarted before this cell finished.');
    return this.start();
  }

  async shutdown(): Promise<void> {
    const proc = this.proc;
    if (proc && this.info.state !== 'dead') {
      const gone = new Promise<void>((r) => proc.onExit(() => r()));
      proc.send(makeMessage('shutdown_request', { restart: false }));
      await Promise.race([gone, new Promise((r) => setTimeout(r, 1000))]);
    }
    await this.stop();
    this.failAll('KernelShutdown', 'The kernel was shut down before this cell finished.');
    this.setState({ state: 'shutdown', pid: null });
  }

  async complete(code: string, cursorPos: number): Promise<CompletionResult> {
    const reply = await this.request('complete_request', { code, cursor_pos: cursorPos });
    return reply.content as CompletionResult;
  }

  async inspectVariables(): Promise<VariableInfo[]> {
    const reply = await this.request('inspect_variables_request', {});
    return (reply.content as ContentOf<'inspect_variables_reply'>).variables;
  }

  private async request<T extends MainToKernelType>(type: T, content: ContentOf<T>, timeoutMs = 10_000): Promise<KernelMessage> {
    await this.hello;
    const proc = this.proc;
    if (!proc) throw new ApiError('E_KERNEL_DEAD', `The kernel is ${this.info.state}: restart it first.`);
    const msg = makeMessage(type, content);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(msg.header.msg_id);
        reject(new ApiError('E_KERNEL_BUSY', `The kernel did not answer ${type} within ${timeoutMs / 1000} s (it is probably running a cell).`));
      }, timeoutMs);
      this.requests.set(msg.header.msg_id, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      proc.send(msg);
    });
  }

  private receive(msg: KernelMessage): void {
    const parent = msg.parent_id;
    // the switch narrows msg_type; `as` gives the content its type (TS does not narrow nested discriminants)
    const content = msg.content;
    switch (msg.header.msg_type) {
      case 'status': {
        const state = (content as ContentOf<'status'>).execution_state;
        if (state === 'busy') this.setState({ state: 'busy' });
        else if (state === 'idle' && !this.running && this.queue.length === 0) this.setState({ state: 'idle', unresponsive: undefined });
        return;
      }
      case 'kernel_info_reply': {
        const c = content as ContentOf<'kernel_info_reply'>;
        this.setState({ backend: c.backend, backendError: c.backend_error });
        break;
      }
      case 'stream': {
        const c = content as ContentOf<'stream'>;
        return this.output(parent, { output_type: 'stream', name: c.name, text: c.text });
      }
      case 'display_data': {
        const c = content as ContentOf<'display_data'>;
        const out: KernelOutput = { output_type: 'display_data', data: c.data, metadata: c.metadata };
        if (c.transient?.display_id) out.transient = { display_id: c.transient.display_id };
        return this.output(parent, out);
      }
      case 'update_display_data': {
        const c = content as ContentOf<'update_display_data'>;
        return this.output(parent, { output_type: 'update_display_data', data: c.data, metadata: c.metadata, transient: c.transient });
      }
      case 'execute_result': {
        const c = content as ContentOf<'execute_result'>;
        return this.output(parent, { output_type: 'execute_result', execution_count: c.execution_count, data: c.data, metadata: c.metadata });
      }
      case 'error': {
        const c = content as ContentOf<'error'>;
        return this.output(parent, { output_type: 'error', ename: c.ename, evalue: c.evalue, traceback: c.traceback });
      }
      case 'clear_output':
        return this.output(parent, { output_type: 'clear_output', wait: (content as ContentOf<'clear_output'>).wait });
      case 'execute_reply': {
        const c = content as ContentOf<'execute_reply'>;
        if (this.running && this.running.msg.header.msg_id === parent) {
          const done = this.running;
          this.running = undefined;
          this.finish(done, c);
          if (c.status === 'error' && done.stopOnError) this.abortQueue();
          this.pump();
        }
        return;
      }
      case 'lab_request':
        void this.answerLabRequest(msg as Message<'lab_request'>);
        return;
    }
    if (parent) {
      const pending = this.requests.get(parent);
      if (pending) {
        this.requests.delete(parent);
        pending.resolve(msg);
      }
    }
  }

  private async answerLabRequest(msg: Message<'lab_request'>): Promise<void> {
    const proc = this.proc;
    let reply: ContentOf<'lab_reply'>;
    try {
      if (!this.options.labRequests) throw new Error(`lab.request("${msg.content.method}") cannot be answered: this app has no data services.`);
      const value = await this.options.labRequests.handle(msg.content.method, msg.content.args, { kernelId: this.id, notebook: this.options.notebook });
      reply = { ok: true, value: value === undefined ? null : value };
    } catch (err) {
      reply = { ok: false, error: { name: (err as Error).name ?? 'Error', message: (err as Error).message ?? String(err) } };
    }
    if (proc === this.proc) proc?.send(makeMessage('lab_reply', reply, msg.header.msg_id));
  }

  private output(parent: string | null, output: KernelOutput): void {
    this.options.onOutput({ kernelId: this.id, msgId: parent, output });
  }

  private finish(pending: PendingExecute, reply: ExecuteReplyContent): void {
    pending.resolve(reply);
    this.options.onReply({ kernelId: this.id, msgId: pending.msg.header.msg_id, reply });
  }

  private pump(): void {
    if (this.running || !this.proc || !this.ready) return;
    const next = this.queue.shift();
    if (!next) return;
    this.running = next;
    this.proc.send(next.msg);
  }

  private abortQueue(): void {
    for (const p of this.queue.splice(0)) this.finish(p, { status: 'aborted', execution_count: null });
  }

  /** Ends the running cell and everything queued, after the process is gone. */
  private failAll(ename: string, evalue: string): void {
    const running = this.running;
    this.running = undefined;
    if (running) {
      const traceback = [`${ename}: ${evalue}`];
      this.output(running.msg.header.msg_id, { output_type: 'error', ename, evalue, traceback });
      this.finish(running, { status: 'error', execution_count: null, ename, evalue, traceback });
    }
    this.abortQueue();
    for (const r of this.requests.values()) r.reject(new ApiError('E_KERNEL_DEAD', evalue));
    this.requests.clear();
  }

  private processGone(): void {
    this.proc = undefined;
    this.ready = false;
    this.control?.close();
    this.control = undefined;
    this.cleanupControl?.();
    this.cleanupControl = undefined;
  }

  /** Kills the process and waits for it to be gone. Harmless when it already is. */
  private async stop(): Promise<void> {
    const proc = this.proc;
    this.generation++;
    if (!proc) return;
    const gone = new Promise<void>((r) => proc.onExit(() => r()));
    proc.kill();
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    this.processGone();
  }

  private setState(changes: Partial<KernelStatus>): void {
    const before = JSON.stringify(this.info);
    this.info = { ...this.info, ...changes };
    for (const key of Object.keys(this.info) as (keyof KernelStatus)[]) if (this.info[key] === undefined) delete this.info[key];
    if (JSON.stringify(this.info) !== before) this.options.onStatus(this.status());
  }

  /** Dispose: kill the process without ceremony (the app is closing). */
  async dispose(): Promise<void> {
    await this.stop();
    this.failAll('KernelShutdown', 'The app closed before this cell finished.');
    this.setState({ state: 'shutdown', pid: null });
  }
}
