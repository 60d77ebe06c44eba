/**
 * The one contract between the UI and the workspace services.
 *
 * Every call is `group.method(...args): Promise<T>`; every event is a subscription named
 * `onDid...` that returns a {@link Disposable}. The renderer imports this file with `import type`
 * only: both transports (Electron IPC through the preload bridge, WebSocket in browser mode) build
 * the same typed proxy from a method name, so nothing here is runtime code.
 *
 * Each group lives in main/api/<group>.ts so that a concern can grow without touching the others.
 */
import type { AppApi } from './api/app';
import type { LibraryApi } from './api/library';
import type { NotebooksApi } from './api/notebooks';
import type { KernelsApi } from './api/kernels';
import type { DatasetsApi } from './api/datasets';
import type { QueuesApi } from './api/queues';
import type { PacksApi } from './api/packs';
import type { SettingsApi } from './api/settings';

export type * from './api/app';
export type * from './api/library';
export type * from './api/notebooks';
export type * from './api/kernels';
export type * from './api/datasets';
export type * from './api/queues';
export type * from './api/packs';
export type * from './api/settings';
export type * from './api/common';

export interface LabApi {
  app: AppApi;
  library: LibraryApi;
  notebooks: NotebooksApi;
  kernels: KernelsApi;
  datasets: DatasetsApi;
  queues: QueuesApi;
  packs: PacksApi;
  settings: SettingsApi;
}

export type ApiGroup = keyof LabApi;
export type * from './api/wire';
