/**
 * The hook through which cell meters (the energy meter in kernels/energy/) add figures to each
 * execute_reply. A meter starts when a cell starts and returns its figures when the cell ends;
 * the kernel puts the merged figures in `metrics.energy`.
 */
export interface CellMeter {
  /** Called as a cell starts; the returned function is called as it ends and gives the figures. */
  start(): () => Record<string, number>;
}

const meters = new Set<CellMeter>();

/** Registers a meter for every later cell; returns a function that removes it. */
export function registerCellMeter(meter: CellMeter): () => void {
  meters.add(meter);
  return () => meters.delete(meter);
}

/** Starts every meter; the returned function stops them and merges their figures (undefined without meters). */
export function runCellMeters(): () => Record<string, number> | undefined {
  if (meters.size === 0) return () => undefined;
  const stops = [...meters].map((m) => m.start());
  return () => Object.assign({}, ...stops.map((stop) => stop()));
}
