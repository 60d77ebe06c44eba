/**
 * stdout and stderr of cells become `stream` messages. We patch the process streams' `write`
 * (console.* writes through them), so console.log, console.error and process.stdout.write stay in
 * the order they were called. Text is batched per stream and cell, and flushed before any other
 * output, after 30 ms, or at 64 KiB, so a loop printing thousands of lines costs a few messages,
 * and a synchronous loop still shows its output while it runs.
 */
import { outputOwner } from './execution-context';

export type StreamName = 'stdout' | 'stderr';

const FLUSH_MS = 30;
const MAX_PENDING = 64 * 1024;
/** Sends allowed per FLUSH_MS window before output is batched. */
const BURST = 8;

export class StreamCapture {
  private pending: { name: StreamName; parentId: string | null; text: string } | undefined;
  private windowStart = 0;
  private windowSends = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The real writers, for the kernel's own diagnostics. */
  readonly rawStderr: (text: string) => void;

  constructor(
    private readonly emit: (name: StreamName, text: string, parentId: string | null) => void,
  ) {
    const err = process.stderr.write.bind(process.stderr);
    this.rawStderr = (t) => void err(t);
  }

  install(): void {
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = process[name];
      stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
        this.write(name, text);
        const done = typeof encoding === 'function' ? encoding : cb;
        if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
        return true;
      }) as typeof stream.write;
    }
  }

  write(name: StreamName, text: string): void {
    if (!text) return;
    const parentId = outputOwner()?.msgId ?? null;
    const p = this.pending;
    if (p && (p.name !== name || p.parentId !== parentId)) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { name, parentId, text };
    const now = performance.now();
    if (now - this.windowStart >= FLUSH_MS) {
      this.windowStart = now;
      this.windowSends = 0;
    }
    // send at once unless output is heavy (many sends in this window): then batch, so a cell
    // that prints in a tight loop costs a few messages, yet a lone line is never held back by a
    // synchronous loop that keeps timers from running
    if (this.pending.text.length >= MAX_PENDING || this.windowSends < BURST) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      this.windowSends++;
      this.emit(p.name, p.text, p.parentId);
    }
  }
}
