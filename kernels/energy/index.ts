/**
 * Energy and carbon accounting for the kernel: what a cell, a `lab.energy.measure` block or a
 * training run cost, measured where the hardware allows and estimated (and labelled so) where it
 * does not. Runs inside the kernel process; imports nothing of main/.
 */
export { EnergyMeter, EnergySpan, type EnergyMeterOptions, type EnergySettings } from './meter';
export { EnergyLedger, type LedgerKeys } from './ledger';
export { DEFAULT_GRID_INTENSITY, GRID_REGIONS, gridRegion, carbonGrams, type GridRegion } from './carbon';
export { CPU_POWER_TABLE, DEFAULT_WATTS_PER_CORE, cpuPower, cpuModelName, type CpuPower } from './cpu-power';
export { formatEnergy, formatCarbon, formatJoules, formatGrams } from './figure';
export type * from './types';
export { KernelEnergy, ENERGY_METADATA_KEY, runEnergyOf, type LabEnergyApi, type MeasuredBlock } from './kernel-energy';
