/**
 * Uncertainty scores over a model's class probabilities, one row of `numClasses` per sample in a
 * flat row-major Float32Array. Every score is "higher = ask a person first" and lies in [0, 1],
 * so scores of different strategies can share a queue column and a progress plot.
 *
 * Definitions follow Settles, "Active Learning Literature Survey" (2009), section 3.1:
 * least confidence 1 - max p, margin 1 - (p1 - p2), entropy -sum p log p (normalised by log k).
 */

function checkShape(probabilities: Float32Array, numClasses: number): number {
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new RangeError(`numClasses must be an integer >= 2, got ${numClasses}`);
  if (probabilities.length % numClasses !== 0) {
    throw new RangeError(`probabilities has ${probabilities.length} values, not a multiple of numClasses ${numClasses}`);
  }
  return probabilities.length / numClasses;
}

/** 1 - max_c p(c | x), rescaled by k/(k-1) so a uniform row scores 1. */
export function leastConfidence(probabilities: Float32Array, numClasses: number): Float32Array {
  const n = checkShape(probabilities, numClasses);
  const out = new Float32Array(n);
  const scale = numClasses / (numClasses - 1);
  for (let i = 0, o = 0; i < n; i++, o += numClasses) {
    let max = probabilities[o];
    for (let c = 1; c < numClasses; c++) if (probabilities[o + c] > max) max = probabilities[o + c];
    out[i] = Math.min(1, Math.max(0, (1 - max) * scale));
  }
  return out;
}

/** 1 - (p1 - p2): the two most likely classes are nearly tied when this is close to 1. */
export function margin(probabilities: Float32Array, numClasses: number): Float32Array {
  const n = checkShape(probabilities, numClasses);
  const out = new Float32Array(n);
  for (let i = 0, o = 0; i < n; i++, o += numClasses) {
    let first = -Infinity;
    let second = -Infinity;
    for (let c = 0; c < numClasses; c++) {
      const p = probabilities[o + c];
      if (p > first) {
        second = first;
        first = p;
      } else if (p > second) second = p;
    }
    out[i] = Math.min(1, Math.max(0, 1 - (first - second)));
  }
  return out;
}

/** Shannon entropy of the row divided by log k (so 1 for a uniform row, 0 for a certain one). */
export function entropy(probabilities: Float32Array, numClasses: number): Float32Array {
  const n = checkShape(probabilities, numClasses);
  const out = new Float32Array(n);
  const norm = Math.log(numClasses);
  for (let i = 0, o = 0; i < n; i++, o += numClasses) {
    let h = 0;
    for (let c = 0; c < numClasses; c++) {
      const p = probabilities[o + c];
      if (p > 0) h -= p * Math.log(p);
    }
    out[i] = Math.min(1, Math.max(0, h / norm));
  }
  return out;
}
