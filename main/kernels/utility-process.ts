/**
 * A kernel started as an Electron utility process, seen as a KernelProcess. Electron itself is
 * only in main/electron/utility-launcher.ts (which calls utilityProcess.fork); everything that
 * adapts its UtilityProcess to what KernelSession expects is here, under plain Node, so tests can
 * drive it with a stand-in process that behaves as Electron documents a utility process.
 *
 * Where a utility process differs from child_process.fork, and what we do about it:
 * - postMessage before 'spawn' is not delivered: messages wait here until the process has spawned;
 * - 'exit' reports only a code (no signal); a fatal error comes first as an 'error' event
 *   (type, location), which we add to the stderr text the crash report is built from;
 * - kill() is SIGTERM on POSIX (Electron reaps the process);
 * - the child's process.parentPort has no 'close' event, so the kernel cannot see main go away on
 *   its IPC channel: it dies with main through its watchdog's control socket (kernels/watchdog.ts).
 */
import type { KernelExit, KernelProcess, LaunchOptions } from './kernel-launcher';

/** The part of Electron's UtilityProcess (electron.d.ts) the kernel uses. */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'spawn', listener: () => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  on(event: 'message', listener: (message: unknown) => void): this;
  on(event: 'error', listener: (type: string, location: string, report: string) => void): this;
}

/** The options for utilityProcess.fork(entry, [], options) that start a kernel. */
export function utilityForkOptions({ env, cwd }: LaunchOptions): {
  env: Record<string, string>;
  cwd: string;
  stdio: 'pipe';
  serviceName: string;
} {
  return {
    // utilityProcess takes only string values; an unset variable is left out
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    cwd,
    stdio: 'pipe',
    serviceName: 'mlsys-lab kernel',
  };
}

export function adaptUtilityProcess(child: UtilityProcessLike): KernelProcess {
  let exited = false;
  let spawned = false;
  const early: unknown[] = [];
  const stderrListeners: ((text: string) => void)[] = [];
  child.on('spawn', () => {
    spawned = true;
    for (const m of early.splice(0)) child.postMessage(m);
  });
  child.on('exit', () => (exited = true));
  child.on('error', (type, location) => {
    for (const l of stderrListeners) l(`\n${type} in the kernel process (${location})\n`);
  });
  // drained so that a chatty native library cannot fill the pipe and block the kernel
  child.stdout?.on('data', () => {});
  child.stderr?.on('data', (d: Buffer | string) => {
    const text = typeof d === 'string' ? d : d.toString('utf8');
    for (const l of stderrListeners) l(text);
  });
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (exited) return;
      if (spawned) child.postMessage(message);
      else early.push(message);
    },
    onMessage: (l) => void child.on('message', l),
    onStderr: (l) => void stderrListeners.push(l),
    onExit: (l) => void child.on('exit', (code) => l({ code, signal: null } satisfies KernelExit)),
    kill() {
      if (!exited) child.kill();
    },
  };
}
