/**
 * `mlsys-lab pack <subcommand>`: the instructor's tools for lab packs. Every subcommand prints
 * what it did in one or a few lines and exits non-zero with a message naming the file and field
 * at fault, so it works in an instructor's CI as well as at a terminal.
 */
import { UsageError, type Command } from '../command';
import { packBuild, packValidate } from './pack-build';
import { packCheck } from './pack-check';
import { packInit } from './pack-init';
import { packKeygen, packSign, packVerify } from './pack-keys';
import { packResults } from './pack-results';

export interface PackSubcommand {
  name: string;
  usage: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}

const subcommands: PackSubcommand[] = [packInit, packValidate, packBuild, packKeygen, packSign, packVerify, packCheck, packResults];

const usage = [
  'Usage: mlsys-lab pack <subcommand> [options]',
  '',
  ...subcommands.flatMap((s) => [`  ${s.usage}`, `      ${s.summary}`]),
  '',
  'PACK is a pack folder (with labpack.json) or a .labpack file.',
].join('\n');

export const packCommand: Command = {
  name: 'pack',
  summary: 'Make, check, sign and build lab packs; read hand-ins (init, validate, build, keygen, sign, verify, check, results)',
  usage,
  async run(argv) {
    const [name, ...rest] = argv;
    const sub = subcommands.find((s) => s.name === name);
    if (!sub) throw new UsageError(name ? `Unknown pack subcommand "${name}".` : 'Which pack subcommand?');
    return sub.run(rest);
  },
};
