/**
 * Where packs meet the store: a pack's datasets are imported into SQLite after the pack is
 * installed, and a lab's recorded check results, activity and environment come from the store's
 * lab_progress and lab_activity tables. The
 * ports are structural so that packs depend on what they use, not on the store's classes.
 */
import { basename, join } from 'node:path';
import type { PackDatasetResult } from '../api/packs';
import type { PackManifest } from './manifest';
import type { ReproducibilityRecord } from './submission';
import type { DatasetImporter, ProgressSource } from './packs-service';

/** The part of the datasets service a pack import needs. */
export interface DatasetImportPort {
  import(options: { path: string; format?: PackManifest['datasets'][number]['format']; name?: string }): Promise<{ dataset: { id: number; name: string }; imported: number }>;
}

/** The part of the store's run table that holds check results per lab. */
export interface CheckResultsPort {
  progress(labId: string): { checkId: string; status: 'passed' | 'failed' }[];
}

/**
 * Imports each dataset of a freshly installed pack. A dataset whose file is unchanged from the
 * previous version is not imported again (its labels stay with the existing dataset); a changed
 * one becomes a new dataset beside the old, so no label is ever dropped. One dataset failing does
 * not undo the pack: the result says which and why.
 */
export function packDatasetImporter(datasets: DatasetImportPort): DatasetImporter {
  return async (packDir, manifest, previous) => {
    const results: PackDatasetResult[] = [];
    for (const ds of manifest.datasets) {
      const unchanged =
        previous?.datasets.some((p) => p.path === ds.path) &&
        (ds.format === 'images'
          ? Object.keys(manifest.files)
              .filter((f) => f.startsWith(`${ds.path}/`))
              .every((f) => previous.files[f] === manifest.files[f])
          : previous.files[ds.path] === manifest.files[ds.path]);
      if (unchanged) {
        results.push({ path: ds.path, status: 'unchanged', datasetId: null, name: null, samples: 0, problem: null });
        continue;
      }
      const name = ds.name ?? `${manifest.id}-${basename(ds.path).replace(/\.(gz)$/i, '').replace(/\.[^.]+$/, '')}`;
      try {
        const report = await datasets.import({ path: join(packDir, ...ds.path.split('/')), format: ds.format, name });
        results.push({ path: ds.path, status: 'imported', datasetId: report.dataset.id, name: report.dataset.name, samples: report.imported, problem: null });
      } catch (err) {
        results.push({ path: ds.path, status: 'failed', datasetId: null, name: null, samples: 0, problem: (err as Error).message });
      }
    }
    return results;
  };
}

/** The part of the store's activity table (lab_activity) that the library and a hand-in read. */
export interface ActivityPort {
  get(labId: string): { lastOpenedAt: number | null; activeMs: number };
  environment(labId: string): { backend?: string; device?: string; packages?: Record<string, string>; seeds?: Record<string, number>; energyMethod?: string };
}

/** Check results and activity from the store; `store` is a getter because the store opens on first use. */
export function storeProgressSource(store: () => { runs: CheckResultsPort; activity: ActivityPort }): ProgressSource {
  return {
    checks: (packId) => {
      try {
        return store().runs.progress(packId);
      } catch {
        return []; // a store that cannot open reports its own error; the library still lists labs
      }
    },
    activity: (packId) => {
      try {
        const a = store().activity.get(packId);
        return { lastOpened: a.lastOpenedAt === null ? null : new Date(a.lastOpenedAt).toISOString(), timeSpentMs: Math.round(a.activeMs) };
      } catch {
        return { lastOpened: null, timeSpentMs: 0 };
      }
    },
  };
}

/**
 * The kernel's side of a hand-in's reproducibility record, as the lab's cells last ran: backend,
 * device and the versions the kernel reported, the seeds of its dataset splits, and how energy
 * was measured. Empty for a lab whose cells never ran here.
 */
export function storeEnvironment(store: () => { activity: ActivityPort }): (packId: string) => Promise<Partial<ReproducibilityRecord>> {
  return async (packId) => {
    let env: ReturnType<ActivityPort['environment']>;
    try {
      env = store().activity.environment(packId);
    } catch {
      return {};
    }
    return {
      backend: env.backend ?? null,
      device: env.device ?? null,
      kernel: env.packages ?? null,
      seeds: env.seeds ?? {},
      energyMethod: env.energyMethod ?? null,
    };
  };
}
