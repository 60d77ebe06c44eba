/**
 * Kernels in the Electron app run as Electron utility processes: a hardened build has the
 * RunAsNode fuse off, so the app cannot fork itself as plain Node, but a utility process is a
 * Node environment that Electron starts for us (native addons such as tfjs-node load in it, and it
 * dies with the app). The kernel detects it by `process.parentPort` (kernels/runtime/channel.ts).
 */
import { utilityProcess } from 'electron';
import type { KernelLauncher } from '../kernels/kernel-launcher';

export const utilityKernelLauncher: KernelLauncher = {
  launch({ entry, env, cwd }) {
    const child = utilityProcess.fork(entry, [], {
      cwd,
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
      stdio: 'pipe',
      serviceName: 'mlsys-lab kernel',
    });
    let exited = false;
    let spawned = false;
    const early: unknown[] = [];
    child.on('spawn', () => {
      spawned = true;
      for (const m of early.splice(0)) child.postMessage(m);
    });
    child.on('exit', () => (exited = true));
    child.stdout?.on('data', () => {});
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
      onStderr: (l) => void child.stderr?.on('data', (d: Buffer) => l(d.toString('utf8'))),
      // a utility process reports only an exit code; crashes show up in it and in stderr
      onExit: (l) => void child.on('exit', (code) => l({ code, signal: null })),
      kill() {
        if (!exited) child.kill();
      },
    };
  },
};
