import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeLabels, parseLabelFile, readLabelFile, writeLabelFile, type ExchangedLabel, type LabelSink } from '../../../main/queues/exchange';

/** An append-only label list standing in for one machine's workspace. */
function machine(datasets: Record<string, number>): LabelSink & { labels: ExchangedLabel[] } {
  const labels: ExchangedLabel[] = [];
  return {
    labels,
    find: (uid) => labels.find((l) => l.uid === uid),
    hasSample: (dataset, position) => (dataset in datasets ? (position < datasets[dataset] ? true : `dataset ${dataset} has ${datasets[dataset]} samples`) : `there is no dataset ${dataset}`),
    labelsOf: (dataset, position) => labels.filter((l) => l.dataset === dataset && l.position === position),
    add: (l) => void labels.push({ ...l }),
    transaction: (fn) => {
      const before = labels.length;
      try {
        return fn();
      } catch (err) {
        labels.length = before;
        throw err;
      }
    },
  };
}

const label = (uid: string, position: number, value: string, annotator = 'ana'): ExchangedLabel => ({
  uid,
  dataset: 'digits',
  position,
  value,
  annotator,
  queue: 'uncertain',
  modelVersion: 'm1',
  durationMs: 1200,
  createdAt: 1_700_000_000_000 + position,
});

const dir = mkdtempSync(join(tmpdir(), 'mlsys-labels-'));

describe('offline label exchange', () => {
  it("round-trips an annotator's labels through a file", async () => {
    const path = join(dir, 'ana.labels.jsonl');
    const labels = [label('uid-00000001', 3, '7'), label('uid-00000002', 9, '1')];
    await writeLabelFile(path, labels, { annotator: 'ana', now: 5 });
    const back = readLabelFile(path);
    expect(back.header).toMatchObject({ annotator: 'ana', count: 2, exportedAt: 5 });
    expect(back.labels).toEqual(labels);
  });

  it('importing the same file twice changes nothing the second time', async () => {
    const path = join(dir, 'twice.labels.jsonl');
    await writeLabelFile(path, [label('uid-00000001', 3, '7'), label('uid-00000002', 9, '1')], { annotator: 'ana' });
    const other = machine({ digits: 100 });
    expect(mergeLabels(readLabelFile(path).labels, other)).toEqual({ added: 2, alreadyPresent: 0, conflicts: 0, mismatched: [] });
    const snapshot = JSON.stringify(other.labels);
    expect(mergeLabels(readLabelFile(path).labels, other)).toEqual({ added: 0, alreadyPresent: 2, conflicts: 0, mismatched: [] });
    expect(JSON.stringify(other.labels)).toBe(snapshot);
  });

  it('keeps a conflicting label beside the one already there, never over it', () => {
    const other = machine({ digits: 100 });
    mergeLabels([label('uid-bo-0001', 3, '1', 'bo')], other);
    const result = mergeLabels([label('uid-ana-0001', 3, '7', 'ana')], other);
    expect(result).toMatchObject({ added: 1, conflicts: 1 });
    expect(other.labelsOf('digits', 3).map((l) => `${l.annotator}:${l.value}`)).toEqual(['bo:1', 'ana:7']);
  });

  it('leaves a label untouched when a file reuses its uid with other content, and names the line', () => {
    const other = machine({ digits: 100 });
    mergeLabels([label('uid-00000001', 3, '7')], other);
    const result = mergeLabels([label('uid-00000002', 4, '2'), { ...label('uid-00000001', 3, '9') }], other, 'x.jsonl');
    expect(result.mismatched).toEqual([{ uid: 'uid-00000001', line: 3 }]);
    expect(other.find('uid-00000001')!.value).toBe('7');
  });

  it('refuses the whole file, writing nothing, when a sample is missing here', () => {
    const other = machine({ digits: 5 });
    expect(() => mergeLabels([label('uid-00000001', 3, '7'), label('uid-00000002', 50, '1')], other, 'ana.jsonl')).toThrow(
      /ana.jsonl line 3 labels sample 50 of dataset "digits".*dataset digits has 5 samples.*nothing was imported/,
    );
    expect(other.labels).toEqual([]);
  });

  it('names the line and field of a damaged file, and a file cut short', async () => {
    const path = join(dir, 'bad.labels.jsonl');
    await writeLabelFile(path, [label('uid-00000001', 3, '7'), label('uid-00000002', 9, '1')], { annotator: 'ana' });
    const text = readFileSync(path, 'utf8');
    expect(() => parseLabelFile(text.replace('"position":9', '"position":-1'), 'f')).toThrow(/f line 3: field "position" has the invalid value -1/);
    expect(() => parseLabelFile(text.replace('"value":"7"', '"value":"7","extra":1'), 'f')).toThrow(/f line 2 has an unknown field "extra"/);
    expect(() => parseLabelFile(text.split('\n').slice(0, 2).join('\n'), 'f')).toThrow(/says it holds 2 labels but has 1/);
    expect(() => parseLabelFile(text.slice(0, -20), 'f')).toThrow(/f line 3 is not JSON/);
    expect(() => parseLabelFile('{"format":"other"}', 'f')).toThrow(/not an mlsys-lab label file/);
    writeFileSync(join(dir, 'empty.jsonl'), '');
    expect(() => readLabelFile(join(dir, 'empty.jsonl'))).toThrow(/is empty/);
  });
});
