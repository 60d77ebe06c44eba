/**
 * The kernel manager: one kernel (a KernelSession) per open notebook, events fanned out to
 * whoever listens (the API's onDid... events, the notebook service, the headless runner), and
 * every kernel process killed on dispose so none outlives the app.
 *
 * Typical use from another service:
 *
 *   const kernel = await manager.start({ notebook: '/path/lab.ipynb' });
 *   const run = manager.session(kernel.kernelId).execute('1 + 1');
 *   const off = manager.onOutput((e) => { if (e.msgId === run.msgId) ... });
 *   const reply = await run.done;  // { status, execution_count, metrics }
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Disposable } from '../api/common';
import type { KernelStatus, KernelOutputEvent, KernelReplyEvent, StartKernelOptions } from '../api/kernels';
import { ApiError } from '../rpc/errors';
import { appVersion, projectRoot } from '../paths';
import { nodeKernelLauncher, type KernelLauncher } from './kernel-launcher';
import { KernelSession } from './kernel-session';
import type { LabRequestRouter } from './lab-requests';

export interface KernelManagerOptions {
  /** How to start kernel processes; default child_process.fork (the Electron shell passes utilityProcess). */
  launcher?: KernelLauncher;
  /** The kernel entry; default out/main/kernel.js of this checkout or app. */
  entry?: string;
  /** The `kernel.backend` setting ('auto' or a backend name), read at each (re)start. */
  backend?: () => string;
  /** The `kernel.wasmThreads` setting, read at each (re)start. */
  wasmThreads?: () => number;
  /** The `energy.*` settings, read at each (re)start. */
  energy?: () => { gridIntensity: number; cpuWattsPerCore: number | null };
  labRequests?: LabRequestRouter;
  log?: (message: string) => void;
}

type Listener<T> = (event: T) => void;

class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  on(l: Listener<T>): Disposable {
    this.listeners.add(l);
    return { dispose: () => void this.listeners.delete(l) };
  }
  fire(event: T, log: (m: string) => void): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        log(`kernel event listener failed: ${(err as Error).stack ?? err}`);
      }
    }
  }
}

/** out/main/kernel.js, built by `npm run build` (npm test builds before it runs). */
export function defaultKernelEntry(): string {
  return join(projectRoot(), 'out', 'main', 'kernel.js');
}

export class KernelManager {
  private readonly sessions = new Map<string, KernelSession>();
  private readonly byNotebook = new Map<string, string>();
  private readonly status = new Emitter<KernelStatus>();
  private readonly outputs = new Emitter<KernelOutputEvent>();
  private readonly replies = new Emitter<KernelReplyEvent>();
  private readonly log: (m: string) => void;
  private disposed = false;

  constructor(private readonly options: KernelManagerOptions = {}) {
    this.log = options.log ?? ((m) => console.error(`[kernels] ${m}`));
  }

  onStatus(listener: Listener<KernelStatus>): Disposable {
    return this.status.on(listener);
  }

  onOutput(listener: Listener<KernelOutputEvent>): Disposable {
    return this.outputs.on(listener);
  }

  onReply(listener: Listener<KernelReplyEvent>): Disposable {
    return this.replies.on(listener);
  }

  /** Starts the notebook's kernel, or returns the one it has (restarting it when it died). */
  async start(options: StartKernelOptions): Promise<KernelStatus> {
    if (this.disposed) throw new ApiError('E_DISPOSED', 'The workspace is closing; no kernel can start.');
    const existing = this.byNotebook.get(options.notebook);
    if (existing) {
      const session = this.sessions.get(existing)!;
      const state = session.status().state;
      return state === 'dead' || state === 'shutdown' ? session.restart() : session.start();
    }
    const entry = this.options.entry ?? defaultKernelEntry();
    if (!existsSync(entry)) throw new ApiError('E_KERNEL_MISSING', `The kernel is not built: ${entry} is missing. Run \`npm run build\` first.`);
    const kernelId = randomUUID();
    const cwd = options.cwd ?? (existsSync(options.notebook) ? dirname(options.notebook) : process.cwd());
    const session = new KernelSession({
      kernelId,
      notebook: options.notebook,
      cwd,
      entry,
      launcher: this.options.launcher ?? nodeKernelLauncher,
      env: () => this.kernelEnv(options.notebook),
      labRequests: this.options.labRequests,
      log: this.log,
      onStatus: (info) => this.status.fire(info, this.log),
      onOutput: (e) => this.outputs.fire(e, this.log),
      onReply: (e) => this.replies.fire(e, this.log),
    });
    this.sessions.set(kernelId, session);
    this.byNotebook.set(options.notebook, kernelId);
    try {
      return await session.start();
    } catch (err) {
      this.sessions.delete(kernelId);
      this.byNotebook.delete(options.notebook);
      await session.dispose();
      throw err;
    }
  }

  /** The session of a kernel, for execute/interrupt/restart/...; throws E_NO_KERNEL for an unknown id. */
  session(kernelId: string): KernelSession {
    const s = this.sessions.get(kernelId);
    if (!s) throw new ApiError('E_NO_KERNEL', `No kernel with id "${kernelId}" (it was shut down, or never started).`);
    return s;
  }

  list(): KernelStatus[] {
    return [...this.sessions.values()].map((s) => s.status());
  }

  async shutdown(kernelId: string): Promise<void> {
    const s = this.session(kernelId);
    await s.shutdown();
    this.sessions.delete(kernelId);
    for (const [nb, id] of this.byNotebook) if (id === kernelId) this.byNotebook.delete(nb);
  }

  /** Kills every kernel; harmless to call twice. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.byNotebook.clear();
    await Promise.all(all.map((s) => s.dispose()));
  }

  private kernelEnv(notebook: string): Record<string, string | undefined> {
    // a pack's notebook lives in notebooks/<pack id>/, so its folder names the lab its cells count towards
    const env: Record<string, string | undefined> = { ...process.env, MLSYS_LAB_VERSION: appVersion() };
    const folder = basename(dirname(notebook));
    if (folder && folder !== '.' && folder !== '/') env.MLSYS_LAB_LAB_ID = folder;
    const energy = this.options.energy?.();
    if (energy) {
      env.MLSYS_LAB_GRID_INTENSITY = String(energy.gridIntensity);
      env.MLSYS_LAB_CPU_WATTS_PER_CORE = energy.cpuWattsPerCore === null ? '' : String(energy.cpuWattsPerCore);
    }
    // the environment variable wins over the setting, as the settings document says
    const setting = this.options.backend?.();
    if (!process.env.MLSYS_LAB_BACKEND && setting && setting !== 'auto') env.MLSYS_LAB_BACKEND = setting;
    const threads = this.options.wasmThreads?.();
    if (!process.env.MLSYS_LAB_WASM_THREADS && threads !== undefined && threads !== 1) env.MLSYS_LAB_WASM_THREADS = String(threads);
    return env;
  }
}
