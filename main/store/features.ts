/** A samples.features BLOB as float32 values (a copy, aligned), or null when the sample has none. */
export function decodeFeatures(blob: Buffer | null): Float32Array | null {
  if (!blob) return null;
  const out = new Float32Array(blob.length / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/** The shortest decimal that reads back as the same float32 (5.1, not 5.099999904632568). */
export function float32ToNumber(v: number): number {
  if (!Number.isFinite(v) || Number.isInteger(v)) return v;
  for (let p = 1; p <= 9; p++) {
    const n = Number(v.toPrecision(p));
    if (Math.fround(n) === v) return n;
  }
  return v;
}
