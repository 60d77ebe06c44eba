import type { Disposable } from '../api/common';
import type { ServerMessage } from '../api/wire';
import type { Dispatcher } from './dispatcher';

/**
 * One client of the API, whatever carries its messages. A transport feeds it decoded messages
 * and gives it a `send`; the connection answers calls and forwards subscribed events. Closing it
 * drops every subscription, so a reloaded window leaks nothing.
 */
export class Connection implements Disposable {
  private readonly subscriptions = new Map<string, Disposable>();
  private closed = false;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly send: (msg: ServerMessage) => void,
  ) {}

  async receive(raw: unknown): Promise<void> {
    if (this.closed) return;
    const msg = this.dispatcher.parse(raw);
    switch (msg.kind) {
      case 'call': {
        const reply = await this.dispatcher.handleCall(msg);
        if (!this.closed) this.send(reply);
        return;
      }
      case 'subscribe':
        if (!this.subscriptions.has(msg.event)) {
          this.subscriptions.set(
            msg.event,
            this.dispatcher.subscribe(msg.event, (payload) => {
              if (!this.closed) this.send({ kind: 'event', event: msg.event, payload: payload ?? null });
            }),
          );
        }
        return;
      case 'unsubscribe':
        this.subscriptions.get(msg.event)?.dispose();
        this.subscriptions.delete(msg.event);
        return;
      default:
        // parse() returned an error reply for a malformed message
        this.send(msg);
    }
  }

  dispose(): void {
    this.closed = true;
    for (const s of this.subscriptions.values()) s.dispose();
    this.subscriptions.clear();
  }
}
