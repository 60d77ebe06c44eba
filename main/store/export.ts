import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ExportOptions, LabelRecord } from '../api/datasets';
import type { Store } from './store';
import { decodeFeatures, float32ToNumber } from './features';

const PROVENANCE = ['label', 'label_source', 'annotator', 'queue_id', 'model_version', 'duration_ms', 'labeled_at', 'label_count'] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function provenance(l: LabelRecord | undefined, count: number) {
  return {
    label: l?.value ?? null,
    label_source: l?.source ?? null,
    annotator: l?.annotator ?? null,
    queue_id: l?.queueId ?? null,
    model_version: l?.modelVersion ?? null,
    duration_ms: l?.durationMs ?? null,
    labeled_at: l ? new Date(l.createdAt).toISOString() : null,
    label_count: count,
  };
}

/**
 * Writes every sample of a dataset with its latest label and where that label came from (who,
 * when, from which queue, under which model). Written to a temporary file and renamed, so an
 * interrupted export never leaves half a file under the requested name.
 */
export async function exportDataset(store: Store, datasetId: number, options: ExportOptions): Promise<{ path: string; rows: number }> {
  const d = store.datasets.get(datasetId);
  const latest = store.labels.latestRecordsOfDataset(datasetId);
  const counts = store.labels.countsOfDataset(datasetId);
  const featureNames = d.shape ? Array.from({ length: d.featureCount }, (_, i) => `pixel_${i}`) : store.datasets.featureNames(datasetId);
  const rawNames = d.columns.filter((c) => c.role === 'raw').map((c) => c.name);
  const tmp = join(dirname(options.path), `.${basename(options.path)}.${randomBytes(6).toString('hex')}.tmp`);
  const out = createWriteStream(tmp);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  let rows = 0;
  try {
    if (options.format === 'csv') await write(['sample_id', 'position', ...featureNames, ...rawNames, ...PROVENANCE].map(csvCell).join(',') + '\n');
    for (const s of store.datasets.iterateSamples(datasetId)) {
      const decoded = decodeFeatures(s.features);
      const f = decoded ? Array.from(decoded, float32ToNumber) : null;
      const cells = s.raw_type === 'application/json' && typeof s.raw === 'string' ? (JSON.parse(s.raw) as Record<string, unknown>) : {};
      const p = provenance(latest.get(s.id), counts.get(s.id) ?? 0);
      if (options.format === 'csv') {
        const values: unknown[] = [s.id, s.position, ...(f ?? featureNames.map(() => null)), ...rawNames.map((n) => cells[n]), ...PROVENANCE.map((k) => p[k])];
        await write(values.map(csvCell).join(',') + '\n');
      } else {
        const features = f ? Object.fromEntries(featureNames.map((n, i) => [n, Number.isNaN(f[i]) ? null : f[i]])) : null;
        await write(JSON.stringify({ sample_id: s.id, position: s.position, ...(d.shape ? { pixels: f } : { features }), ...cells, ...p }) + '\n');
      }
      rows++;
    }
    out.end();
    await once(out, 'finish');
    await rename(tmp, options.path);
  } catch (err) {
    out.destroy();
    await unlink(tmp).catch(() => {});
    throw err;
  }
  return { path: options.path, rows };
}
