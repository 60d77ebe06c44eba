/** The API's own overhead: a call through the real WebSocket transport to a trivial method. */
import { performance } from 'node:perf_hooks';
import { startBrowserMode } from '../helpers/browser-mode';
import { WsClient } from '../helpers/ws-client';
import { quantile, report } from './report';

const h = await startBrowserMode();
const client = await WsClient.connect(`ws://127.0.0.1:${h.server.port}/api?token=${h.server.token}`);
const times: number[] = [];
for (let i = 0; i < 1000; i++) {
  const t0 = performance.now();
  await client.call('app.info');
  if (i >= 100) times.push(performance.now() - t0);
  client.messages.length = 0;
}
report('api.ws_call.median_ms', quantile(times, 0.5), 'ms');
report('api.ws_call.p99_ms', quantile(times, 0.99), 'ms');
client.close();
await h.close();
