/**
 * The two ways the UI reaches main: Electron's preload bridge when it exists, otherwise a
 * WebSocket back to the browser-mode server that served this page (the token travels as a
 * same-site cookie set when the page was opened with `?token=`).
 */
import type { ClientMessage, ServerMessage } from '../../../main/api';
import type { Transport } from './client';

interface LabBridge {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

declare global {
  interface Window {
    labBridge?: LabBridge;
  }
}

function ipcTransport(bridge: LabBridge): Transport {
  return {
    ready: Promise.resolve(),
    send: (m) => bridge.send(m),
    onMessage: (l) => void bridge.onMessage((m) => l(m as ServerMessage)),
  };
}

function webSocketTransport(): Transport {
  const url = new URL('api', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  const token = new URLSearchParams(location.search).get('token');
  if (token) url.searchParams.set('token', token);
  const socket = new WebSocket(url);
  const listeners: ((m: ServerMessage) => void)[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('Cannot reach the mlsys-lab server. Is `npm start` still running?')), { once: true });
  });
  socket.addEventListener('message', (e) => {
    const msg = JSON.parse(String(e.data)) as ServerMessage;
    for (const l of listeners) l(msg);
  });
  socket.addEventListener('close', () => {
    document.dispatchEvent(new CustomEvent('mlsys-lab:disconnected'));
  });
  return {
    ready,
    send: (m: ClientMessage) => socket.send(JSON.stringify(m)),
    onMessage: (l) => void listeners.push(l),
  };
}

export function connect(): Transport {
  return window.labBridge ? ipcTransport(window.labBridge) : webSocketTransport();
}
