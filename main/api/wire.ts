/**
 * The messages both transports carry, as plain JSON. A client sends `call`, `subscribe` and
 * `unsubscribe`; the server answers each call with `result` or `error` (same `id`) and pushes
 * `event` for every subscription. Payloads are JSON values, so IPC and WebSocket carry the same
 * things and a test can drive either.
 */
import type { ApiErrorData } from './common';

export type ClientMessage =
  | { kind: 'call'; id: number; method: string; args: unknown[] }
  | { kind: 'subscribe'; event: string }
  | { kind: 'unsubscribe'; event: string };

export type ServerMessage =
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number | null; error: ApiErrorData }
  | { kind: 'event'; event: string; payload: unknown };
