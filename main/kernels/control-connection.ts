/**
 * Main's end of a kernel's control socket: the line-delimited JSON connection to the kernel's
 * watchdog thread that carries interrupts (the kernel's IPC channel cannot: its main thread may be
 * stuck). Holding it open also ties the kernel's life to ours: when it closes, the kernel exits.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type InterruptOutcome = 'interrupted' | 'terminated' | 'unresponsive';

/** A fresh control address: a Unix socket in a private temp folder, or a named pipe on Windows. */
export function newControlAddress(): { address: string; cleanup: () => void } {
  if (process.platform === 'win32') return { address: `\\\\.\\pipe\\mlsys-lab-kernel-${randomUUID()}`, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'mlsys-kernel-'));
  return { address: join(dir, 'control.sock'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export class ControlConnection {
  private socket: Socket | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, (outcome: InterruptOutcome) => void>();
  private closed = false;

  constructor(
    private readonly address: string,
    private readonly token: string,
  ) {}

  /** Connects, retrying while the kernel's watchdog starts listening (up to `timeoutMs`). */
  connect(timeoutMs = 10_000): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const attempt = () => {
        if (this.closed) return reject(new Error('control connection closed'));
        const socket = connect(this.address);
        let buffer = '';
        socket.setEncoding('utf8');
        socket.once('connect', () => {
          socket.write(JSON.stringify({ token: this.token }) + '\n');
        });
        socket.on('data', (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) !== -1) {
            const msg = JSON.parse(buffer.slice(0, nl)) as { type: string; id?: number; outcome?: InterruptOutcome };
            buffer = buffer.slice(nl + 1);
            if (msg.type === 'hello') {
              this.socket = socket;
              resolve();
            } else if (msg.type === 'interrupt_reply') {
              this.waiting.get(msg.id!)?.(msg.outcome!);
              this.waiting.delete(msg.id!);
            }
          }
        });
        socket.on('error', () => {
          if (this.socket === socket) return;
          socket.destroy();
          if (Date.now() > deadline) reject(new Error(`could not connect to the kernel's control socket ${this.address}`));
          else setTimeout(attempt, 20);
        });
        socket.on('close', () => {
          if (this.socket === socket) {
            this.socket = undefined;
            for (const done of this.waiting.values()) done('unresponsive');
            this.waiting.clear();
          }
        });
      };
      attempt();
    });
    return this.ready;
  }

  /**
   * Asks the watchdog to interrupt the running cell; resolves with what it took. `cell` is the
   * msg_id of the cell main believes is running: if the kernel has not started it yet (it is still
   * on its way), the kernel stops it as soon as it arrives instead of letting it run.
   */
  async interrupt(cell?: string, timeoutMs = 5_000): Promise<InterruptOutcome> {
    await this.connect();
    const socket = this.socket;
    if (!socket) return 'unresponsive';
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve('unresponsive');
      }, timeoutMs);
      this.waiting.set(id, (o) => {
        clearTimeout(timer);
        resolve(o);
      });
      socket.write(JSON.stringify({ type: 'interrupt', id, cell }) + '\n');
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.socket = undefined;
  }
}
