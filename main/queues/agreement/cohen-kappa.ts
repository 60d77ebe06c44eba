/**
 * Cohen's kappa for two annotators who labeled the same items (Cohen, "A coefficient of agreement
 * for nominal scales", 1960): (p_o - p_e) / (1 - p_e), with p_e from each annotator's own label
 * frequencies. Returns null when it is undefined: no shared items, or both always chose the same
 * single label (p_e = 1).
 */
export function cohenKappa(a: readonly (string | number)[], b: readonly (string | number)[]): number | null {
  if (a.length !== b.length) throw new RangeError(`cohenKappa needs paired labels: got ${a.length} and ${b.length}`);
  const n = a.length;
  if (n === 0) return null;
  let agree = 0;
  const countA = new Map<string | number, number>();
  const countB = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agree++;
    countA.set(a[i], (countA.get(a[i]) ?? 0) + 1);
    countB.set(b[i], (countB.get(b[i]) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [label, ca] of countA) pe += (ca / n) * ((countB.get(label) ?? 0) / n);
  if (pe >= 1) return null;
  return (po - pe) / (1 - pe);
}
