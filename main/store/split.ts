import { shuffledIndices } from '../queues/strategies/seeded-random';

/** The split's seed when a cell gives none (`lab.datasets.load(name)`). */
export const DEFAULT_SPLIT_SEED = 42;

/** Indices 0..n-1 shuffled with a seed, then cut: the last `testFraction` is the test set. Same seed, same split, on every machine. */
export function seededSplit(n: number, testFraction: number, seed: number): { train: Int32Array; test: Int32Array } {
  const order = shuffledIndices(n, seed);
  const nTest = Math.round(n * testFraction);
  return { train: order.subarray(0, n - nTest), test: order.subarray(n - nTest) };
}
