import type { LabApi, ApiGroup } from '../api';
import type { Subscribe } from '../api/common';
import type { ClientMessage, ServerMessage } from '../api/wire';
import { checkArgs, type Check } from './schema';
import { ApiError, toErrorData } from './errors';
import type { EventHub } from './event-hub';

type EventKeys<T> = { [K in keyof T]: K extends `onDid${string}` ? K : never }[keyof T];
type CallKeys<T> = Exclude<keyof T, EventKeys<T>>;
type ChecksFor<A extends unknown[]> = { [I in keyof A]-?: Check<A[I]> };

/** How one group is served: for each call, its argument checks and its implementation. */
export type GroupImpl<T> = {
  [K in CallKeys<T>]: T[K] extends (...args: infer A) => infer R ? { args: ChecksFor<A>; run: (...args: A) => R } : never;
};

/** The payload type of event `K` of group `G`. */
export type EventPayload<G extends ApiGroup, K extends EventKeys<LabApi[G]>> = LabApi[G][K] extends Subscribe<infer E> ? E : never;

interface Method {
  args: readonly Check<unknown>[];
  run: (...args: unknown[]) => unknown;
}

/** A method name is `group.method`; events are `group.onDidX`. */
const NAME = /^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/;

/**
 * The one generic bridge: every service registers its methods under `group.method`, and every
 * transport hands raw messages here. Nothing a client sends can throw past this class: a
 * malformed message, an unknown method or bad arguments become typed error replies.
 */
export class Dispatcher {
  private readonly methods = new Map<string, Method>();
  private readonly events = new Set<string>();

  constructor(
    private readonly hub: EventHub,
    private readonly log: (message: string) => void = (m) => console.error(m),
  ) {}

  register<G extends ApiGroup>(group: G, impl: GroupImpl<LabApi[G]>, events: readonly EventKeys<LabApi[G]>[] = []): void {
    for (const [name, method] of Object.entries(impl as Record<string, Method>)) {
      this.methods.set(`${group}.${name}`, method);
    }
    for (const e of events) this.events.add(`${group}.${String(e)}`);
  }

  emit<G extends ApiGroup, K extends EventKeys<LabApi[G]>>(group: G, event: K, payload: EventPayload<G, K>): void {
    this.hub.emit(`${group}.${String(event)}`, payload);
  }

  hasEvent(name: string): boolean {
    return this.events.has(name);
  }

  /** Calls a method directly (tests, the CLI); throws ApiError like a client would receive. */
  async call(method: string, args: unknown[]): Promise<unknown> {
    const reply = await this.handleCall({ kind: 'call', id: 0, method, args });
    if (reply.kind === 'error') throw Object.assign(new ApiError(reply.error.code, reply.error.message), { name: reply.error.name });
    return (reply as { value: unknown }).value;
  }

  /** Answers one call message. Never rejects. */
  async handleCall(msg: Extract<ClientMessage, { kind: 'call' }>): Promise<ServerMessage> {
    const method = this.methods.get(msg.method);
    if (!method) {
      this.log(`refused call to unknown method ${JSON.stringify(msg.method)}`);
      return { kind: 'error', id: msg.id, error: { name: 'ApiError', code: 'E_UNKNOWN_METHOD', message: `Unknown method "${msg.method}"` } };
    }
    const problem = checkArgs(method.args, msg.args);
    if (problem) {
      this.log(`refused call to ${msg.method}: ${problem}`);
      return { kind: 'error', id: msg.id, error: { name: 'ApiError', code: 'E_BAD_ARGUMENTS', message: `${msg.method}: ${problem}` } };
    }
    try {
      const value = await method.run(...msg.args);
      return { kind: 'result', id: msg.id, value: value === undefined ? null : value };
    } catch (err) {
      const data = toErrorData(err);
      if (data.code === 'E_INTERNAL') this.log(`${msg.method} failed: ${data.stack ?? data.message}`);
      return { kind: 'error', id: msg.id, error: data };
    }
  }

  /**
   * Validates the shape of anything a client sent. Returns the message, or an error reply that
   * says what is wrong with it.
   */
  parse(raw: unknown): ClientMessage | ServerMessage {
    const bad = (message: string): ServerMessage => {
      this.log(`refused malformed message: ${message}`);
      const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : null;
      return { kind: 'error', id, error: { name: 'ApiError', code: 'E_BAD_MESSAGE', message } };
    };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('a message must be a JSON object');
    const m = raw as Record<string, unknown>;
    switch (m.kind) {
      case 'call':
        if (typeof m.id !== 'number' || !Number.isInteger(m.id)) return bad('a call needs an integer "id"');
        if (typeof m.method !== 'string' || !NAME.test(m.method)) return bad('a call needs a "method" named group.method');
        if (m.args !== undefined && !Array.isArray(m.args)) return bad('"args" must be an array');
        return { kind: 'call', id: m.id, method: m.method, args: (m.args as unknown[] | undefined) ?? [] };
      case 'subscribe':
      case 'unsubscribe':
        if (typeof m.event !== 'string' || !this.events.has(m.event)) return bad(`unknown event ${JSON.stringify(m.event)}`);
        return { kind: m.kind, event: m.event };
      default:
        return bad(`unknown message kind ${JSON.stringify(m.kind)}`);
    }
  }

  subscribe(event: string, listener: (payload: unknown) => void) {
    return this.hub.subscribe(event, listener);
  }
}
