import { basename, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { initPack } from '../../packs/author';
import { UsageError } from '../command';
import type { PackSubcommand } from './pack';
import { parsePackArgs } from './pack-args';

export const packInit: PackSubcommand = {
  name: 'init',
  usage: 'init DIR [--id ID] [--title TITLE] [--author NAME]',
  summary: 'Scaffold a new pack: labpack.json and a first notebook with a check cell',
  async run(argv) {
    const { values, positionals } = parsePackArgs(argv, this.usage, { id: { type: 'string' }, title: { type: 'string' }, author: { type: 'string' } }, { min: 1, max: 1 });
    const dir = resolve(positionals[0]);
    const id = values.id ?? basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id)) throw new UsageError(`Cannot make a pack id from "${basename(dir)}"; give one with --id (lowercase letters, digits and dashes)`);
    const manifest = await initPack(dir, { id, title: values.title ?? id, author: values.author ?? safeUser() });
    console.log(`Created pack "${manifest.id}" in ${dir}: labpack.json and ${manifest.notebooks[0]}.`);
    console.log(`Edit them, then: mlsys-lab pack build ${positionals[0]}`);
    return 0;
  },
};

function safeUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
