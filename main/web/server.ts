/**
 * Browser mode: serves the built UI and the API (a WebSocket at /api) on loopback. Every HTTP
 * request and WebSocket must carry the per-launch token; Host and Origin are checked on each.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Connection } from '../rpc/connection';
import type { Dispatcher } from '../rpc/dispatcher';
import { checkHost, checkOrigin, checkToken, isLoopbackAddress, newToken, requestToken, TOKEN_COOKIE } from './security';
import { serveStatic } from './static-files';

export interface WebServerOptions {
  dispatcher: Dispatcher;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Loopback unless the user asked explicitly for another address. */
  host?: string;
  token?: string;
  log?: (message: string) => void;
}

export interface WebServer {
  url: string;
  /** The URL with the token, to open or print. */
  urlWithToken: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Largest API message we accept; notebooks with outputs fit well within it. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const log = options.log ?? ((m: string) => console.error(`[mlsys-lab] ${m}`));
  const extraHosts = isLoopbackAddress(host) ? [] : [host];
  let port = 0;

  const refuse = (res: ServerResponse, status: number, why: string, req: IncomingMessage) => {
    log(`refused ${req.method} ${(req.url ?? '').replace(/token=[^&]*/, 'token=…')}: ${why}`);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${status === 403 ? 'Forbidden' : 'Not found'}: ${why}\n`);
  };

  const server: Server = createServer(async (req, res) => {
    const problem = checkHost(req.headers.host, port, extraHosts) ?? checkOrigin(req.headers.origin, port, extraHosts) ?? checkToken(req, token);
    if (problem) return refuse(res, 403, problem, req);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, `method ${req.method} not allowed`, req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    };
    if (url.pathname === '/output-frame.html') {
      // the sandboxed frame a trusted notebook's HTML with scripts runs in
      // (renderer/src/outputs/html-frame.ts): the app's own page may frame it, nothing else may
      delete headers['X-Frame-Options'];
      headers['Content-Security-Policy'] = "frame-ancestors 'self'";
    }
    if (requestToken(req).fromQuery) {
      // Later asset requests and the WebSocket carry the token as a strict same-site cookie.
      headers['Set-Cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
    }
    const served = await serveStatic(options.rendererDir, url.pathname, res, headers).catch((err) => {
      log(`serving ${url.pathname} failed: ${err}`);
      return false;
    });
    if (!served) refuse(res, 404, url.pathname, req);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const problem =
      (url.pathname === '/api' ? undefined : `no WebSocket at ${url.pathname}`) ??
      checkHost(req.headers.host, port, extraHosts) ??
      (req.headers.origin === undefined ? undefined : checkOrigin(req.headers.origin, port, extraHosts)) ??
      checkToken(req, token);
    if (problem) {
      log(`refused WebSocket: ${problem}`);
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${problem}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  const sockets = new Set<WebSocket>();
  function attach(ws: WebSocket) {
    sockets.add(ws);
    const conn = new Connection(options.dispatcher, (msg) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    });
    ws.on('message', (data, isBinary) => {
      let parsed: unknown;
      try {
        if (isBinary) throw new Error('binary frames are not part of the protocol');
        parsed = JSON.parse(data.toString());
      } catch (err) {
        log(`refused malformed WebSocket message: ${(err as Error).message}`);
        ws.send(JSON.stringify({ kind: 'error', id: null, error: { name: 'ApiError', code: 'E_BAD_MESSAGE', message: `Malformed message: ${(err as Error).message}` } }));
        return;
      }
      void conn.receive(parsed);
    });
    ws.on('close', () => {
      conn.dispose();
      sockets.delete(ws);
    });
    ws.on('error', (err) => log(`WebSocket error: ${err.message}`));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    urlWithToken: `${url}?token=${token}`,
    port,
    token,
    async close() {
      for (const ws of sockets) ws.close(1001, 'server shutting down');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
