/**
 * A child process for the crash-safety test: appends labels as fast as it can and reports each
 * one on stdout only after append() returned (the label is committed). The parent kills it with
 * SIGKILL at a random moment. With `import` as the mode it imports a large CSV instead.
 */
import { writeSync } from 'node:fs';
import { Store } from '../../../../main/store/store';
import { importDataset } from '../../../../main/store/import/importer';

const [file, mode, csv] = process.argv.slice(2);
const store = Store.open(file);
if (mode === 'import') {
  writeSync(1, 'ready\n');
  await importDataset(store, { path: csv }, { onProgress: (p) => writeSync(1, `batch ${p.imported}\n`) });
  writeSync(1, 'finished\n');
} else {
  const ids = (store.db.prepare('SELECT id FROM samples ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  writeSync(1, 'ready\n');
  for (let i = 0; ; i++) {
    const sampleId = ids[i % ids.length];
    const value = `v${process.pid}-${i}`;
    const rec = store.labels.append({ sampleId, value, annotator: 'crash-test', durationMs: i });
    writeSync(1, `ack ${rec.id} ${sampleId} ${value}\n`);
  }
}
