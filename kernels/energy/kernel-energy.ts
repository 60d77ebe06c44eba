/**
 * What the kernel needs from energy accounting, in one object: a span around each cell whose
 * report goes into execute_reply metadata and the running totals, and the `lab.energy` object
 * cells call. Blocks measured with `lab.energy.measure` sit inside a cell, so they are not added
 * to the totals again.
 */
import { GRID_REGIONS, type GridRegion } from './carbon';
import { EnergyLedger, type LedgerKeys } from './ledger';
import { EnergyMeter, type EnergyMeterOptions, type EnergySettings, type EnergySpan } from './meter';
import type { EnergyReport, EnergySourcesStatus, EnergyTotals } from './types';

/** The key of the energy report in execute_reply metadata. */
export const ENERGY_METADATA_KEY = 'energy';

/**
 * The compact form of a report for a cell's run stats (main/api/notebooks.ts RunEnergy, which
 * this matches field for field) and the footer that shows it.
 */
export function runEnergyOf(report: EnergyReport): { joules: number; source: 'measured' | 'estimated'; co2eGrams: number; short: string; text: string } {
  return { joules: report.energy.joules, source: report.energy.source, co2eGrams: report.carbon.grams, short: report.short, text: report.text };
}

/** A block's value together with what it cost. */
export type MeasuredBlock<T> = EnergyReport & { result: T };

/** `lab.energy` as cells see it. */
export interface LabEnergyApi {
  /** Runs `fn` (sync or async) and returns its result with its time, energy and carbon. */
  measure<T>(fn: () => T | Promise<T>): Promise<MeasuredBlock<T>>;
  /** Starts measuring by hand (e.g. one epoch of a training loop); `stop()` returns the report. */
  start(): { stop(): Promise<EnergyReport> };
  /** Totals of the cells run so far in this notebook session and in this lab. */
  totals(): { session: EnergyTotals; lab: EnergyTotals | null };
  /** What is measured and what is estimated on this machine, and why. */
  sources(): EnergySourcesStatus;
  /** g CO2e per kWh in use. */
  readonly gridIntensity: number;
  readonly regions: readonly GridRegion[];
}

export class KernelEnergy {
  readonly ledger = new EnergyLedger();

  private constructor(
    readonly meter: EnergyMeter,
    private keys: Required<Pick<LedgerKeys, 'session'>> & LedgerKeys,
  ) {}

  static async create(keys: { session: string; lab?: string }, options: EnergyMeterOptions = {}): Promise<KernelEnergy> {
    return new KernelEnergy(await EnergyMeter.create(options), keys);
  }

  /** Synchronous, for a kernel's start-up: nvidia-smi is probed in the background. */
  static open(keys: { session: string; lab?: string }, options: EnergyMeterOptions = {}): KernelEnergy {
    return new KernelEnergy(EnergyMeter.open(options), keys);
  }

  /**
   * Settings and keys from the environment main starts the kernel with: MLSYS_LAB_GRID_INTENSITY,
   * MLSYS_LAB_CPU_WATTS_PER_CORE (empty for the table), MLSYS_LAB_LAB_ID. A malformed value is
   * reported through `log` and the default kept, so energy accounting never stops a kernel.
   */
  static fromEnv(env: NodeJS.ProcessEnv, log: (message: string) => void = () => {}): KernelEnergy {
    const k = KernelEnergy.open({ session: `kernel-${process.pid}-${Date.now()}`, lab: env.MLSYS_LAB_LAB_ID || undefined });
    const settings: Partial<EnergySettings> = {};
    if (env.MLSYS_LAB_GRID_INTENSITY) settings.gridIntensity = Number(env.MLSYS_LAB_GRID_INTENSITY);
    if (env.MLSYS_LAB_CPU_WATTS_PER_CORE) settings.cpuWattsPerCore = Number(env.MLSYS_LAB_CPU_WATTS_PER_CORE);
    try {
      k.configure(settings);
    } catch (err) {
      log(`energy settings ignored: ${(err as Error).message}`);
    }
    return k;
  }

  /** The lab the notebook belongs to can be learnt after the kernel starts. */
  setLab(lab: string | undefined): void {
    this.keys = { ...this.keys, lab };
  }

  configure(settings: Partial<EnergySettings>): void {
    this.meter.configure(settings);
  }

  startCell(): EnergySpan {
    return this.meter.start();
  }

  /** Ends a cell's span, adds it to the session and lab totals, and returns the report. */
  async finishCell(span: EnergySpan): Promise<EnergyReport> {
    const report = await span.stop();
    this.ledger.add(report, this.keys);
    return report;
  }

  labApi(): LabEnergyApi {
    const meter = this.meter;
    return Object.freeze({
      async measure<T>(fn: () => T | Promise<T>): Promise<MeasuredBlock<T>> {
        if (typeof fn !== 'function') throw new TypeError(`lab.energy.measure needs a function to run, got ${fn === null ? 'null' : typeof fn}`);
        const { result, report } = await meter.measure(fn);
        return { ...report, result };
      },
      start: () => {
        const span = meter.start();
        return Object.freeze({ stop: () => span.stop() });
      },
      totals: () => ({
        session: this.ledger.session(this.keys.session),
        lab: this.keys.lab === undefined ? null : this.ledger.lab(this.keys.lab),
      }),
      sources: () => meter.status(),
      get gridIntensity() {
        return meter.gridIntensity;
      },
      regions: GRID_REGIONS,
    });
  }

  dispose(): void {
    this.meter.dispose();
  }
}
