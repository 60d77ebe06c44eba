import { describe, expect, it } from 'vitest';
import { agreementReport, cohenKappa, fleissKappa, krippendorffAlpha } from '../../../main/queues/agreement';

/** Expands a 2x2 agreement table into paired label lists. */
function fromTable(table: Record<string, number>): [string[], string[]] {
  const a: string[] = [];
  const b: string[] = [];
  for (const [pair, count] of Object.entries(table)) {
    const [x, y] = pair.split('/');
    for (let i = 0; i < count; i++) {
      a.push(x);
      b.push(y);
    }
  }
  return [a, b];
}

describe("Cohen's kappa", () => {
  it('gives 0.40 on the worked example of 50 grant proposals (Wikipedia, "Cohen\'s kappa", Examples)', () => {
    // A and B both said yes 20 times, both no 15 times; A yes/B no 5, A no/B yes 10: p_o 0.70, p_e 0.50
    const [a, b] = fromTable({ 'yes/yes': 20, 'yes/no': 5, 'no/yes': 10, 'no/no': 15 });
    expect(cohenKappa(a, b)).toBeCloseTo(0.4, 10);
  });

  it('shows the kappa paradox: same 60% agreement, different kappa (Wikipedia, "Cohen\'s kappa", Same percentages but different numbers)', () => {
    // both tables agree on 60 of 100 items; balanced marginals give 0.1304, skewed ones 0.2593
    const [a1, b1] = fromTable({ 'yes/yes': 45, 'yes/no': 15, 'no/yes': 25, 'no/no': 15 });
    const [a2, b2] = fromTable({ 'yes/yes': 25, 'yes/no': 35, 'no/yes': 5, 'no/no': 35 });
    expect(cohenKappa(a1, b1)).toBeCloseTo(0.1304, 4);
    expect(cohenKappa(a2, b2)).toBeCloseTo(0.2593, 4);
  });

  it('is 1 for perfect agreement, undefined for no items or a single shared label, and refuses unpaired lists', () => {
    expect(cohenKappa(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(1);
    expect(cohenKappa([], [])).toBeNull();
    expect(cohenKappa(['a', 'a'], ['a', 'a'])).toBeNull();
    expect(() => cohenKappa(['a'], ['a', 'b'])).toThrow(/paired labels: got 1 and 2/);
  });
});

describe("Fleiss' kappa", () => {
  it('gives 0.210 on the 10 subjects x 14 raters x 5 categories example (Wikipedia, "Fleiss\' kappa", Worked example)', () => {
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    expect(fleissKappa(table)).toBeCloseTo(0.21, 3);
  });

  it('names the subject whose number of ratings differs', () => {
    expect(() => fleissKappa([[1, 1], [2, 1]])).toThrow(/subject 2 has 3 ratings, subject 1 has 2/);
  });
});

describe("Krippendorff's alpha", () => {
  it('gives 0.743 on the nominal example with 4 observers, 12 units and missing values (Krippendorff 2011, "Computing Krippendorff\'s Alpha-Reliability", section C)', () => {
    const observers = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
      [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
    ];
    const units = observers[0].map((_, u) => observers.map((o) => o[u]).filter((v): v is number => v !== null));
    expect(krippendorffAlpha(units)).toBeCloseTo(0.743, 3);
  });

  it("matches Scott's pi with the small-sample correction for two coders and no missing data (Krippendorff 2011)", () => {
    // for two coders alpha = 1 - (n-1)/n * (1 - pi) (Krippendorff 2011); check on the Cohen example
    const a = [...Array(25).fill('yes'), ...Array(25).fill('no')];
    const b = [...Array(20).fill('yes'), ...Array(5).fill('no'), ...Array(10).fill('yes'), ...Array(15).fill('no')];
    const n = 100; // pairable values
    const pYes = (25 + 30) / n;
    const pe = pYes ** 2 + (1 - pYes) ** 2;
    const pi = (0.7 - pe) / (1 - pe);
    const alpha = krippendorffAlpha(a.map((x, i) => [x, b[i]]));
    expect(alpha).toBeCloseTo(1 - ((n - 1) / n) * (1 - pi), 10);
  });

  it('ignores units with a single label and is undefined when nothing is pairable', () => {
    expect(krippendorffAlpha([['a'], ['b']])).toBeNull();
    expect(krippendorffAlpha([['a', 'a'], ['b', 'b'], ['c']])).toBe(1);
  });
});

describe('agreementReport', () => {
  it('gives kappa per pair, alpha overall, and lists the items where annotators disagree', () => {
    const labels = [
      { itemId: '1', annotator: 'ana', label: 'cat' },
      { itemId: '1', annotator: 'bo', label: 'cat' },
      { itemId: '2', annotator: 'ana', label: 'dog' },
      { itemId: '2', annotator: 'bo', label: 'cat' },
      { itemId: '3', annotator: 'ana', label: 'dog' },
      { itemId: '3', annotator: 'bo', label: 'dog' },
      { itemId: '3', annotator: 'cy', label: 'dog' },
      { itemId: '4', annotator: 'cy', label: 'cat' },
    ];
    const r = agreementReport(labels);
    expect(r.overlapItems).toBe(3);
    const ab = r.pairs.find((p) => p.a === 'ana' && p.b === 'bo')!;
    expect(ab.items).toBe(3);
    expect(ab.observed).toBeCloseTo(2 / 3, 10);
    expect(ab.kappa).toBeCloseTo(cohenKappa(['cat', 'dog', 'dog'], ['cat', 'cat', 'dog'])!, 10);
    expect(r.pairs.map((p) => `${p.a}-${p.b}`)).toEqual(['ana-bo', 'ana-cy', 'bo-cy']);
    expect(r.disagreements).toEqual([{ itemId: '2', labels: [{ annotator: 'ana', label: 'dog' }, { annotator: 'bo', label: 'cat' }] }]);
    expect(r.alpha).toBeCloseTo(krippendorffAlpha([['cat', 'cat'], ['dog', 'cat'], ['dog', 'dog', 'dog']])!, 10);
  });
});
