/** mulberry32: a small, fast seeded PRNG, so a split is the same on every machine for a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Indices 0..n-1 shuffled (Fisher-Yates) with a seed, then cut: the last `testFraction` is the test set. */
export function seededSplit(n: number, testFraction: number, seed: number): { train: Uint32Array; test: Uint32Array } {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rand = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const nTest = Math.round(n * testFraction);
  return { train: order.subarray(0, n - nTest), test: order.subarray(n - nTest) };
}
