/**
 * The Electron transport of the API: one channel, one Connection per window. The preload bridge
 * (preload.ts) is the other end. Messages are the same JSON shapes the WebSocket carries.
 */
import { ipcMain, type WebContents } from 'electron';
import { Connection } from '../rpc/connection';
import type { Dispatcher } from '../rpc/dispatcher';
import { isTrustedSender } from './security';

export const API_CHANNEL = 'mlsys-lab:api';

export function serveIpc(dispatcher: Dispatcher, appOrigin: string, log: (m: string) => void): void {
  const connections = new Map<number, Connection>();
  const connectionFor = (contents: WebContents): Connection => {
    let conn = connections.get(contents.id);
    if (!conn) {
      const c = new Connection(dispatcher, (msg) => {
        if (!contents.isDestroyed()) contents.send(API_CHANNEL, msg);
      });
      connections.set(contents.id, (conn = c));
      const drop = () => {
        c.dispose();
        connections.delete(contents.id);
      };
      contents.once('destroyed', drop);
      // a reload starts a fresh page: its old subscriptions must go
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) drop();
      });
    }
    return conn;
  };
  ipcMain.on(API_CHANNEL, (event, msg: unknown) => {
    if (!isTrustedSender(event, appOrigin)) {
      log(`refused IPC from ${event.senderFrame?.url ?? 'an unknown frame'}`);
      return;
    }
    void connectionFor(event.sender).receive(msg);
  });
}
