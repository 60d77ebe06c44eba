import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueService } from '../../../main/queues/queue-service';
import { Store } from '../../../main/store/store';
import { SqliteQueueStore } from '../../../main/store/sqlite-queue-store';

const CLASSES = ['cat', 'dog', 'fox'];
const open: Store[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

/** A real workspace database with one dataset of `n` text samples, and a queue service over it. */
function workspace(n = 50, options: { now?: () => number; interactive?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mlsys-queues-'));
  const store = Store.open(join(dir, 'lab.db'));
  open.push(store);
  const datasetId = store.datasets.begin({ name: 'pets', kind: 'text', format: 'jsonl', source: 'test' });
  store.datasets.appendBatch(
    datasetId,
    0,
    Array.from({ length: n }, (_, i) => ({ features: Float32Array.from([i % 7, Math.floor(i / 7)]), rawType: 'text/plain', raw: `pet number ${i}` })),
  );
  store.datasets.finish(datasetId, { columns: [], featureNames: ['a', 'b'], shape: null, classes: null });
  const changes: number[] = [];
  const wants: number[] = [];
  const service = new QueueService(new SqliteQueueStore(store, options.now), { onChange: (q) => changes.push(q), onWantsScores: (q) => wants.push(q.id), now: options.now, interactive: options.interactive });
  const sampleIds = store.datasets.page(datasetId, 0, n).map((s) => s.id);
  return { dir, store, service, datasetId, sampleIds, changes, wants };
}

/** Probabilities where sample i is torn between two classes when `ambiguous(i)`, else sure. */
function probabilities(n: number, ambiguous: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(...(ambiguous(i) ? [0.48, 0.47, 0.05] : [0.9, 0.05, 0.05]));
  return out;
}

describe('queue service over the workspace database', () => {
  it('ranks by the strategy over published scores: the most ambiguous samples come first, with the model suggestion', async () => {
    const w = workspace(50);
    const q = await w.service.create({ datasetId: w.datasetId, name: 'q', strategy: 'margin', classes: CLASSES, overlap: 0 });
    expect(q.counts).toEqual({ pending: 50, leased: 0, done: 0, skipped: 0 });
    await w.service.publishScores({ queueId: q.id, modelVersion: 'm1', sampleIds: w.sampleIds, classes: CLASSES, probabilities: probabilities(50, (i) => i % 10 === 3) });
    const ambiguous = new Set(w.sampleIds.filter((_, i) => i % 10 === 3));
    const seen: number[] = [];
    let state = await w.service.resume(q.id, 'ana');
    for (let i = 0; i < 5; i++) {
      expect(state.item!.suggestion).toEqual({ value: 'cat', probability: expect.closeTo(0.48, 5) });
      expect(state.item!.display).toEqual({ kind: 'text', text: `pet number ${w.sampleIds.indexOf(state.item!.sampleId)}` });
      seen.push(state.item!.sampleId);
      // the item after this one is already leased to ana, and is what the label's reply brings
      const ahead = state.next!.sampleId;
      state = await w.service.label(q.id, 'ana', state.item!.sampleId, 'dog', { durationMs: 800 });
      expect(state.item!.sampleId).toBe(ahead);
    }
    expect(seen.every((id) => ambiguous.has(id))).toBe(true);
    expect(state.progress).toMatchObject({ labeledByMe: 5, labeled: 5, target: 50, poolSize: 50, poolShare: 0.1 });
    expect((await w.service.get(q.id)).modelVersion).toBe('m1');
  });

  it('archives a queue: it hands out nothing, its labels stay, held items go back; open() by name or restore() brings it back', async () => {
    const w = workspace(20);
    const q = await w.service.create({ datasetId: w.datasetId, name: 'simulation', strategy: 'random', classes: CLASSES, overlap: 0 });
    const ana = await w.service.resume(q.id, 'ana');
    await w.service.label(q.id, 'ana', ana.item!.sampleId, 'cat');
    await w.service.labelMany(q.id, 'cell:oracle', (await w.service.take(q.id, 'cell:oracle', 3)).map((i) => ({ sampleId: i.sampleId, value: 'dog' })));
    const changesBefore = w.changes.length;

    const archived = await w.service.archive(q.id);
    expect(archived.archivedAt).toEqual(expect.any(Number));
    expect(w.changes.length).toBeGreaterThan(changesBefore);
    // nothing is out with an annotator any more, and the four labels are kept
    expect(archived.counts).toMatchObject({ leased: 0, done: 4 });
    expect((await w.service.labels(q.id)).values).toHaveLength(4);
    expect((await w.service.list()).find((x) => x.id === q.id)?.archivedAt).toBe(archived.archivedAt);
    // an annotator who had the screen open is told, and gets nothing
    const after = await w.service.resume(q.id, 'ana');
    expect(after).toMatchObject({ item: null, next: null, progress: { archived: true, finished: true, labeledByMe: 1 } });
    await expect(w.service.take(q.id, 'cell:oracle', 1)).rejects.toThrow(/Queue "simulation" is archived .*lab\.queues\.open with its name, or Restore on the Review screen/);

    // a cell opening it by name means to use it again
    const reopened = await w.service.open({ datasetId: w.datasetId, name: 'simulation', strategy: 'random', classes: CLASSES });
    expect(reopened).toMatchObject({ id: q.id, archivedAt: null });
    expect((await w.service.resume(q.id, 'ana')).item).not.toBeNull();
    await w.service.archive(q.id);
    expect((await w.service.restore(q.id)).archivedAt).toBeNull();
    await expect(w.service.archive(9999)).rejects.toThrow(/No queue with id 9999/);
  });

  it('refuses scores that do not fit, naming the numbers', async () => {
    const w = workspace(10);
    const q = await w.service.create({ datasetId: w.datasetId, name: 'q', strategy: 'entropy', classes: CLASSES });
    await expect(w.service.publishScores({ queueId: q.id, modelVersion: 'm', sampleIds: w.sampleIds, classes: CLASSES, probabilities: [0.5] })).rejects.toThrow(/got 1 probabilities for 10 samples x 3 classes \(expected 30\)/);
    await expect(w.service.publishScores({ queueId: q.id, modelVersion: 'm', sampleIds: [], classes: ['cat', 'owl'], probabilities: [] })).rejects.toThrow(/"owl" is not one of queue "q"'s classes/);
    await expect(w.service.label(q.id, 'ana', w.sampleIds[0], 'owl')).rejects.toThrow(/"owl" is not a class of queue "q"/);
  });

  it('leases an item to one annotator at a time; a reload resumes it; an expired lease goes back to the queue', async () => {
    let now = 1_000_000;
    const w = workspace(10, { now: () => now });
    const q = await w.service.create({ datasetId: w.datasetId, name: 'q', strategy: 'random', classes: CLASSES, leaseSeconds: 60, overlap: 0 });
    const a = await w.service.resume(q.id, 'ana');
    const b = await w.service.resume(q.id, 'bo');
    // each holds the item shown and the one after it, and nobody holds another's
    expect(new Set([a.item, a.next, b.item, b.next].map((x) => x!.sampleId)).size).toBe(4);
    expect((await w.service.resume(q.id, 'ana')).item!.sampleId).toBe(a.item!.sampleId);
    await expect(w.service.label(q.id, 'bo', a.item!.sampleId, 'cat')).rejects.toThrow(/with another annotator/);
    now += 61_000;
    // every lease ran out: cy gets the best items again, which are among those ana and bo held
    const c = await w.service.resume(q.id, 'cy');
    expect([a.item, a.next, b.item, b.next].map((x) => x!.sampleId)).toContain(c.item!.sampleId);
  });

  it('sends the overlap share to a second annotator, never the same one, and measures agreement', async () => {
    const w = workspace(6);
    const q = await w.service.create({ datasetId: w.datasetId, name: 'q', strategy: 'random', classes: CLASSES, overlap: 1 });
    const labelAll = async (who: string, pick: (sampleId: number) => string) => {
      let s = await w.service.resume(q.id, who);
      const ids: number[] = [];
      while (s.item) {
        ids.push(s.item.sampleId);
        s = await w.service.label(q.id, who, s.item.sampleId, pick(s.item.sampleId));
      }
      return { ids, progress: s.progress };
    };
    const ana = await labelAll('ana', () => 'cat');
    expect(ana.ids).toHaveLength(6);
    expect(ana.progress).toMatchObject({ labeled: 0, finished: true });
    const bo = await labelAll('bo', (id) => (id === w.sampleIds[0] ? 'dog' : 'cat'));
    expect(new Set(bo.ids)).toEqual(new Set(ana.ids));
    expect((await w.service.get(q.id)).counts.done).toBe(6);
    expect((await w.service.resume(q.id, 'cy')).item).toBeNull();
    const agreement = await w.service.agreement(q.id);
    expect(agreement.overlapItems).toBe(6);
    expect(agreement.pairs).toEqual([{ a: 'ana', b: 'bo', items: 6, observed: 5 / 6, kappa: 0 }]);
    expect(agreement.disagreements).toEqual([
      { sampleId: w.sampleIds[0], position: 0, display: { kind: 'text', text: 'pet number 0' }, labels: [{ annotator: 'ana', label: 'cat' }, { annotator: 'bo', label: 'dog' }] },
    ]);
  });

  it('undo reopens the last item; the next key writes a correction and the first label stays in the log', async () => {
    const w = workspace(10);
    const q = await w.service.create({ datasetId: w.datasetId, name: 'q', strategy: 'random', classes: CLASSES, overlap: 0 });
    let s = await w.service.resume(q.id, 'ana');
    const first = s.item!.sampleId;
    s = await w.service.label(q.id, 'ana', first, 'cat');
    const second = s.item!.sampleId;
    s = await w.service.label(q.id, 'ana', second, 'dog');
    s = await w.service.undo(q.id, 'ana');
    expect(s.item).toMatchObject({ sampleId: second, previousLabel: 'dog' });
    expect(s.progress).toMatchObject({ labeled: 1, labeledByMe: 2 });
    // a reload lands on the reopened item
    expect((await w.service.resume(q.id, 'ana')).item).toMatchObject({ sampleId: second, previousLabel: 'dog' });
    s = await w.service.undo(q.id, 'ana');
    expect(s.item).toMatchObject({ sampleId: first, previousLabel: 'cat' });
    s = await w.service.label(q.id, 'ana', first, 'fox');
    expect(w.store.labels.history(first).map((l) => l.value)).toEqual(['cat', 'fox']);
    expect(s.item!.sampleId).toBe(second);
  });

  it('a wait for people resolves when people, not cells, have labeled enough; a headless service answers at once', async () => {
    const w = workspace(20);
    const q = await w.service.create({ datasetId: w.datasetId, name: 'q', strategy: 'random', classes: CLASSES, overlap: 0, refreshEvery: 2 });
    const since = Date.now();
    const waiting = w.service.waitForLabels(q.id, { count: 2, since, timeoutMs: 30_000 });
    const refresh = w.service.waitForRefresh(q.id, (await w.service.waitForRefresh(q.id, undefined, 0)).generation, 30_000);
    const [oracleItem] = await w.service.take(q.id, 'cell:oracle', 1);
    await w.service.labelMany(q.id, 'cell:oracle', [{ sampleId: oracleItem.sampleId, value: 'cat' }]);
    let state = await w.service.resume(q.id, 'ana');
    state = await w.service.label(q.id, 'ana', state.item!.sampleId, 'dog');
    expect(await Promise.race([waiting, new Promise((r) => setTimeout(() => r('still waiting'), 50))])).toBe('still waiting');
    await w.service.label(q.id, 'ana', state.item!.sampleId, 'fox');
    expect(await waiting).toEqual({ byPeople: 2, timedOut: false, interactive: true });
    expect(await refresh).toMatchObject({ generation: 1, wanted: true, labeled: 2 });
    expect((await w.service.labels(q.id)).annotators).toEqual(['cell:oracle', 'ana', 'ana']);

    const headless = workspace(5, { interactive: false });
    const hq = await headless.service.create({ datasetId: headless.datasetId, name: 'h', strategy: 'margin', classes: CLASSES });
    expect(await headless.service.waitForLabels(hq.id, { count: 20, timeoutMs: 60_000 })).toEqual({ byPeople: 0, timedOut: false, interactive: false });
  });

  it('re-ranks after every N labels in the background, after the annotator has the next item', async () => {
    const w = workspace(40);
    const q = await w.service.create({ datasetId: w.datasetId, name: 'q', strategy: 'k-center', classes: CLASSES, refreshEvery: 3, overlap: 0 });
    await w.service.publishScores({ queueId: q.id, modelVersion: 'm1', sampleIds: w.sampleIds, classes: CLASSES, probabilities: probabilities(40, () => true) });
    let s = await w.service.resume(q.id, 'ana');
    for (let i = 0; i < 3; i++) s = await w.service.label(q.id, 'ana', s.item!.sampleId, 'cat');
    expect(w.wants).toEqual([]);
    await w.service.idle();
    await new Promise((r) => setImmediate(r));
    await w.service.idle();
    expect(w.wants).toEqual([q.id]);
  });

  it('exports an annotator\'s labels and imports them on another machine: twice changes nothing, conflicts are kept', async () => {
    const here = workspace(10);
    const there = workspace(10);
    const qh = await here.service.create({ datasetId: here.datasetId, name: 'q', strategy: 'random', classes: CLASSES, overlap: 0 });
    const qt = await there.service.create({ datasetId: there.datasetId, name: 'q', strategy: 'random', classes: CLASSES, overlap: 0 });
    let s = await here.service.resume(qh.id, 'ana');
    const labeledPositions: number[] = [];
    for (let i = 0; i < 3; i++) {
      labeledPositions.push(s.item!.position);
      s = await here.service.label(qh.id, 'ana', s.item!.sampleId, 'cat');
    }
    // bo, on the other machine, labels the first of those samples differently
    const boItem = there.sampleIds[labeledPositions[0]];
    there.store.db.prepare(`UPDATE queue_items SET score = 99 WHERE sample_id = ?`).run(boItem);
    const t = await there.service.resume(qt.id, 'bo');
    expect(t.item!.sampleId).toBe(boItem);
    await there.service.label(qt.id, 'bo', boItem, 'dog');

    const file = join(here.dir, 'ana.labels.jsonl');
    expect(await here.service.exportLabels(here.datasetId, 'ana', file)).toEqual({ path: file, count: 3 });
    there.changes.length = 0;
    expect(await there.service.importLabels(file)).toEqual({ added: 3, alreadyPresent: 0, conflicts: 1, mismatched: [] });
    // open annotator and review screens of that dataset's queues hear of the new labels
    expect(there.changes).toContain(qt.id);
    there.changes.length = 0;
    expect(await there.service.importLabels(file)).toEqual({ added: 0, alreadyPresent: 3, conflicts: 0, mismatched: [] });
    expect(there.changes).toEqual([]);
    expect(there.store.labels.history(boItem).map((l) => `${l.annotator}:${l.value}`)).toEqual(['bo:dog', 'ana:cat']);
    const agreement = await there.service.agreement(qt.id);
    expect(agreement.disagreements.map((d) => d.sampleId)).toEqual([boItem]);
  });
});
