/**
 * The composition root: constructs every service once, wires their dependencies through
 * constructors and registers them on one Dispatcher. Both shells (Electron and browser mode),
 * the CLI and the tests build the workspace here, so they all run the same services. Each
 * concern's `register...` function (next to its service) maps the API group onto it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppMode } from './api/app';
import { AppService } from './app/app-service';
import { KernelManager, LabRequestRouter, registerKernels, type KernelLauncher } from './kernels';
import { LibraryService } from './library/library-service';
import { kernelFactory, NotebookService, registerNotebooks } from './notebooks';
import { createPacksService, registerPacks } from './packs/register';
import type { PacksService } from './packs/packs-service';
import { packOfNotebook, trustGatedKernels } from './packs/trust-gate';
import { packDatasetImporter, storeEnvironment, storeProgressSource } from './packs/store-adapters';
import { ProgressRecorder } from './packs/progress-recorder';
import { registerLabSeeds } from './packs/seed-requests';
import { appVersion } from './paths';
import { QueueService, registerLabQueues, registerQueues } from './queues';
import { Dispatcher } from './rpc/dispatcher';
import { EventHub } from './rpc/event-hub';
import { t } from './rpc/schema';
import { SettingsService } from './settings/settings-service';
import { createLabDataHandlers, DatasetService, DEFAULT_SPLIT_SEED, lazySqliteQueueStore, registerDatasets } from './store';
import type { Store } from './store/store';

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
  /** False for a headless run (pack check): nobody can label, so cells waiting for people are answered at once. */
  interactive?: boolean;
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

  const settings = new SettingsService(join(options.workspaceDir, 'settings.json'), (s) => dispatcher.emit('settings', 'onDidChange', s));
  dispatcher.register(
    'settings',
    {
      get: { args: [], run: () => settings.get() },
      update: {
        args: [
          t.object({
            'kernel.backend': t.optional(t.literal('auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu')),
            'kernel.wasmThreads': t.optional(t.number({ min: 1, max: 8 })),
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

  const packs = createPacksService({
    workspaceDir: options.workspaceDir,
    labsDir: options.labsDir,
    log,
    onDidChange: () => dispatcher.emit('library', 'onDidChange', undefined),
    onDidImport: (result) => dispatcher.emit('packs', 'onDidImport', result),
    // `datasets` is built below; these run only on calls, after the workspace is complete
    importDatasets: (dir, manifest, previous) => packDatasetImporter(datasets)(dir, manifest, previous),
    progress: storeProgressSource(() => datasets.store),
    // a hand-in's backend, device, seeds and energy method: where the lab's cells last ran
    environment: storeEnvironment(() => datasets.store),
  });
  // check results, time spent and the lab's environment, recorded as the attendee works
  const progress = new ProgressRecorder({
    workspaceDir: options.workspaceDir,
    store: () => datasets.store,
    onDidRecordChecks: () => dispatcher.emit('library', 'onDidChange', undefined),
    log,
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


  // lab.db opens on first use, so a corrupt database leaves the rest of the app working
  const datasets = new DatasetService({
    file: join(options.workspaceDir, 'lab.db'),
    onDidChange: (list) => dispatcher.emit('datasets', 'onDidChange', list),
    onDidImportProgress: (p) => dispatcher.emit('datasets', 'onDidImportProgress', p),
  });
  registerDatasets(dispatcher, datasets);

  // one connection to lab.db, shared: main is the database's only writer
  const queues = new QueueService(lazySqliteQueueStore(() => datasets.store), {
    onChange: (queueId) => dispatcher.emit('queues', 'onDidChange', { queueId }),
    interactive: options.interactive,
  });
  registerQueues(dispatcher, queues);

  const labRequests = new LabRequestRouter();
  for (const [method, handler] of Object.entries(createLabDataHandlers(datasets))) {
    labRequests.register(method, (args, context) => {
      if (method === 'datasets.load') {
        const seed = (args[1] as { seed?: unknown } | undefined)?.seed;
        progress.seedUsed(context.notebook, `datasets.load(${JSON.stringify(args[0])})`, typeof seed === 'number' ? seed : DEFAULT_SPLIT_SEED);
      }
      return (handler as (...a: unknown[]) => unknown)(...args);
    });
  }
  // lab.seed in cells: a named seed joins the lab's reproducibility record
  registerLabSeeds(labRequests, progress);
  // lab.queues in cells: open a queue, publish scores, read labels, retrain when it asks (long polls)
  registerLabQueues(labRequests, queues);
  const kernels = new KernelManager({
    launcher: options.kernelLauncher,
    backend: () => settings.snapshot()['kernel.backend'],
    wasmThreads: () => settings.snapshot()['kernel.wasmThreads'],
    energy: () => ({ gridIntensity: settings.snapshot()['energy.gridIntensity'], cpuWattsPerCore: settings.snapshot()['energy.cpuWattsPerCore'] }),
    labRequests,
    log,
  });
  registerKernels(dispatcher, kernels);

  const notebooks = new NotebookService({
    workspaceDir: options.workspaceDir,
    packs: [
      { dir: options.labsDir, trusted: true },
      { dir: join(options.workspaceDir, 'packs'), trusted: false },
    ],
    autosaveSeconds: () => settings.snapshot()['notebook.autosaveSeconds'],
    emit: (event) => dispatcher.emit('notebooks', 'onDidChange', event),
    // restricted mode: a notebook of an untrusted pack gets no kernel, so none of its cells run
    // a pack's notebooks run in the attendee's copy of the pack (notebooks/<id>/, data files
    // included), so `data/...` paths work as in `pack check`, which runs them in the pack's root
    kernels: trustGatedKernels(
      kernelFactory(kernels, options.workspaceDir, (nb) => {
        const id = packOfNotebook(nb);
        return id ? join(options.workspaceDir, 'notebooks', id) : null;
      }),
      packs,
    ),
    // every cell run goes to the runs table with its time and energy (and whether that was measured)
    onActivity: (notebook, action) => progress.notebookActivity(notebook, action),
    onCellRun: (run) => {
      const { notebook, cellId, stats } = run;
      progress.cellRun(run, kernels.list().find((k) => k.notebook === join(options.workspaceDir, notebook))?.backend);
      try {
        const runs = datasets.store.runs;
        const id = runs.start({ kind: 'cell', notebook, cellId, backend: stats.backend, labId: packOfNotebook(notebook) ?? undefined });
        const energy = stats.energy;
        runs.end(id, { status: stats.ok ? 'ok' : 'error', wallMs: stats.wallMs, cpuMs: stats.cpuMs, energyJ: energy?.joules, co2eG: energy?.co2eGrams, energySource: energy?.source });
      } catch (err) {
        log(`could not record the run of cell ${cellId} of ${notebook}: ${(err as Error).message}`);
      }
    },
    log,
  });
  registerNotebooks(dispatcher, notebooks);

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
      // in reverse order of creation: kernels first (they may still ask for data), the database last
      queues.dispose();
      await kernels.dispose();
      await notebooks.dispose();
      await queues.idle();
      datasets.close();
    },
  };
}
