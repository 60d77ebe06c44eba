// Preloaded (--require) into a kernel that the utility-process stand-in starts: gives it
// `process.parentPort` as Electron documents it for a utility process. An EventEmitter whose
// 'message' events carry { data, ports }, queued until a listener is registered, and whose
// postMessage reaches the parent; it has no 'close' event (Electron's has none).
const { EventEmitter } = require('node:events');

const port = new EventEmitter();
const queued = [];
const deliver = (data) => port.emit('message', { data, ports: [] });
process.on('message', (data) => {
  if (port.listenerCount('message') > 0) deliver(data);
  else queued.push(data);
});
port.on('newListener', (event) => {
  if (event === 'message') queueMicrotask(() => queued.splice(0).forEach(deliver));
});
port.postMessage = (message) => process.send(message);
Object.defineProperty(process, 'parentPort', { value: port });
