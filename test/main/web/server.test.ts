import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMode, type BrowserModeHarness } from '../../helpers/browser-mode';
import { WsClient } from '../../helpers/ws-client';

let h: BrowserModeHarness;
beforeAll(async () => {
  h = await startBrowserMode();
});
afterAll(() => h.close());

const wsUrl = (query = '') => `ws://127.0.0.1:${h.server.port}/api${query}`;

describe('browser-mode server', () => {
  it('binds to loopback only by default', () => {
    expect(h.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the UI with the token and sets a same-site cookie', async () => {
    const res = await fetch(h.server.urlWithToken);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app">');
    expect(res.headers.get('set-cookie')).toMatch(/mlsys_lab_token=.*HttpOnly; SameSite=Strict/);
  });

  it('refuses HTTP requests without the token or with a wrong one', async () => {
    expect((await fetch(h.server.url)).status).toBe(403);
    expect((await fetch(`${h.server.url}?token=${'x'.repeat(43)}`)).status).toBe(403);
    expect((await fetch(`${h.server.url}assets/anything.js`)).status).toBe(403);
  });

  it('accepts the token as a cookie or an Authorization header', async () => {
    expect((await fetch(h.server.url, { headers: { cookie: `mlsys_lab_token=${h.server.token}` } })).status).toBe(200);
    expect((await fetch(h.server.url, { headers: { authorization: `token ${h.server.token}` } })).status).toBe(200);
  });

  it('refuses HTTP requests from another Origin or Host even with the token', async () => {
    const evilOrigin = await fetch(h.server.urlWithToken, { headers: { origin: `http://127.0.0.1:${h.server.port}.evil.com` } });
    expect(evilOrigin.status).toBe(403);
    // fetch() will not let us forge Host, so go through node:http
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.server.port, path: `/?token=${h.server.token}`, headers: { host: `rebind.example:${h.server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('does not serve files outside the UI folder', async () => {
    const res = await fetch(`${h.server.url}..%2f..%2fpackage.json?token=${h.server.token}`);
    expect(res.status).toBe(404);
  });

  it('refuses WebSockets without the token or from another Origin', async () => {
    await expect(WsClient.connect(wsUrl())).rejects.toThrow(/403/);
    await expect(WsClient.connect(wsUrl('?token=wrong'))).rejects.toThrow(/403/);
    await expect(WsClient.connect(wsUrl(`?token=${h.server.token}`), { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(WsClient.connect(wsUrl(`?token=${h.server.token}`), { origin: `http://127.0.0.1:${h.server.port}.evil.com` })).rejects.toThrow(/403/);
  });

  it('answers API calls over the WebSocket, and errors for unknown methods and bad JSON', async () => {
    const client = await WsClient.connect(wsUrl(`?token=${h.server.token}`), { origin: `http://127.0.0.1:${h.server.port}` });
    const list = await client.call('library.list');
    expect(list).toMatchObject({ kind: 'result', value: { packs: expect.arrayContaining([expect.objectContaining({ id: 'software-2' })]) } });
    const unknown = await client.call('library.format', ['/']);
    expect(unknown).toMatchObject({ kind: 'error', error: { code: 'E_UNKNOWN_METHOD' } });
    client.sendRaw('{not json');
    const bad = await client.next((m) => m.kind === 'error' && m.id === null);
    expect(bad).toMatchObject({ error: { code: 'E_BAD_MESSAGE' } });
    // the connection survives all of that
    expect(await client.call('app.info')).toMatchObject({ kind: 'result' });
    client.close();
    expect(h.logs.some((l) => l.includes('unknown method'))).toBe(true);
  });
});
