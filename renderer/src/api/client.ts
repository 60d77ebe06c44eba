/**
 * Builds the typed `LabApi` proxy over any transport that carries the wire messages. Both
 * transports (the preload bridge and the WebSocket) plug in here, so views never know which
 * one they talk through.
 */
import type { ApiErrorData, Disposable, LabApi, ServerMessage, ClientMessage } from '../../../main/api';

export interface Transport {
  send(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage) => void): void;
  /** Resolves when the transport can send. */
  ready: Promise<void>;
}

/** An error the API replied with; `code` is the stable machine-readable part. */
export class ApiCallError extends Error {
  readonly code: string;
  constructor(data: ApiErrorData) {
    super(data.message);
    this.name = data.name;
    this.code = data.code;
  }
}

export function createApiClient(transport: Transport): LabApi {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  transport.onMessage((msg) => {
    switch (msg.kind) {
      case 'result':
        pending.get(msg.id)?.resolve(msg.value);
        pending.delete(msg.id);
        break;
      case 'error':
        if (msg.id !== null && pending.has(msg.id)) {
          pending.get(msg.id)!.reject(new ApiCallError(msg.error));
          pending.delete(msg.id);
        } else {
          console.error(`API error: ${msg.error.message}`);
        }
        break;
      case 'event':
        for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        break;
    }
  });

  const call = async (method: string, args: unknown[]): Promise<unknown> => {
    await transport.ready;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      transport.send({ kind: 'call', id, method, args });
    });
  };

  const subscribe = (event: string, listener: (payload: unknown) => void): Disposable => {
    let set = listeners.get(event);
    if (!set) {
      listeners.set(event, (set = new Set()));
      void transport.ready.then(() => transport.send({ kind: 'subscribe', event }));
    }
    set.add(listener);
    let disposed = false;
    return {
      dispose() {
        if (disposed) return;
        disposed = true;
        set.delete(listener);
        if (set.size === 0) {
          listeners.delete(event);
          transport.send({ kind: 'unsubscribe', event });
        }
      },
    };
  };

  const group = (name: string) =>
    new Proxy(
      {},
      {
        get(_target, prop) {
          if (typeof prop !== 'string') return undefined;
          const qualified = `${name}.${prop}`;
          if (prop.startsWith('onDid')) return (listener: (payload: unknown) => void) => subscribe(qualified, listener);
          return (...args: unknown[]) => call(qualified, args);
        },
      },
    );

  return new Proxy({} as LabApi, {
    get(_target, prop) {
      return typeof prop === 'string' ? group(prop) : undefined;
    },
  });
}
