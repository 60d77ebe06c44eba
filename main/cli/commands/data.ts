import { mkdirSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../command';
import { UsageError } from '../command';
import { defaultWorkspaceDir } from '../../paths';
import { QueueService } from '../../queues';
import { DatasetService, lazySqliteQueueStore } from '../../store';

const USAGE = `Usage:
  mlsys-lab data list [--workspace DIR]
  mlsys-lab data import PATH [--name NAME] [--label COLUMN] [--limit N] [--workspace DIR]
  mlsys-lab data export DATASET FILE [--format csv|jsonl] [--workspace DIR]
  mlsys-lab data labels export DATASET FILE [--annotator NAME] [--workspace DIR]
  mlsys-lab data labels import FILE [--workspace DIR]

PATH is a CSV, TSV, JSON or JSONL file (optionally .gz), an IDX images file (MNIST,
Fashion-MNIST: its labels file is found beside it), or a folder of class folders of PNG/JPEG.
--label names the label column, or counts it (0 first, --label=-1 last). DATASET is a name or an id.
Export writes every sample with its latest label and that label's provenance.
labels export writes the annotators' labels of a dataset (one annotator's with --annotator) to a
label file for a team offline; labels import merges such a file: importing it twice changes
nothing, and a label that disagrees with one already here is kept beside it, never over it.`;

/** `mlsys-lab data`: the workspace's datasets from the command line (prepare a workshop offline). */
export const dataCommand: Command = {
  name: 'data',
  summary: 'List, import and export the datasets of a workspace',
  usage: USAGE,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: { workspace: { type: 'string' }, name: { type: 'string' }, label: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' }, annotator: { type: 'string' } },
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const [sub, ...args] = parsed.positionals;
    const o = parsed.values;
    const workspace = resolve(o.workspace ?? defaultWorkspaceDir());
    // a new workspace (a fresh machine of an offline team) starts with its first import
    mkdirSync(workspace, { recursive: true });
    const service = new DatasetService({ file: join(workspace, 'lab.db') });
    try {
      switch (sub) {
        case 'list': {
          const list = await service.list();
          if (!list.length) console.log('No datasets yet.');
          for (const d of list) console.log(`${String(d.id).padStart(4)}  ${d.name}  ${d.kind}, ${d.sampleCount} samples, ${d.labeledCount} labeled, ${d.featureCount} features  (${d.source})`);
          return 0;
        }
        case 'import': {
          if (args.length !== 1) throw new UsageError('data import takes one PATH');
          const limit = o.limit === undefined ? undefined : Number(o.limit);
          if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a positive integer, got "${o.limit}"`);
          const label = o.label === undefined ? undefined : /^-?\d+$/.test(o.label) ? Number(o.label) : o.label;
          const r = await service.import({ path: resolve(args[0]), name: o.name, labelColumn: label, limit });
          console.log(`Imported ${r.imported} samples into "${r.dataset.name}" (id ${r.dataset.id}) in ${(r.durationMs / 1000).toFixed(1)} s.`);
          if (r.rejectedCount) {
            console.log(`${r.rejectedCount} row(s) rejected:`);
            for (const x of r.rejected.slice(0, 10)) console.log(`  ${x.reason}`);
            if (r.rejectedCount > 10) console.log(`  … and ${r.rejectedCount - 10} more.`);
          }
          return 0;
        }
        case 'export': {
          if (args.length !== 2) throw new UsageError('data export takes DATASET and FILE');
          const format = o.format ?? (args[1].endsWith('.jsonl') ? 'jsonl' : 'csv');
          if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got "${format}"`);
          const d = service.resolve(/^\d+$/.test(args[0]) ? Number(args[0]) : args[0]);
          const r = await service.export(d.id, { path: resolve(args[1]), format });
          console.log(`Wrote ${r.rows} samples of "${d.name}" to ${r.path}.`);
          return 0;
        }
        case 'labels':
          return await labelsCommand(service, args, o.annotator);
        default:
          throw new UsageError(sub ? `Unknown data command "${sub}"` : 'data needs a command: list, import, export or labels');
      }
    } finally {
      service.close();
    }
  },
};

/** `data labels export|import`: label files that carry an offline annotator's work between machines. */
async function labelsCommand(service: DatasetService, args: string[], annotator: string | undefined): Promise<number> {
  const [action, ...rest] = args;
  const queues = new QueueService(lazySqliteQueueStore(() => service.store));
  if (action === 'export') {
    if (rest.length !== 2) throw new UsageError('data labels export takes DATASET and FILE');
    const d = service.resolve(/^\d+$/.test(rest[0]) ? Number(rest[0]) : rest[0]);
    const r = await queues.exportLabels(d.id, annotator ?? null, resolve(rest[1]));
    console.log(`Wrote ${r.count} label(s) of "${d.name}"${annotator ? ` by ${annotator}` : ''} to ${r.path}.`);
    return 0;
  }
  if (action === 'import') {
    if (rest.length !== 1) throw new UsageError('data labels import takes one FILE');
    if (annotator !== undefined) throw new UsageError('--annotator is for labels export: an imported file keeps the annotators it names');
    const r = await queues.importLabels(resolve(rest[0]));
    console.log(`Imported ${r.added} label(s) from ${resolve(rest[0])}: ${r.alreadyPresent} already here, ${r.conflicts} kept beside a different label.`);
    for (const m of r.mismatched.slice(0, 10)) console.log(`  line ${m.line}: label ${m.uid} differs from the one with the same id here; both are kept`);
    return 0;
  }
  throw new UsageError(action ? `Unknown data labels command "${action}": use export or import` : 'data labels needs export or import');
}
