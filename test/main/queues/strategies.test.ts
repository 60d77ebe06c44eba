import { describe, expect, it } from 'vitest';
import { entropy, kCenterGreedy, leastConfidence, margin, scoreSamples, seededRandom, shuffledIndices, topK } from '../../../main/queues/strategies';

const rows = (...r: number[][]): Float32Array => Float32Array.from(r.flat());

describe('uncertainty strategies', () => {
  it('score a uniform row 1 and a certain row 0, for every measure', () => {
    const p = rows([0.25, 0.25, 0.25, 0.25], [0, 1, 0, 0]);
    for (const f of [leastConfidence, margin, entropy]) {
      const s = f(p, 4);
      expect(s[0]).toBeCloseTo(1, 6);
      expect(s[1]).toBeCloseTo(0, 6);
    }
  });

  it('match hand-computed values for p = (0.5, 0.3, 0.2)', () => {
    const p = rows([0.5, 0.3, 0.2]);
    expect(leastConfidence(p, 3)[0]).toBeCloseTo((1 - 0.5) * 1.5, 6);
    expect(margin(p, 3)[0]).toBeCloseTo(1 - (0.5 - 0.3), 6);
    const h = -(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2)) / Math.log(3);
    expect(entropy(p, 3)[0]).toBeCloseTo(h, 6);
  });

  it('disagree where the survey says they do: margin looks only at the top two classes', () => {
    // Settles (2009) section 3.1: least confidence and margin ignore the tail that entropy sees.
    // A: a near-tie between two classes with a confident tail; B: one clear winner, spread tail.
    const p = rows([0.45, 0.45, 0.1, 0, 0], [0.5, 0.125, 0.125, 0.125, 0.125]);
    const m = margin(p, 5);
    const h = entropy(p, 5);
    expect(m[0]).toBeGreaterThan(m[1]);
    expect(h[1]).toBeGreaterThan(h[0]);
  });

  it('refuse probabilities whose length does not fit the class count, naming both', () => {
    expect(() => entropy(new Float32Array(7), 3)).toThrow(/7 values, not a multiple of numClasses 3/);
    expect(() => margin(new Float32Array(4), 1)).toThrow(/numClasses must be an integer >= 2/);
  });
});

describe('topK', () => {
  it('returns the highest scores first, skips excluded samples, and agrees with a full sort', () => {
    const rand = seededRandom(7);
    const scores = Float32Array.from({ length: 5000 }, () => rand());
    const exclude = new Uint8Array(5000);
    for (let i = 0; i < 5000; i += 3) exclude[i] = 1;
    const got = Array.from(topK(scores, 40, { exclude }));
    const want = Array.from(scores.keys())
      .filter((i) => !exclude[i])
      .sort((a, b) => scores[b] - scores[a] || a - b)
      .slice(0, 40);
    expect(got).toEqual(want);
  });

  it('returns everything there is when k exceeds the pool', () => {
    expect(Array.from(topK(Float32Array.from([0.1, 0.9, 0.5]), 10))).toEqual([1, 2, 0]);
  });
});

/** Eight tight clusters of 100 points in 2-D; cluster c is uncertain in proportion to 8 - c. */
function clusteredPool(): { embeddings: Float32Array; probabilities: Float32Array; cluster: (i: number) => number } {
  const rand = seededRandom(3);
  const n = 800;
  const embeddings = new Float32Array(n * 2);
  const probabilities = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / 100);
    embeddings[2 * i] = 10 * Math.cos(c) + rand() * 0.01;
    embeddings[2 * i + 1] = 10 * Math.sin(c) + rand() * 0.01;
    const p = 0.5 + 0.05 * c + rand() * 0.001; // cluster 0 is the most ambiguous
    probabilities[2 * i] = p;
    probabilities[2 * i + 1] = 1 - p;
  }
  return { embeddings, probabilities, cluster: (i) => Math.floor(i / 100) };
}

describe('k-center batch diversity', () => {
  it('spreads a batch of 32 over the uncertain clusters where plain entropy takes 32 near-duplicates', () => {
    const { embeddings, probabilities, cluster } = clusteredPool();
    const input = { count: 800, probabilities, numClasses: 2, embeddings, dim: 2, batchSize: 32, poolFactor: 10 };
    const byEntropy = topK(scoreSamples('entropy', input), 32);
    const byKCenter = topK(scoreSamples('k-center', input), 32);
    expect(new Set(Array.from(byEntropy, cluster)).size).toBe(1);
    // the 320 most uncertain samples lie in clusters 0-3; k-center visits all four
    expect(new Set(Array.from(byKCenter, cluster))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('never picks a labeled sample and starts far from the labeled ones', () => {
    const { embeddings, probabilities, cluster } = clusteredPool();
    const labeled = new Uint8Array(800);
    for (let i = 0; i < 100; i++) labeled[i] = 1; // all of cluster 0 is labeled
    const picked = topK(scoreSamples('k-center', { count: 800, probabilities, numClasses: 2, embeddings, dim: 2, labeled, batchSize: 8 }), 8);
    for (const i of picked) expect(labeled[i]).toBe(0);
    expect(cluster(picked[0])).not.toBe(0);
  });

  it('picks in farthest-first order on a line', () => {
    const e = Float32Array.from([0, 1, 2, 4, 10]);
    expect(Array.from(kCenterGreedy(e, 1, { centers: Int32Array.from([0]), count: 3 }))).toEqual([4, 3, 2]);
  });
});

describe('scoreSamples', () => {
  it('random is repeatable for a seed and differs between seeds', () => {
    const a = scoreSamples('random', { count: 100, seed: 1 });
    expect(scoreSamples('random', { count: 100, seed: 1 })).toEqual(a);
    expect(scoreSamples('random', { count: 100, seed: 2 })).not.toEqual(a);
    expect(new Set(shuffledIndices(50, 4)).size).toBe(50);
  });

  it('says what is missing when a strategy has no model output to work on', () => {
    expect(() => scoreSamples('entropy', { count: 3 })).toThrow(/"entropy" needs model probabilities/);
    expect(() => scoreSamples('margin', { count: 3, probabilities: new Float32Array(4), numClasses: 2 })).toThrow(/expected 3 samples x 2 classes/);
    expect(() => scoreSamples('k-center', { count: 1, probabilities: rows([0.5, 0.5]), numClasses: 2 })).toThrow(/needs embeddings/);
    expect(() => scoreSamples('bogus' as 'random', { count: 1, probabilities: rows([0.5, 0.5]), numClasses: 2 })).toThrow(/Unknown strategy "bogus"/);
  });
});
