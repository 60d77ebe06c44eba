import type Database from 'better-sqlite3';

export interface NewRun {
  kind: 'training' | 'cell';
  name?: string;
  labId?: string;
  notebook?: string;
  cellId?: string;
  datasetId?: number;
  modelVersion?: string;
  backend?: string;
  device?: string;
  config?: unknown;
}

export interface RunEnd {
  status: 'ok' | 'error' | 'interrupted';
  wallMs?: number;
  cpuMs?: number;
  energyJ?: number;
  co2eG?: number;
  /** Required with energyJ: 'estimated' when any part of the figure was estimated. */
  energySource?: 'measured' | 'estimated';
  /** The figure by component with each source (kernels/energy EnergyReport['components']), stored as JSON. */
  energyDetail?: unknown;
}

export interface CheckResult {
  labId: string;
  checkId: string;
  status: 'passed' | 'failed';
  message?: string;
}

/**
 * Training runs and cell executions with their time and energy, their metrics by step, and the
 * checks passed per lab. The kernel and energy work write here through main.
 */
export class RunTable {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      start: db.prepare(
        `INSERT INTO runs (kind, name, lab_id, notebook, cell_id, dataset_id, model_version, backend, device, config, started_at)
         VALUES (@kind, @name, @labId, @notebook, @cellId, @datasetId, @modelVersion, @backend, @device, @config, @now)`,
      ),
      end: db.prepare(`UPDATE runs SET status = @status, ended_at = @now, wall_ms = @wallMs, cpu_ms = @cpuMs, energy_j = @energyJ, co2e_g = @co2eG, energy_source = @energySource, energy_detail = @energyDetail WHERE id = @id`),
      metric: db.prepare(`INSERT INTO metrics (run_id, name, step, value, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value, at = excluded.at`),
      metrics: db.prepare(`SELECT name, step, value FROM metrics WHERE run_id = ? ORDER BY name, step`),
      check: db.prepare(
        `INSERT INTO lab_progress (lab_id, check_id, status, message, at) VALUES (@labId, @checkId, @status, @message, @now)
         ON CONFLICT (lab_id, check_id) DO UPDATE SET status = excluded.status, message = excluded.message, at = excluded.at`,
      ),
      progress: db.prepare(`SELECT check_id AS checkId, status, message, at FROM lab_progress WHERE lab_id = ? ORDER BY check_id`),
    };
  }

  start(run: NewRun): number {
    const v = { name: null, labId: null, notebook: null, cellId: null, datasetId: null, modelVersion: null, backend: null, device: null, ...run };
    return Number(this.s.start.run({ ...v, config: run.config === undefined ? null : JSON.stringify(run.config), now: Date.now() }).lastInsertRowid);
  }

  end(runId: number, end: RunEnd): void {
    if (end.energyJ !== undefined && end.energySource === undefined) {
      throw new TypeError(`Run ${runId}: energyJ ${end.energyJ} needs energySource ('measured' or 'estimated')`);
    }
    const energyDetail = end.energyDetail === undefined ? null : JSON.stringify(end.energyDetail);
    this.s.end.run({ wallMs: null, cpuMs: null, energyJ: null, co2eG: null, energySource: null, ...end, energyDetail, id: runId, now: Date.now() });
  }

  metric(runId: number, name: string, step: number, value: number): void {
    this.s.metric.run(runId, name, step, value, Date.now());
  }

  metrics(runId: number): { name: string; step: number; value: number }[] {
    return this.s.metrics.all(runId) as { name: string; step: number; value: number }[];
  }

  recordCheck(result: CheckResult): void {
    this.s.check.run({ message: null, ...result, now: Date.now() });
  }

  progress(labId: string): { checkId: string; status: 'passed' | 'failed'; message: string | null; at: number }[] {
    return this.s.progress.all(labId) as { checkId: string; status: 'passed' | 'failed'; message: string | null; at: number }[];
  }
}
