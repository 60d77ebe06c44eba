/**
 * Long polls on a queue: a cell waits (in the background, while other cells run) until the queue
 * wants fresh scores, or until people have labeled enough items. The kernel's lab_request channel
 * is request/reply, so "tell me when" is a request that main answers later, or at a timeout after
 * which the cell asks again. Timers are unref'd: a waiting cell never keeps a CLI process alive.
 */

interface Waiter {
  /** Re-evaluated on every change of the queue; resolves and returns true when satisfied. */
  poke(): boolean;
  /** Resolves with the value for a timeout or shutdown. */
  end(): void;
}

export class QueueWaiters {
  private readonly waiters = new Map<number, Set<Waiter>>();

  /**
   * Resolves with `check()`'s value once it is not undefined (checked now and on every `changed`
   * of the queue), or with `onTimeout()` after `timeoutMs`.
   */
  wait<T>(queueId: number, timeoutMs: number, check: () => T | undefined, onTimeout: () => T): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve) => {
      const set = this.waiters.get(queueId) ?? new Set<Waiter>();
      this.waiters.set(queueId, set);
      const done = (value: T) => {
        clearTimeout(timer);
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(queueId) === set) this.waiters.delete(queueId);
        resolve(value);
      };
      const waiter: Waiter = {
        poke() {
          const v = check();
          if (v === undefined) return false;
          done(v);
          return true;
        },
        end: () => done(onTimeout()),
      };
      const timer = setTimeout(() => waiter.end(), timeoutMs);
      timer.unref?.();
      set.add(waiter);
    });
  }

  /** The queue changed: waiters whose condition now holds resolve. */
  changed(queueId: number): void {
    const set = this.waiters.get(queueId);
    if (!set) return;
    for (const w of [...set]) {
      try {
        w.poke();
      } catch {
        w.end(); // a check that cannot run (a deleted queue) ends the wait rather than hanging it
      }
    }
  }

  /** Ends every wait now (shutdown): each resolves as if it had timed out. */
  endAll(): void {
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w.end();
  }
}
