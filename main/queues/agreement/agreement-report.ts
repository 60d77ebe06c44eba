import { cohenKappa } from './cohen-kappa';
import { krippendorffAlpha } from './krippendorff-alpha';

/** One annotator's final label for one item (corrections already applied). */
export interface FinalLabel {
  itemId: string;
  annotator: string;
  label: string;
}

export interface PairAgreement {
  a: string;
  b: string;
  /** Items both annotators labeled. */
  items: number;
  /** Share of those items with the same label. */
  observed: number | null;
  kappa: number | null;
}

export interface Disagreement {
  itemId: string;
  labels: { annotator: string; label: string }[];
}

export interface AgreementReport {
  /** Items labeled by at least two annotators. */
  overlapItems: number;
  pairs: PairAgreement[];
  /** Krippendorff's alpha (nominal) over every item labeled at least twice. */
  alpha: number | null;
  disagreements: Disagreement[];
}

/** Agreement per annotator pair and overall, and the items where annotators disagree. */
export function agreementReport(labels: readonly FinalLabel[]): AgreementReport {
  const byItem = new Map<string, Map<string, string>>();
  for (const l of labels) {
    let m = byItem.get(l.itemId);
    if (!m) byItem.set(l.itemId, (m = new Map()));
    m.set(l.annotator, l.label);
  }
  const annotators = [...new Set(labels.map((l) => l.annotator))].sort();
  const pairs: PairAgreement[] = [];
  for (let i = 0; i < annotators.length; i++) {
    for (let j = i + 1; j < annotators.length; j++) {
      const a: string[] = [];
      const b: string[] = [];
      for (const m of byItem.values()) {
        const la = m.get(annotators[i]);
        const lb = m.get(annotators[j]);
        if (la !== undefined && lb !== undefined) {
          a.push(la);
          b.push(lb);
        }
      }
      if (a.length === 0) continue;
      const same = a.filter((x, k) => x === b[k]).length;
      pairs.push({ a: annotators[i], b: annotators[j], items: a.length, observed: same / a.length, kappa: cohenKappa(a, b) });
    }
  }
  const units: string[][] = [];
  const disagreements: Disagreement[] = [];
  for (const [itemId, m] of byItem) {
    if (m.size < 2) continue;
    const values = [...m.values()];
    units.push(values);
    if (new Set(values).size > 1) {
      disagreements.push({ itemId, labels: [...m].map(([annotator, label]) => ({ annotator, label })).sort((x, y) => x.annotator.localeCompare(y.annotator)) });
    }
  }
  return { overlapItems: units.length, pairs, alpha: krippendorffAlpha(units), disagreements };
}
