/**
 * The hook through which the energy meter (kernels/energy/) measures each cell: it starts when
 * a cell starts, and its report, which may take an event-loop turn to complete (GPU samples
 * queued while the cell blocked the thread), goes into execute_reply's `metrics.energy`.
 */
import type { EnergyReport } from '../energy/types';

export interface CellMeter {
  /** Called as a cell starts; the returned function is called as it ends and gives the report. */
  start(): () => Promise<EnergyReport>;
}

let registered: CellMeter | undefined;

/** Registers the meter for every later cell; returns a function that removes it. */
export function registerCellMeter(meter: CellMeter): () => void {
  registered = meter;
  return () => {
    if (registered === meter) registered = undefined;
  };
}

/** Starts the meter; the returned function stops it (undefined without a meter, or when it fails). */
export function runCellMeters(): () => Promise<EnergyReport | undefined> {
  const stop = registered?.start();
  return async () => {
    try {
      return await stop?.();
    } catch {
      return undefined; // a meter must never fail a cell
    }
  };
}
