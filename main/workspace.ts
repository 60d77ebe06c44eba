/**
 * The composition root: constructs every service once, wires their dependencies through
 * constructors and registers them on one Dispatcher. Both shells (Electron and browser mode),
 * the CLI and the tests build the workspace here, so they all run the same services.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppMode } from './api/app';
import { AppService } from './app/app-service';
import { LibraryService } from './library/library-service';
import { SettingsService } from './settings/settings-service';
import { Dispatcher } from './rpc/dispatcher';
import { EventHub } from './rpc/event-hub';
import { t } from './rpc/schema';
import { appVersion } from './paths';
import { KernelManager, LabRequestRouter, type KernelLauncher } from './kernels';

export interface WorkspaceOptions {
  /** Where the database, imported packs and attendee notebooks live. Created if missing. */
  workspaceDir: string;
  /** The built-in lab packs (the repository's labs/). */
  labsDir: string;
  mode: AppMode;
  openExternal?: (url: string) => Promise<void>;
  log?: (message: string) => void;
  /** How kernels are started; default child_process.fork (the Electron shell passes utilityProcess). */
  kernelLauncher?: KernelLauncher;
}

export interface Workspace {
  dispatcher: Dispatcher;
  settings: SettingsService;
  kernels: KernelManager;
  /** Where services register the handlers for `lab.request(method, ...)` calls from cells. */
  labRequests: LabRequestRouter;
  dispose(): Promise<void>;
}

export function createWorkspace(options: WorkspaceOptions): Workspace {
  mkdirSync(options.workspaceDir, { recursive: true });
  const log = options.log ?? ((m: string) => console.error(`[mlsys-lab] ${m}`));
  const hub = new EventHub(log);
  const dispatcher = new Dispatcher(hub, log);

  const app = new AppService({ version: appVersion(), mode: options.mode, workspaceDir: options.workspaceDir, openExternal: options.openExternal });
  dispatcher.register(
    'app',
    {
      info: { args: [], run: () => app.info() },
      openExternal: { args: [t.string({ maxLength: 4096 })], run: (url) => app.openExternal(url) },
    },
    ['onDidNotify'],
  );

  const library = new LibraryService([
    { dir: options.labsDir, source: 'builtin' },
    { dir: join(options.workspaceDir, 'packs'), source: 'imported' },
  ]);
  dispatcher.register('library', { list: { args: [], run: () => library.list() } }, ['onDidChange']);

  const settings = new SettingsService(join(options.workspaceDir, 'settings.json'), (s) => dispatcher.emit('settings', 'onDidChange', s));
  dispatcher.register(
    'settings',
    {
      get: { args: [], run: () => settings.get() },
      update: {
        args: [
          t.object({
            'kernel.backend': t.optional(t.literal('auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu')),
            'energy.gridIntensity': t.optional(t.number({ min: 0, max: 2000 })),
            'energy.cpuWattsPerCore': t.optional(t.nullable(t.number({ min: 0, max: 500 }))),
            'notebook.autosaveSeconds': t.optional(t.number({ min: 0, max: 3600 })),
          }),
        ],
        run: (changes) => settings.update(changes),
      },
    },
    ['onDidChange'],
  );

  const labRequests = new LabRequestRouter();
  const kernels = new KernelManager({ launcher: options.kernelLauncher, backend: () => settings.snapshot()['kernel.backend'], labRequests, log });
  kernels.onStatus((info) => dispatcher.emit('kernels', 'onDidChangeStatus', info));
  kernels.onOutput((e) => dispatcher.emit('kernels', 'onDidOutput', e));
  kernels.onReply((e) => dispatcher.emit('kernels', 'onDidReply', e));
  const kernelId = t.string({ minLength: 1, maxLength: 100 });
  dispatcher.register(
    'kernels',
    {
      start: { args: [t.object({ notebook: t.string({ minLength: 1, maxLength: 4096 }), cwd: t.optional(t.string({ maxLength: 4096 })) })], run: (o) => kernels.start(o) },
      list: { args: [], run: async () => kernels.list() },
      status: { args: [kernelId], run: async (id) => kernels.session(id).status() },
      execute: {
        args: [kernelId, t.string({ maxLength: 1_000_000 }), t.optional(t.object({ stopOnError: t.optional(t.boolean()), silent: t.optional(t.boolean()) }))],
        run: async (id, code, o) => ({ msgId: kernels.session(id).execute(code, o).msgId }),
      },
      interrupt: { args: [kernelId], run: async (id) => void (await kernels.session(id).interrupt()) },
      restart: { args: [kernelId], run: (id) => kernels.session(id).restart() },
      shutdown: { args: [kernelId], run: (id) => kernels.shutdown(id) },
      complete: { args: [kernelId, t.string({ maxLength: 1_000_000 }), t.number({ min: 0, integer: true })], run: (id, code, pos) => kernels.session(id).complete(code, pos) },
      inspectVariables: { args: [kernelId], run: (id) => kernels.session(id).inspectVariables() },
    },
    ['onDidChangeStatus', 'onDidOutput', 'onDidReply'],
  );

  return {
    dispatcher,
    settings,
    kernels,
    labRequests,
    async dispose() {
      // services with resources (kernels, the store) are closed here, in reverse order of creation
      await kernels.dispose();
    },
  };
}
