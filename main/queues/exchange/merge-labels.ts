import { LabelFileError, type ExchangedLabel } from './label-file';

/** Where imported labels go: the store on this machine (or anything with the same operations). */
export interface LabelSink {
  /** The label already stored under this uid, if any. */
  find(uid: string): ExchangedLabel | undefined;
  /** Whether this machine has the sample; a string says what is missing (e.g. the dataset). */
  hasSample(dataset: string, position: number): true | string;
  /** Every label this machine has for the sample, oldest first. */
  labelsOf(dataset: string, position: number): ExchangedLabel[];
  /** Appends one label, keeping its uid. */
  add(label: ExchangedLabel): void;
  /** Runs `fn` atomically: all of an import is stored, or none of it. */
  transaction<T>(fn: () => T): T;
}

export interface MergeResult {
  added: number;
  /** Labels this machine already had (same uid, same content): importing twice changes nothing. */
  alreadyPresent: number;
  /** Added labels that disagree with a label already here for the same sample; both are kept. */
  conflicts: number;
  /** Same uid here with different content: the label here is kept untouched and the line is named. */
  mismatched: { uid: string; line: number }[];
}

function sameLabel(a: ExchangedLabel, b: ExchangedLabel): boolean {
  return a.uid === b.uid && a.dataset === b.dataset && a.position === b.position && a.value === b.value && a.annotator === b.annotator && a.createdAt === b.createdAt;
}

/**
 * Merges labels from another machine. Labels are append-only and keyed by uid, so a merge only
 * ever adds: a label already here is left as it is, and a label that disagrees with one here is
 * kept beside it as a separate annotation (the review screen shows such disagreements). Samples
 * this machine lacks abort the whole merge before anything is written, naming the first one.
 */
export function mergeLabels(labels: readonly ExchangedLabel[], sink: LabelSink, fileName = 'the label file'): MergeResult {
  labels.forEach((l, i) => {
    const ok = sink.hasSample(l.dataset, l.position);
    if (ok !== true) throw new LabelFileError(`${fileName} line ${i + 2} labels sample ${l.position} of dataset ${JSON.stringify(l.dataset)}, which this workspace lacks: ${ok}. Import the dataset first; nothing was imported.`);
  });
  return sink.transaction(() => {
    const result: MergeResult = { added: 0, alreadyPresent: 0, conflicts: 0, mismatched: [] };
    labels.forEach((l, i) => {
      const others = sink.labelsOf(l.dataset, l.position);
      // labels written before uids existed carry a uid derived from their content, found among the sample's labels
      const here = sink.find(l.uid) ?? others.find((o) => o.uid === l.uid);
      if (here) {
        if (sameLabel(here, l)) result.alreadyPresent++;
        else result.mismatched.push({ uid: l.uid, line: i + 2 });
        return;
      }
      if (others.some((o) => o.value !== l.value)) result.conflicts++;
      sink.add(l);
      result.added++;
    });
    return result;
  });
}
