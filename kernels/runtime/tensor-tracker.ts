/**
 * Counts, per cell, the tensors it created and those of them still alive when it ended: kept (a
 * variable of the notebook holds them) or leaked (nothing can reach them to dispose them).
 * tf.memory() alone shows only the live total, where a cell that disposes an old tensor and leaks a
 * new one looks clean.
 *
 * It hooks the engine's trackTensor (every new tensor and variable) and disposeTensor (every
 * dispose), both of which TensorFlow.js calls through the engine instance.
 */
import type { TensorReport } from '../protocol';
import { heldTensors } from './held-tensors';

type Tf = typeof import('@tensorflow/tfjs');

interface TrackedTensor {
  id: number;
  dtype: string;
  size: number;
  dataId: object;
}

interface EngineHooks {
  trackTensor(a: TrackedTensor, backend: unknown): void;
  disposeTensor(a: TrackedTensor): void;
  state: { tensorInfo: { get(dataId: object): { bytes: number } | undefined } };
}

// complex64 is counted by its two float32 components, as tf.memory() counts it
const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 0 };

export class TensorTracker {
  private engine: EngineHooks | undefined;
  private created = 0;
  /** Tensors created since start() and not disposed, by id. */
  private readonly alive = new Map<number, TrackedTensor>();
  private counting = false;

  /** Hooks the engine of `tf` (once). */
  install(tf: Tf): void {
    if (this.engine) return;
    const engine = tf.engine() as unknown as EngineHooks;
    this.engine = engine;
    const track = engine.trackTensor.bind(engine);
    const dispose = engine.disposeTensor.bind(engine);
    engine.trackTensor = (a, backend) => {
      track(a, backend);
      if (this.counting) {
        this.created++;
        this.alive.set(a.id, a);
      }
    };
    engine.disposeTensor = (a) => {
      dispose(a);
      this.alive.delete(a.id);
    };
  }

  /** Starts counting for a new cell (what the previous cell left is no longer this cell's). */
  start(): void {
    this.created = 0;
    this.alive.clear();
    this.counting = true;
  }

  /**
   * What the cell created and left alive: `kept` when a top-level variable (one of `roots`) still
   * reaches it, else leaked, with the bytes of the leaked tensors' data (each data buffer once: a
   * reshape shares its input's). Undefined before TensorFlow.js has loaded.
   */
  stop(roots: Iterable<unknown> = []): TensorReport | undefined {
    this.counting = false;
    if (!this.engine) return undefined;
    const held = heldTensors(roots, this.alive);
    const buffers = new Set<object>();
    let bytes = 0;
    let leaked = 0;
    for (const t of this.alive.values()) {
      if (held.has(t.id)) continue;
      leaked++;
      if (buffers.has(t.dataId)) continue;
      buffers.add(t.dataId);
      bytes += t.dtype === 'string' ? (this.engine.state.tensorInfo.get(t.dataId)?.bytes ?? 0) : t.size * (BYTES_PER_ELEMENT[t.dtype] ?? 4);
    }
    return { created: this.created, kept: held.size, leaked, leakedBytes: bytes };
  }
}
