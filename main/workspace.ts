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
import { createPacksService, registerPacks } from './packs/register';
import type { PacksService } from './packs/packs-service';
import { SettingsService } from './settings/settings-service';
import { NotebookService, registerNotebooks } from './notebooks';
import { QueueService, registerQueues } from './queues';
import { DatasetService, nameOrIndex } from './store';
import { lazySqliteQueueStore } from './store/sqlite-queue-store';
import type { Store } from './store/store';
import { Dispatcher } from './rpc/dispatcher';
import { EventHub } from './rpc/event-hub';
import { t } from './rpc/schema';
import { appVersion } from './paths';
import { KernelManager, LabRequestRouter, type KernelLauncher } from './kernels';
import { notebookKernelFactory } from './kernels/notebook-kernel';

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
  /** The store as services and the kernel host see it (lab data calls: createLabDataHandlers). */
  datasets: DatasetService;
  /** The workspace database (lab.db), the one connection every service shares. */
  store: Store;
  packs: PacksService;
  notebooks: NotebookService;
  queues: QueueService;
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

  const packs = createPacksService({
    workspaceDir: options.workspaceDir,
    labsDir: options.labsDir,
    log,
    onDidChange: () => dispatcher.emit('library', 'onDidChange', undefined),
    onDidImport: (result) => dispatcher.emit('packs', 'onDidImport', result),
  });
  registerPacks(dispatcher, packs);

  const library = new LibraryService(
    [
      { dir: options.labsDir, source: 'builtin' },
      { dir: join(options.workspaceDir, 'packs'), source: 'imported' },
    ],
    (dir, source) => packs.loadForLibrary(dir, source),
  );
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

  const notebooks = new NotebookService({
    workspaceDir: options.workspaceDir,
    packs: [
      { dir: options.labsDir, trusted: true },
      { dir: join(options.workspaceDir, 'packs'), trusted: false },
    ],
    autosaveSeconds: () => settings.snapshot()['notebook.autosaveSeconds'],
    kernels: notebookKernelFactory(kernels, (handle) => join(options.workspaceDir, handle)),
    emit: (event) => dispatcher.emit('notebooks', 'onDidChange', event),
    log,
  });
  registerNotebooks(dispatcher, notebooks);

  const datasets = new DatasetService({
    file: join(options.workspaceDir, 'lab.db'),
    onDidChange: (list) => dispatcher.emit('datasets', 'onDidChange', list),
    onDidImportProgress: (p) => dispatcher.emit('datasets', 'onDidImportProgress', p),
  });
  const id = t.number({ integer: true, min: 1 });
  dispatcher.register(
    'datasets',
    {
      list: { args: [], run: () => datasets.list() },
      get: { args: [id], run: (d) => datasets.get(d) },
      import: {
        args: [
          t.object({
            path: t.string({ minLength: 1, maxLength: 4096 }),
            format: t.optional(t.literal('auto', 'csv', 'tsv', 'json', 'jsonl', 'idx', 'images')),
            name: t.optional(t.string({ minLength: 1, maxLength: 200 })),
            labelColumn: t.optional(nameOrIndex()),
            header: t.optional(t.boolean()),
            labelsPath: t.optional(t.string({ minLength: 1, maxLength: 4096 })),
            classNames: t.optional(t.array(t.string({ maxLength: 200 }), { maxLength: 100_000 })),
            limit: t.optional(t.number({ integer: true, min: 1 })),
            importId: t.optional(t.string({ minLength: 1, maxLength: 100 })),
          }),
        ],
        run: (o) => datasets.import(o),
      },
      cancelImport: { args: [t.string({ minLength: 1, maxLength: 100 })], run: (i) => datasets.cancelImport(i) },
      samples: {
        args: [id, t.object({ offset: t.number({ integer: true, min: 0 }), limit: t.number({ integer: true, min: 1, max: 200 }) })],
        run: (d, page) => datasets.samples(d, page),
      },
      labelDistribution: { args: [id], run: (d) => datasets.labelDistribution(d) },
      appendLabel: {
        args: [
          t.object({
            sampleId: id,
            value: t.string({ minLength: 1, maxLength: 1000 }),
            source: t.optional(t.literal('annotator', 'cell', 'model')),
            annotator: t.optional(t.string({ minLength: 1, maxLength: 200 })),
            queueId: t.optional(id),
            modelVersion: t.optional(t.string({ maxLength: 200 })),
            durationMs: t.optional(t.number({ min: 0 })),
          }),
        ],
        run: (l) => datasets.appendLabel(l),
      },
      labelHistory: { args: [id], run: (s) => datasets.labelHistory(s) },
      export: { args: [id, t.object({ path: t.string({ minLength: 1, maxLength: 4096 }), format: t.literal('csv', 'jsonl') })], run: (d, o) => datasets.export(d, o) },
      delete: { args: [id], run: (d) => datasets.delete(d) },
    },
    ['onDidChange', 'onDidImportProgress'],
  );

  // one connection to lab.db, shared: main is the database's only writer
  const queues = new QueueService(lazySqliteQueueStore(() => datasets.store), { onChange: (queueId) => dispatcher.emit('queues', 'onDidChange', { queueId }) });
  registerQueues(dispatcher, queues);

  return {
    dispatcher,
    settings,
    datasets,
    get store() {
      return datasets.store;
    },
    packs,
    notebooks,
    queues,
    kernels,
    labRequests,
    async dispose() {
      // services with resources (kernels, the store) are closed here, in reverse order of creation
      await notebooks.dispose();
      await kernels.dispose();
      await queues.idle();
      datasets.close();
    },
  };
}
