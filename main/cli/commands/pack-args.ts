import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../command';

/** node:util parseArgs, with its errors turned into usage errors that name the subcommand. */
export function parsePackArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], usage: string, options: O, positionals: { min: number; max: number }) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nUsage: mlsys-lab pack ${usage}`);
  }
  const n = parsed.positionals.length;
  if (n < positionals.min || n > positionals.max) throw new UsageError(`Usage: mlsys-lab pack ${usage}`);
  return parsed;
}
