/**
 * How main starts a kernel process. Under plain Node (tests, browser mode, the CLI) it is
 * child_process.fork; the Electron shell supplies a launcher built on utilityProcess.fork
 * (main/electron/utility-launcher.ts), because a hardened Electron build has the RunAsNode fuse
 * off and cannot fork itself as Node.
 */
import { fork } from 'node:child_process';

export interface LaunchOptions {
  /** The kernel's entry script (out/main/kernel.js). */
  entry: string;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface KernelExit {
  code: number | null;
  signal: string | null;
}

/** A started kernel process, whatever started it. */
export interface KernelProcess {
  readonly pid: number | undefined;
  /** Sends one protocol message (structured clone). Silently dropped once the process is gone. */
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Text the process wrote to stderr (its own diagnostics, crash reports from Node or V8). */
  onStderr(listener: (text: string) => void): void;
  onExit(listener: (exit: KernelExit) => void): void;
  /** Ends the process at once (SIGKILL or the platform's equivalent). */
  kill(): void;
}

export interface KernelLauncher {
  launch(options: LaunchOptions): KernelProcess;
}

export const nodeKernelLauncher: KernelLauncher = {
  launch({ entry, env, cwd }) {
    const child = fork(entry, [], {
      cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      execArgv: [],
    });
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    // the kernel sends its outputs over IPC; anything on stdout is noise from native code
    child.stdout!.on('data', () => {});
    let exited = false;
    child.on('exit', () => (exited = true));
    child.on('error', () => {});
    return {
      pid: child.pid,
      send(message) {
        if (!exited && child.connected) child.send(message as never, (err) => void err);
      },
      onMessage: (l) => void child.on('message', l),
      onStderr: (l) => void child.stderr!.on('data', l),
      onExit: (l) => void child.on('exit', (code, signal) => l({ code, signal })),
      kill() {
        if (!exited) child.kill('SIGKILL');
      },
    };
  },
};
