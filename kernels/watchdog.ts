/**
 * The kernel's watchdog thread (a worker, built as out/main/kernel-watchdog.js). It listens on the
 * control socket main connects to, so it can take an interrupt while the kernel's main thread is
 * stuck in a cell. Signals are not the mechanism (SIGINT kills a process on Windows); instead:
 *
 * 1. tell the main thread (it answers at once when it is merely awaiting something);
 * 2. if it does not answer within 150 ms it is blocked: call V8's Runtime.terminateExecution on
 *    it through the inspector, between tensor kernels (the kernel gate), which unwinds the running JavaScript (the cell's variables stay),
 *    and tell it again so it can finish the cell;
 * 3. after a few tries, report 'unresponsive' (stuck in native code): main offers a restart.
 *
 * When main's connection closes, main is gone: the kernel kills itself, even mid-cell, so no
 * kernel outlives the app (and likewise when main died before connecting: see the parent pid check).
 */
import { Session } from 'node:inspector';
import { createServer, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { closeGate, openGate } from './backends/interrupt-between-kernels';

export interface WatchdogData {
  address: string;
  token: string;
  /** Int32Array[0]: the last interrupt sequence number the main thread has handled. */
  acks: SharedArrayBuffer;
  /** The kernel gate (backends/kernel-gate.ts): termination must land between tensor kernels. */
  gate: SharedArrayBuffer;
}

export type InterruptOutcome = 'interrupted' | 'terminated' | 'unresponsive';

const { address, token, acks: sab, gate } = workerData as WatchdogData;
const acks = new Int32Array(sab);
const session = new Session();
session.connectToMainThread();
let seq = 0;

function waitForAck(target: number, ms: number): boolean {
  const deadline = performance.now() + ms;
  for (;;) {
    const seen = Atomics.load(acks, 0);
    if (seen >= target) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(acks, 0, seen, left);
  }
}

function interrupt(cell: string | undefined): InterruptOutcome {
  let target = ++seq;
  parentPort!.postMessage({ type: 'interrupt', seq: target, terminated: false, cell });
  if (waitForAck(target, 150)) return 'interrupted';
  for (let attempt = 0; attempt < 5; attempt++) {
    // Terminating inside a multi-threaded wasm kernel would strand XNNPACK's thread pool and hang
    // the next kernel for good, so wait for the running one to end (the gate is only ever held
    // with threads > 1); one that does not end in time counts as a failed attempt.
    if (!closeGate(gate, 400)) continue;
    try {
      session.post('Runtime.terminateExecution');
      target = ++seq;
      parentPort!.postMessage({ type: 'interrupt', seq: target, terminated: true, cell });
      if (waitForAck(target, 400)) return 'terminated';
    } finally {
      openGate(gate);
    }
  }
  return 'unresponsive';
}

function serve(socket: Socket): void {
  let authenticated = false;
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let msg: { token?: string; type?: string; id?: number; cell?: unknown };
      try {
        msg = JSON.parse(line);
      } catch {
        socket.destroy();
        return;
      }
      if (!authenticated) {
        if (msg.token !== token) {
          socket.destroy();
          return;
        }
        authenticated = true;
        socket.write(JSON.stringify({ type: 'hello', pid: process.pid }) + '\n');
        continue;
      }
      if (msg.type === 'interrupt') {
        const t0 = performance.now();
        const outcome = interrupt(typeof msg.cell === 'string' ? msg.cell : undefined);
        socket.write(JSON.stringify({ type: 'interrupt_reply', id: msg.id, outcome, ms: performance.now() - t0 }) + '\n');
      }
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    // main went away (closed, crashed or was killed): so do we, whatever the main thread is doing
    if (authenticated) process.kill(process.pid, 'SIGKILL');
  });
}

// Main can also die before it has connected here (a cold start on a loaded machine), and then no
// socket closes. We were reparented then: our parent pid changed.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) process.kill(process.pid, 'SIGKILL');
}, 500).unref();

const server = createServer(serve);
server.on('error', (err) => parentPort!.postMessage({ type: 'error', message: `control socket ${address}: ${err.message}` }));
server.listen(address, () => parentPort!.postMessage({ type: 'listening' }));
