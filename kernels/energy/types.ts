/**
 * Plain-data shapes of energy figures. They cross process boundaries as JSON (execute_reply
 * metadata, the store, the cell footer), so they hold numbers and strings only.
 *
 * Every figure carries its source. A figure is built only by `measuredEnergy` or
 * `estimatedEnergy` (figure.ts), a total is `measured` only when every part is, and the text a
 * UI shows is written by formatReport, which marks every estimate with "≈" and "estimated".
 */

export type EnergySource = 'measured' | 'estimated';

export type EnergyComponent = 'cpu' | 'gpu';

/**
 * Whose energy a figure counts: 'machine' for a hardware counter or sensor (the whole CPU
 * package or GPU board, every process on it), 'process' for an estimate from this kernel's own
 * CPU time.
 */
export type EnergyScope = 'machine' | 'process';

interface ComponentEnergyBase {
  component: EnergyComponent;
  joules: number;
  /** How the figure was obtained, in words: "RAPL package-0 + package-1", "nvidia-smi power.draw, 2 GPUs, 14 samples". */
  method: string;
  scope: EnergyScope;
  /** Caveats worth showing next to the figure (an unobserved counter wrap, extrapolated GPU power). */
  warnings: string[];
}

export interface MeasuredComponentEnergy extends ComponentEnergyBase {
  source: 'measured';
}

export interface EstimatedComponentEnergy extends ComponentEnergyBase {
  source: 'estimated';
  /** What the estimate rests on, e.g. "12 W per busy core (table: AMD EPYC)". Required: an estimate always says its basis. */
  basis: string;
}

export type ComponentEnergy = MeasuredComponentEnergy | EstimatedComponentEnergy;

/** A sum of component figures: 'measured' only when every part is measured. */
export interface EnergyTotal {
  joules: number;
  source: EnergySource;
}

export interface CarbonFigure {
  /** g CO2e = joules / 3.6e6 × gridIntensity. */
  grams: number;
  /** The source of the energy it was computed from; grid intensity is always an average. */
  source: EnergySource;
  /** g CO2e per kWh used. */
  gridIntensity: number;
}

/** What one cell, one `lab.energy.measure` block, or one training run cost. */
export interface EnergyReport {
  /** Wall-clock start and end, ms since the epoch (for the store's runs table). */
  startedAt: number;
  endedAt: number;
  wallSeconds: number;
  /** User + system CPU time of the kernel process (all its threads). */
  cpuSeconds: number;
  components: ComponentEnergy[];
  energy: EnergyTotal;
  carbon: CarbonFigure;
  /** The whole story in one line, written by formatReport: estimates say so. */
  text: string;
  /** Energy and carbon only, for a cell footer: "35.1 J · 4.68 mg CO2e", or "≈11.8 J est. · ≈1.57 mg CO2e". */
  short: string;
}

/** Running totals over many reports (a notebook session, a lab). */
export interface EnergyTotals {
  /** How many reports were added. */
  count: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** Joules by source, kept apart so a total never hides how much of it is estimated. */
  measuredJoules: number;
  estimatedJoules: number;
  energy: EnergyTotal;
  carbon: CarbonFigure;
  text: string;
}

/** What the meter can measure on this machine, and why not where it cannot. */
export interface EnergySourcesStatus {
  cpu: { source: EnergySource; method: string; reason?: string };
  gpu: { source: 'measured' | 'none'; method: string; reason?: string };
}
