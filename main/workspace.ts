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
import { QueueService, registerQueues } from './queues';
import { Store } from './store/store';
import { SqliteQueueStore } from './store/sqlite-queue-store';
import { NotebookService, registerNotebooks } from './notebooks';
import { Dispatcher } from './rpc/dispatcher';
import { EventHub } from './rpc/event-hub';
import { t } from './rpc/schema';
import { appVersion } from './paths';

export interface WorkspaceOptions {
  /** Where the database, imported packs and attendee notebooks live. Created if missing. */
  workspaceDir: string;
  /** The built-in lab packs (the repository's labs/). */
  labsDir: string;
  mode: AppMode;
  openExternal?: (url: string) => Promise<void>;
  log?: (message: string) => void;
}

export interface Workspace {
  dispatcher: Dispatcher;
  settings: SettingsService;
  /** The workspace database (lab.db). */
  store: Store;
  queues: QueueService;
  packs: PacksService;
  notebooks: NotebookService;
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

  const notebooks = new NotebookService({
    workspaceDir: options.workspaceDir,
    packs: [
      { dir: options.labsDir, trusted: true },
      { dir: join(options.workspaceDir, 'packs'), trusted: false },
    ],
    autosaveSeconds: () => settings.snapshot()['notebook.autosaveSeconds'],
    emit: (event) => dispatcher.emit('notebooks', 'onDidChange', event),
    log,
  });
  registerNotebooks(dispatcher, notebooks);

  const store = Store.open(join(options.workspaceDir, 'lab.db'));
  const queues = new QueueService(new SqliteQueueStore(store), { onChange: (queueId) => dispatcher.emit('queues', 'onDidChange', { queueId }) });
  registerQueues(dispatcher, queues);

  return {
    dispatcher,
    settings,
    store,
    queues,
    packs,
    notebooks,
    async dispose() {
      // services with resources (kernels, the store) are closed here, in reverse order of creation
      await notebooks.dispose();
      await queues.idle();
      store.close();
    },
  };
}
