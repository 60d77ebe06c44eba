/**
 * Makes the multi-threaded SIMD build of @tensorflow/tfjs-backend-wasm 4.22 start under Node.
 *
 * The stock loader cannot: it turns the threaded build off when IS_NODE (tfjs issue 3830), and
 * when forced on it fails with ERR_WORKER_PATH, because emscripten spawns each pthread worker from
 * a `blob:` URL (its worker script, inlined as a string) and worker_threads only takes a file path,
 * a file: URL or source text with `eval: true`. The worker then loads the module factory from
 * `mainScriptUrlOrBlob`, also a Blob, through importScripts, which under Node is readFileSync and
 * cannot read a blob: URL either.
 *
 * What we do instead, without patching node_modules:
 * - emscripten creates workers with `new Worker(url)` through the global `Worker`, which it sets to
 *   worker_threads.Worker itself during init. We install a global `Worker` accessor whose getter
 *   returns a subclass of worker_threads.Worker that starts our own pthread worker source (below,
 *   with `eval: true`) whenever it is handed a blob: URL; any other path passes through unchanged.
 * - Our worker reads the posted factory Blob with blob.text() (Blobs survive postMessage) and
 *   evaluates it. The factory's source text is the bundled function, which refers to a few of the
 *   bundle's module-level names (require$$0 = fs, ...); the worker defines those as globals.
 *
 * Everything else (the wasm binary, memory, thread pool, XNNPACK) is the stock 4.22 build.
 */
import os from 'node:os';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';

/**
 * The pthread worker, a readable port of emscripten 3.1's worker.js (the string
 * `wasmWorkerContents` in tf-backend-wasm.node.js) with two changes: it is Node-only, and it
 * loads a factory that arrives as a Blob asynchronously. The main thread only sends "run" after
 * this worker has posted "loaded", so the asynchronous load changes no ordering.
 */
export const PTHREAD_WORKER_SOURCE = String.raw`'use strict';
const threads = require('worker_threads');
const fs = require('fs');
const parentPort = threads.parentPort;
let Module = {};
let initializedJS = false;
let pendingNotifiedProxyingQueues = [];
const err = (...args) => fs.writeSync(2, args.join(' ') + '\n');
Object.assign(globalThis, {
  self: globalThis,
  require,
  location: { href: __filename },
  Worker: threads.Worker,
  importScripts(f) { (0, eval)(fs.readFileSync(f, 'utf8') + '//# sourceURL=' + f); },
  postMessage(msg) { parentPort.postMessage(msg); },
  // module-level names of tf-backend-wasm.node.js that the factory's source text refers to
  require$$0: fs, require$$1: require('path'), require$$3: require('perf_hooks'), require$$4: require('os'),
  commonjsGlobal: globalThis, _scriptDir: undefined,
});
self.alert = (...args) => postMessage({ cmd: 'alert', text: args.join(' '), threadId: Module._pthread_self() });
self.startWorker = (instance) => { Module = instance; postMessage({ cmd: 'loaded' }); };
parentPort.on('message', (data) => { onmessage(data).catch((ex) => { crashed(); throw ex; }); });
function crashed() { if (Module.__emscripten_thread_crashed) Module.__emscripten_thread_crashed(); }
async function onmessage(data) {
  try {
    if (data.cmd === 'load') {
      Module.wasmModule = data.wasmModule;
      Module.instantiateWasm = (info, receiveInstance) => {
        const instance = new WebAssembly.Instance(Module.wasmModule, info);
        receiveInstance(instance);
        Module.wasmModule = null;
        return instance.exports;
      };
      for (const handler of data.handlers) {
        Module[handler] = (...args) => postMessage({ cmd: 'callHandler', handler, args });
      }
      Module.wasmMemory = data.wasmMemory;
      Module.buffer = Module.wasmMemory.buffer;
      Module.ENVIRONMENT_IS_PTHREAD = true;
      if (typeof data.urlOrBlob === 'string') importScripts(data.urlOrBlob);
      else (0, eval)(await data.urlOrBlob.text() + '\n//# sourceURL=tfjs-backend-wasm-threaded-simd.js');
      WasmBackendModuleThreadedSimd(Module);
    } else if (data.cmd === 'run') {
      Module.__emscripten_thread_init(data.pthread_ptr, 0, 0, 1);
      Module.establishStackSpace();
      Module.PThread.receiveObjectTransfer(data);
      Module.PThread.threadInitTLS();
      if (!initializedJS) {
        for (const queue of pendingNotifiedProxyingQueues) Module.executeNotifiedProxyingQueue(queue);
        pendingNotifiedProxyingQueues = [];
        initializedJS = true;
      }
      try {
        Module.invokeEntryPoint(data.start_routine, data.arg);
      } catch (ex) {
        if (ex === 'unwind') return;
        if (ex instanceof Module.ExitStatus) {
          if (!Module.keepRuntimeAlive()) Module.__emscripten_thread_exit(ex.status);
        } else throw ex;
      }
    } else if (data.cmd === 'cancel') {
      if (Module._pthread_self()) Module.__emscripten_thread_exit(-1);
    } else if (data.target === 'setimmediate') {
      // emscripten's setImmediate polyfill message: nothing to do under Node
    } else if (data.cmd === 'processProxyingQueue') {
      if (initializedJS) Module.executeNotifiedProxyingQueue(data.queue);
      else pendingNotifiedProxyingQueues.push(data.queue);
    } else if (data.cmd) {
      err('tfjs-backend-wasm pthread worker received unknown command ' + data.cmd);
    }
  } catch (ex) {
    crashed();
    throw ex;
  }
}
`;

/** worker_threads.Worker that runs our pthread worker where emscripten hands it a blob: URL. */
export class PthreadWorker extends NodeWorker {
  constructor(filename: string | URL, options?: WorkerOptions) {
    if (String(filename).startsWith('blob:')) super(PTHREAD_WORKER_SOURCE, { ...options, eval: true });
    else super(filename, options);
  }
}

let installed = false;

/**
 * Installs the global `Worker` that emscripten uses. Its setter ignores the assignment
 * emscripten makes during init (worker_threads.Worker, which would bring ERR_WORKER_PATH back);
 * Node 20 has no global Worker of its own, so nothing else is displaced.
 */
export function installPthreadWorker(): void {
  if (installed) return;
  installed = true;
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    set: () => {},
  });
}

/**
 * Runs `init` while os.cpus() reports `2 * threads` cores. The wasm backend's C++ sizes its XNNPACK
 * thread pool at static-init time as emscripten_num_logical_cores() / 2 (it assumes two hardware
 * threads per core), and caps setThreadsCount() by that, so on a 2-core machine it would always
 * run one thread; emscripten_num_logical_cores() is os.cpus().length under Node. Only init sees
 * the adjusted count; os.cpus is restored as soon as it settles.
 */
export async function withLogicalCores<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const real = os.cpus;
  const first = real()[0];
  os.cpus = () => Array.from({ length: 2 * threads }, () => ({ ...first }));
  try {
    return await init();
  } finally {
    os.cpus = real;
  }
}
