import WebSocket from 'ws';
import type { ServerMessage } from '../../main/api';

/** A raw WebSocket API client for tests: sends wire messages, collects replies. */
export class WsClient {
  readonly messages: ServerMessage[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => resolve(new WsClient(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  sendRaw(data: string): void {
    this.socket.send(data);
  }

  async next(predicate: (m: ServerMessage) => boolean, timeoutMs = 5000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  async call(method: string, args: unknown[] = []): Promise<ServerMessage> {
    const id = Math.floor(Math.random() * 1e9);
    this.socket.send(JSON.stringify({ kind: 'call', id, method, args }));
    return this.next((m) => 'id' in m && m.id === id);
  }

  close(): void {
    this.socket.close();
  }
}
