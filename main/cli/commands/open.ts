import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { builtinLabsDir, defaultWorkspaceDir, projectRoot } from '../../paths';
import { createPacksService } from '../../packs/register';
import { packDatasetImporter } from '../../packs/store-adapters';
import { DatasetService } from '../../store';
import { UsageError, type Command } from '../command';

/** `mlsys-lab open FILE.labpack`: verify and import a pack into the workspace, then open the app. */
export const openCommand: Command = {
  name: 'open',
  summary: 'Import a .labpack (or pack folder) into the workspace, then open the app',
  usage: [
    'Usage: mlsys-lab open PACK [--workspace DIR] [--no-start] [start options]',
    '',
    'Verifies every hash (and the signature, if any) before writing anything, installs the pack in',
    'DIR/packs/<id>/, keeps your edited notebooks when it is a newer version, and opens the app.',
    'An unsigned pack, or one signed by a key you have not trusted, opens in restricted mode.',
  ].join('\n'),
  async run(argv) {
    const rest = [...argv];
    const take = (flag: string): string | undefined => {
      const i = rest.indexOf(flag);
      if (i < 0) return undefined;
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      rest.splice(i, 2);
      return value;
    };
    const workspace = resolve(take('--workspace') ?? defaultWorkspaceDir());
    const noStart = rest.includes('--no-start');
    if (noStart) rest.splice(rest.indexOf('--no-start'), 1);
    const file = rest.find((a) => !a.startsWith('--'));
    if (!file) throw new UsageError('Which pack? Give a .labpack file or a pack folder.');
    rest.splice(rest.indexOf(file), 1);

    // the same database file the app opens (main/workspace.ts), so the pack's datasets are there
    const datasets = new DatasetService({ file: join(workspace, 'lab.db') });
    const packs = createPacksService({
      workspaceDir: workspace,
      labsDir: builtinLabsDir(),
      log: (m) => console.error(`[mlsys-lab] ${m}`),
      importDatasets: packDatasetImporter(datasets),
    });
    let r;
    try {
      r = await packs.import(resolve(file));
    } finally {
      datasets.close();
    }
    const verb = r.status === 'unchanged' ? 'is already installed' : r.status === 'updated' ? `updated from ${r.previousVersion}` : 'installed';
    console.log(`"${r.title}" ${r.version} ${verb} in ${join(workspace, 'packs', r.id)}.`);
    for (const k of r.kept) console.log(`  kept your ${k.path}${k.keptAs !== k.path ? ` as ${k.keptAs}` : ''}`);
    for (const d of r.datasets) console.log(d.status === 'failed' ? `  dataset ${d.path} could not be imported: ${d.problem}` : d.status === 'imported' ? `  dataset ${d.path}: ${d.samples} samples as "${d.name}"` : `  dataset ${d.path}: unchanged`);
    if (!r.trusted) {
      console.log(
        r.trustReason === 'unsigned'
          ? 'It is unsigned: it opens in restricted mode (read only, no cells run) until you trust it in the library.'
          : `It is signed by key ${r.signerKeyId}, which you have not trusted: it opens in restricted mode until you trust it in the library.`,
      );
    }
    if (noStart) return 0;
    return new Promise((done) => {
      const child = spawn(process.execPath, [join(projectRoot(), 'scripts', 'start.js'), '--workspace', workspace, ...rest], { stdio: 'inherit' });
      child.on('exit', (code) => done(code ?? 1));
    });
  },
};
