import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../main/store/store';
import { bundleChild } from '../../helpers/bundle-child';

let dir: string;
let writer: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-crash-'));
  // the child runs the real store code, bundled beside node_modules so better-sqlite3 resolves
  writer = await bundleChild(join(import.meta.dirname, 'children', 'label-writer.ts'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(writer, { force: true });
});

/** Runs the writer until `killAfterMs` after it printed `trigger`, SIGKILLs it, and returns its stdout lines. */
function runAndKill(args: string[], killAfterMs: number, trigger = 'ready\n'): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!timer && out.includes(trigger)) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended with code ${code} before it was killed: ${err}`));
      // a line cut off by the kill was never fully reported: only whole lines count
      resolve(out.split('\n').slice(0, -1));
    });
  });
}

describe('crash safety with real processes', () => {
  it('every acknowledged label survives SIGKILL at a random moment, over 20 rounds, and the database stays intact', async () => {
    const file = join(dir, 'labels.db');
    const s = Store.open(file);
    const id = s.datasets.begin({ name: 'd', kind: 'table', format: 'csv', source: 'x' });
    s.datasets.appendBatch(id, 0, Array.from({ length: 50 }, (_, i) => ({ features: new Float32Array([i]), rawType: null, raw: null })));
    s.datasets.finish(id, { columns: [], featureNames: ['x'], shape: null, classes: null });
    s.close();
    let total = 0;
    for (let round = 0; round < 20; round++) {
      // the random moment starts at the first acknowledged label, so every round really writes
      const lines = await runAndKill([file, 'labels'], 5 + Math.random() * 60, 'ack ');
      const acks = lines.filter((l) => l.startsWith('ack ')).map((l) => l.split(' '));
      const store = Store.open(file);
      const get = store.db.prepare('SELECT sample_id, value FROM labels WHERE id = ?');
      for (const [, labelId, sampleId, value] of acks) {
        expect(get.get(Number(labelId)), `round ${round}: acknowledged label ${labelId}`).toEqual({ sample_id: Number(sampleId), value });
      }
      expect(store.integrityCheck()).toBe('ok');
      store.close();
      total += acks.length;
    }
    expect(total).toBeGreaterThanOrEqual(20);
  }, 120_000);

  it('an import killed midway leaves no half dataset behind after reopening', async () => {
    const csv = join(dir, 'big.csv');
    writeFileSync(csv, 'a,b,c\n' + Array.from({ length: 200_000 }, (_, i) => `${i},${i / 2},${i % 7}`).join('\n'));
    const file = join(dir, 'import.db');
    Store.open(file).close();
    let killedAfterBatches = 0;
    for (let round = 0; round < 3; round++) {
      const lines = await runAndKill([file, 'import', csv], Math.random() * 200, 'batch ');
      expect(lines).not.toContain('finished');
      if (lines.some((l) => l.startsWith('batch '))) killedAfterBatches++;
      const store = Store.open(file);
      expect(store.datasets.list()).toEqual([]);
      expect(store.db.prepare('SELECT count(*) AS n FROM samples').get()).toEqual({ n: 0 });
      expect(store.integrityCheck()).toBe('ok');
      store.close();
    }
    // the kill must land after some batches were committed, or the test proves nothing
    expect(killedAfterBatches).toBeGreaterThan(0);
  }, 60_000);
});
