import type { Disposable } from '../api/common';

/**
 * Fan-out of service events (`group.onDidX`) to whoever subscribed: transports, tests, other
 * services. A listener that throws is logged and does not stop the others.
 */
export class EventHub {
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(private readonly log: (message: string) => void = (m) => console.error(m)) {}

  subscribe(event: string, listener: (payload: unknown) => void): Disposable {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        set.delete(listener);
      },
    };
  }

  emit(event: string, payload: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (err) {
        this.log(`listener for ${event} failed: ${(err as Error).stack ?? err}`);
      }
    }
  }
}
