/**
 * A stand-in for Electron's utilityProcess.fork under plain Node (there is no Electron binary on
 * the test machines). It behaves as Electron documents a UtilityProcess: 'spawn', 'message', 'exit'
 * with an exit code only, postMessage (not delivered before 'spawn'), kill() = SIGTERM, pid
 * undefined until spawn and after exit; and the child gets `process.parentPort` (see
 * parent-port-shim.cjs) instead of using Node's process.send.
 *
 * What it cannot tell: how the real utility process behaves where the documentation is silent
 * (exit codes of a process killed by a signal, whether native addons load, stdio buffering).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { UtilityProcessLike } from '../../main/kernels/utility-process';

const SHIM = join(import.meta.dirname, 'parent-port-shim.cjs');

class StandInUtilityProcess extends EventEmitter {
  pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  private readonly child: ChildProcess;

  constructor(entry: string, options: { env: Record<string, string>; cwd: string }) {
    super();
    this.child = fork(entry, [], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      execArgv: ['--require', SHIM],
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    this.child.on('spawn', () => {
      this.pid = this.child.pid;
      this.emit('spawn');
    });
    this.child.on('message', (m) => this.emit('message', m));
    this.child.on('error', () => {});
    this.child.on('exit', (code, signal) => {
      this.pid = undefined;
      // waitpid's status as a shell reports it: 128 + the signal's number
      this.emit('exit', code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  }

  postMessage(message: unknown): void {
    if (this.pid !== undefined && this.child.connected) this.child.send(message as never, () => {});
  }

  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

export function forkUtilityStandIn(entry: string, options: { env: Record<string, string>; cwd: string }): UtilityProcessLike {
  return new StandInUtilityProcess(entry, options) as unknown as UtilityProcessLike;
}
