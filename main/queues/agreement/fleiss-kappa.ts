/**
 * Fleiss' kappa (Fleiss, "Measuring nominal scale agreement among many raters", 1971) from a
 * subjects x categories table of counts, where every subject was rated by the same number of
 * raters. Returns null when chance agreement is already perfect (P_e = 1).
 */
export function fleissKappa(counts: readonly (readonly number[])[]): number | null {
  const N = counts.length;
  if (N === 0) return null;
  const k = counts[0].length;
  const n = counts[0].reduce((s, x) => s + x, 0);
  if (n < 2) throw new RangeError(`fleissKappa needs at least 2 ratings per subject, subject 1 has ${n}`);
  const p = new Array<number>(k).fill(0);
  let pBar = 0;
  counts.forEach((row, i) => {
    if (row.length !== k) throw new RangeError(`subject ${i + 1} has ${row.length} categories, subject 1 has ${k}`);
    const total = row.reduce((s, x) => s + x, 0);
    if (total !== n) throw new RangeError(`subject ${i + 1} has ${total} ratings, subject 1 has ${n}: Fleiss' kappa needs the same number for every subject`);
    let agreeing = 0;
    row.forEach((x, j) => {
      p[j] += x;
      agreeing += x * (x - 1);
    });
    pBar += agreeing / (n * (n - 1));
  });
  pBar /= N;
  const pe = p.reduce((s, x) => s + (x / (N * n)) ** 2, 0);
  if (pe >= 1) return null;
  return (pBar - pe) / (1 - pe);
}
