/**
 * Records a lab's progress as the attendee works in the app: check results (the `lab.check`
 * calls of cells tagged `check`) into lab_progress, when the lab was opened and the time spent
 * in it, and where its cells ran (for a hand-in's reproducibility record). Everything is keyed
 * by pack id, the `<id>` of the attendee's copy `notebooks/<id>/...`, so it survives reinstalling
 * or upgrading the pack. Notebooks outside a pack are not a lab and record nothing here.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { CheckResult } from '../api/kernels';
import type { CellRunStats } from '../api/notebooks';
import { CHECK_TAG } from './check-cells';
import { packOfNotebook } from './trust-gate';

/** The parts of the store (main/store: runs, activity) this needs; getters, as the store opens on first use. */
export interface ProgressStorePort {
  runs: { recordCheck(result: { labId: string; checkId: string; status: 'passed' | 'failed'; message?: string }): void };
  activity: {
    opened(labId: string, at?: number): void;
    touched(labId: string, at?: number, busyMs?: number): void;
    recordEnvironment(labId: string, env: { backend?: string; device?: string; packages?: Record<string, string>; seeds?: Record<string, number>; energyMethod?: string }): void;
  };
}

/** What the kernel that ran a cell reported about itself (KernelStatus['backend']). */
export interface KernelReport {
  name: string;
  device: string;
  versions: Record<string, string>;
}

export interface ProgressRecorderOptions {
  workspaceDir: string;
  store: () => ProgressStorePort;
  /** Told after check results of a lab were recorded, so the library can show them. */
  onDidRecordChecks?: (packId: string) => void;
  log?: (message: string) => void;
  now?: () => number;
}

export interface CellRunForProgress {
  notebook: string;
  stats: CellRunStats;
  tags: string[];
  checks: CheckResult[];
}

/**
 * Edits arrive many times a minute while the attendee types, and each write to the store is a
 * synced transaction: an edit this soon after the lab's last recorded action is not written. No
 * time is lost by it, as the next recorded action counts the whole gap since the last one.
 */
export const EDIT_COALESCE_MS = 30_000;

export class ProgressRecorder {
  private readonly now: () => number;
  private readonly lastWrite = new Map<string, number>();

  constructor(private readonly options: ProgressRecorderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The pack a notebook belongs to, from its workspace handle or (as kernels know it) its absolute path. */
  packOf(notebook: string): string | null {
    const handle = isAbsolute(notebook) ? relative(this.options.workspaceDir, notebook).split(sep).join('/') : notebook;
    return packOfNotebook(handle);
  }

  /** Opening a notebook marks the lab opened; every action counts towards time spent. */
  notebookActivity(notebook: string, action: 'open' | 'edit' | 'run' | 'close'): void {
    const packId = this.packOf(notebook);
    if (!packId) return;
    const now = this.now();
    if (action === 'edit' && now - (this.lastWrite.get(packId) ?? -Infinity) < EDIT_COALESCE_MS) return;
    this.lastWrite.set(packId, now);
    this.guard(`${action} of ${notebook}`, () => {
      const activity = this.options.store().activity;
      if (action === 'open') activity.opened(packId, now);
      else activity.touched(packId, now);
    });
  }

  /**
   * A cell run ended: its time counts (all of it, however long), a check cell's results become
   * the lab's latest results by check name, and the kernel it ran on is remembered.
   */
  cellRun(run: CellRunForProgress, kernel?: KernelReport | null): void {
    const packId = this.packOf(run.notebook);
    if (!packId) return;
    let recorded = false;
    this.guard(`the run of a cell of ${run.notebook}`, () => {
      const store = this.options.store();
      const now = this.now();
      this.lastWrite.set(packId, now);
      store.activity.touched(packId, now, run.stats.wallMs);
      // a lab's checks are the lab.check calls of its `check` cells; one the attendee adds elsewhere is theirs, not the lab's
      if (run.tags.includes(CHECK_TAG)) {
        for (const c of run.checks) {
          store.runs.recordCheck({ labId: packId, checkId: c.name, status: c.passed ? 'passed' : 'failed', message: c.detail });
          recorded = true;
        }
      }
      const backend = kernel?.name ?? run.stats.backend;
      store.activity.recordEnvironment(packId, {
        ...(backend ? { backend } : {}),
        ...(kernel ? { device: kernel.device, packages: kernel.versions } : {}),
        ...(run.stats.energy?.method ? { energyMethod: run.stats.energy.method } : {}),
      });
    });
    if (recorded) this.options.onDidRecordChecks?.(packId);
  }

  /** A cell of the lab loaded a dataset split with this seed. */
  seedUsed(notebook: string, what: string, seed: number): void {
    const packId = this.packOf(notebook);
    if (!packId) return;
    this.guard(`the seed of ${what}`, () => this.options.store().activity.recordEnvironment(packId, { seeds: { [what]: seed } }));
  }

  private guard(what: string, record: () => void): void {
    try {
      record();
    } catch (err) {
      // a full or broken database must not stop the notebook: say so and carry on
      this.options.log?.(`could not record ${what}: ${(err as Error).message}`);
    }
  }
}
