/**
 * k-center greedy (Sener & Savarese, "Active Learning for Convolutional Neural Networks: A Core-Set
 * Approach", ICLR 2018): repeatedly pick the candidate farthest from everything already labeled
 * or picked. A batch chosen this way covers the embedding space instead of being 32 copies of the
 * same ambiguous digit.
 */
export interface KCenterOptions {
  /** Samples that may be picked (indices into the embeddings); all samples when omitted. */
  candidates?: Int32Array;
  /** Samples that already count as centres (usually the labeled ones). */
  centers?: Int32Array;
  /** How many to pick. */
  count: number;
}

function squaredDistance(e: Float32Array, dim: number, a: number, b: number): number {
  let s = 0;
  const oa = a * dim;
  const ob = b * dim;
  for (let d = 0; d < dim; d++) {
    const x = e[oa + d] - e[ob + d];
    s += x * x;
  }
  return s;
}

/** Returns the picked sample indices in the order they were picked. */
export function kCenterGreedy(embeddings: Float32Array, dim: number, options: KCenterOptions): Int32Array {
  if (!Number.isInteger(dim) || dim < 1 || embeddings.length % dim !== 0) {
    throw new RangeError(`embeddings has ${embeddings.length} values, not a multiple of dim ${dim}`);
  }
  const n = embeddings.length / dim;
  const candidates = options.candidates ?? Int32Array.from({ length: n }, (_, i) => i);
  for (const c of candidates) if (c < 0 || c >= n) throw new RangeError(`candidate ${c} is outside the ${n} embedded samples`);
  const count = Math.min(options.count, candidates.length);
  const minDist = new Float64Array(candidates.length).fill(Infinity);
  for (const center of options.centers ?? []) {
    if (center < 0 || center >= n) throw new RangeError(`center ${center} is outside the ${n} embedded samples`);
    for (let i = 0; i < candidates.length; i++) {
      const d = squaredDistance(embeddings, dim, candidates[i], center);
      if (d < minDist[i]) minDist[i] = d;
    }
  }
  const picked = new Int32Array(count);
  const taken = new Uint8Array(candidates.length);
  for (let p = 0; p < count; p++) {
    // with no centres yet every distance is Infinity and the first candidate (the most uncertain,
    // when candidates come sorted by score) starts the batch
    let best = -1;
    for (let i = 0; i < candidates.length; i++) if (!taken[i] && (best < 0 || minDist[i] > minDist[best])) best = i;
    taken[best] = 1;
    picked[p] = candidates[best];
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const d = squaredDistance(embeddings, dim, candidates[i], candidates[best]);
      if (d < minDist[i]) minDist[i] = d;
    }
  }
  return picked;
}
