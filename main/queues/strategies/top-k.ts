/**
 * The indices of the k highest scores, best first, skipping excluded samples. A bounded min-heap
 * keeps this O(n log k), which matters with a million samples and a batch of 32.
 */
export function topK(scores: Float32Array, k: number, options: { exclude?: Uint8Array } = {}): Int32Array {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
  const { exclude } = options;
  const heap = new Int32Array(k); // indices, min-heap on score
  let size = 0;
  const less = (a: number, b: number): boolean => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && less(heap[l], heap[m])) m = l;
      if (r < size && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      const t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
  };
  if (k === 0) return heap;
  for (let i = 0; i < scores.length; i++) {
    if (exclude && exclude[i]) continue;
    if (size < k) {
      heap[size] = i;
      let j = size++;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (!less(heap[j], heap[p])) break;
        const t = heap[j];
        heap[j] = heap[p];
        heap[p] = t;
        j = p;
      }
    } else if (less(heap[0], i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  const out = heap.slice(0, size);
  // highest score first; ties broken by lower index so results are stable across runs
  return Int32Array.from(Array.from(out).sort((a, b) => scores[b] - scores[a] || a - b));
}
