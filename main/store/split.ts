import { shuffledIndices } from '../queues/strategies/seeded-random';

/** Indices 0..n-1 shuffled with a seed, then cut: the last `testFraction` is the test set. Same seed, same split, on every machine. */
export function seededSplit(n: number, testFraction: number, seed: number): { train: Int32Array; test: Int32Array } {
  const order = shuffledIndices(n, seed);
  const nTest = Math.round(n * testFraction);
  return { train: order.subarray(0, n - nTest), test: order.subarray(n - nTest) };
}
