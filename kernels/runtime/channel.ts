/**
 * The kernel's end of its IPC channel to main: Node's `process.send` when main forked us with
 * child_process.fork, Electron's `process.parentPort` when main started us with
 * utilityProcess.fork (the hardened app, whose RunAsNode fuse is off). Both carry structured
 * clones, so typed arrays cross as they are.
 */
export interface Channel {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called when main goes away (the pipe closed): the kernel must not outlive it. */
  onDisconnect(listener: () => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
}

export function connectToParent(): Channel {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (m) => parentPort.postMessage(m),
      onMessage: (l) => parentPort.on('message', (e) => l(e.data)),
      onDisconnect: (l) => parentPort.on('close', l),
    };
  }
  if (!process.send) throw new Error('The kernel must be started by mlsys-lab (it found neither an IPC channel nor an Electron parentPort).');
  return {
    send: (m) => {
      if (process.connected) process.send!(m);
    },
    onMessage: (l) => process.on('message', l),
    onDisconnect: (l) => process.on('disconnect', l),
  };
}
