/**
 * Krippendorff's alpha for nominal labels (Krippendorff, "Computing Krippendorff's
 * Alpha-Reliability", 2011), from units that each carry the labels given by whoever rated them.
 * Unlike Fleiss' kappa it allows any number of raters per unit and missing ratings, which is what
 * an overlap share of a queue produces. Units with fewer than two labels are not pairable and are
 * ignored. Returns null when there is nothing to compare or only one label value was ever used.
 */
export function krippendorffAlpha(units: readonly (readonly (string | number)[])[]): number | null {
  // coincidence matrix o[c][k], stored sparsely; n_c its marginals
  const coincidences = new Map<string, number>();
  const marginals = new Map<string | number, number>();
  let n = 0;
  for (const values of units) {
    const m = values.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        const key = JSON.stringify([values[i], values[j]]);
        coincidences.set(key, (coincidences.get(key) ?? 0) + 1 / (m - 1));
      }
      marginals.set(values[i], (marginals.get(values[i]) ?? 0) + 1);
    }
    n += m;
  }
  if (n < 2) return null;
  let observed = 0;
  for (const [key, o] of coincidences) {
    const [c, k] = JSON.parse(key) as [unknown, unknown];
    if (c !== k) observed += o;
  }
  let expected = 0;
  const nc = [...marginals.values()];
  const sum = nc.reduce((s, x) => s + x, 0);
  for (const x of nc) expected += x * (sum - x);
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}
